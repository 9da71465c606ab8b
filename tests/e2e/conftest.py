"""End-to-end fixtures: the real app served on loopback, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from registry import create_app
from registry.demo.images import draw_object
from registry.extensions import db

CHROMIUM = os.environ.get("REGISTRY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
PASSWORD = "correct horse battery staple"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed (apt-get install chromium)")


def photo_file(directory: Path, seed: int, name: str, shape: str = "statuette") -> Path:
    """A drawn object photo saved as JPEG."""
    path = directory / name
    draw_object(seed, shape, "bronze").save(path, format="JPEG", quality=90)
    return path


@pytest.fixture
def live_server(tmp_path):
    """The registry on 127.0.0.1 (a free port), on its own SQLite database, with CSRF on as in production."""
    from registry.models import Institution
    from registry.redlists import load_default
    from registry.services.accounts import create_user
    from registry.services.objects import create_record
    from registry.services.photos import decode_upload
    from registry.services.redlists import import_red_list_set

    app = create_app({
        "TESTING": False, "DATABASE_URL": os.environ.get("REGISTRY_E2E_DATABASE_URL") or f"sqlite:///{tmp_path / 'e2e.sqlite'}",
        "MEDIA_DIR": str(tmp_path / "media"), "SECRET_KEY": "e2e-secret", "LOGIN_RATE_LIMIT": "1000 per minute",
    })
    with app.app_context():
        db.create_all()
        import_red_list_set(load_default())
        create_user("registrar@e2e.example", "Rita Registrar", "registrar", PASSWORD, "e2e", institution="Museum of Testing")
        create_user("dealer@e2e.example", "Dan Dealer", "dealer", PASSWORD, "e2e", organisation="E2E Auctions")
        create_user("officer@e2e.example", "Olga Officer", "law_enforcement", PASSWORD, "e2e", agency="E2E Customs")
        buffer = io.BytesIO()
        draw_object(901, "vase", "terracotta").save(buffer, format="JPEG", quality=90)
        create_record("Museum of Testing", {"object_number": "E2E-STOLEN", "object_type": "Vase", "title": "Banquet vase",
                                            "materials": "terracotta"}, "e2e",
                      photos=[decode_upload(buffer.getvalue(), "vase.jpg")], filenames=["vase.jpg"],
                      status_fields={"status": "stolen", "case_reference": "POL-E2E-0042"})
        museum = db.session.execute(db.select(Institution).filter_by(name="Museum of Testing")).scalar_one()
        museum.enquiry_email, museum.phone = "stolen@testing.example", "+33 1 00 00 00 00"
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def browser():
    """Headless Chromium from Debian's package (Playwright cannot download its own here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A desktop-sized page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    """A phone-sized page (touch, small viewport)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def sign_in(page, base_url: str, email: str = "registrar@e2e.example") -> None:
    """Sign in through the form."""
    page.goto(f"{base_url}/auth/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/account/")
