"""Make the screenshots in docs/screenshots/ from a temporary registry holding the demo collection (dev tool).

python scripts/screenshots.py [--out docs/screenshots] [--chromium /usr/bin/chromium]

Serves the registry on 127.0.0.1 (a free port) from a temporary folder, drives Debian's Chromium with Playwright
(landing page, a match, a no-match), and renders the first page of a due-diligence certificate and two pages of a
catalogue with pdfium. Each PNG is reduced to a palette so it stays small (under 300 KB).
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "screenshots-only password 7"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
LIMIT_BYTES = 300_000


def small_png(image, path: Path, colours: int = 192) -> None:
    """Save as an optimised palette PNG, with fewer colours until it fits under LIMIT_BYTES."""
    from PIL import Image

    image = image.convert("RGB")
    while True:
        buffer = io.BytesIO()
        image.quantize(colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(buffer, "PNG", optimize=True)
        if buffer.tell() <= LIMIT_BYTES or colours <= 16:
            break
        colours //= 2
    path.write_bytes(buffer.getvalue())
    print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {buffer.tell() // 1024} KB")


def demo_registry(folder: Path):
    """An app on a fresh SQLite database in `folder`, with the demo collection, its index and a dealer's account."""
    from registry import create_app
    from registry.demo import seed_demo
    from registry.extensions import db
    from registry.services.accounts import create_user

    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'registry.sqlite'}", "MEDIA_DIR": str(folder / "media"),
                      "INSTANCE_PATH": str(folder), "SECRET_KEY": "screenshots", "LOGIN_RATE_LIMIT": "1000 per minute"})
    with app.app_context():
        db.create_all()
        seed_demo("screenshots")
        _demo_contacts()
        create_user("dealer@example.org", "Dana Marchetti", "dealer", PASSWORD, "screenshots", organisation="Marchetti Fine Art")
        db.session.remove()
    return app


def _demo_contacts() -> None:
    """Invented contact details for the demo museums (what an admin enters at /admin/institutions)."""
    from sqlalchemy import select

    from registry.extensions import db
    from registry.models import Institution

    for number, institution in enumerate(db.session.scalars(select(Institution).order_by(Institution.id)), start=1):
        slug = "".join(c for c in institution.name.lower().split("(")[0] if c.isalnum())[:32]
        institution.enquiry_email = f"stolen-objects@{slug}.example.org"
        institution.phone = f"+33 1 40 00 00 0{number}"
        institution.postal_address = f"{number} Museum Street, 75001 Paris"
        institution.website = f"https://{slug}.example.org"
    db.session.commit()


def suspect_photos(app, folder: Path) -> tuple[Path, Path]:
    """A photo of a demo object reported stolen, as a dealer would take it (cropped, smaller), and one of an object
    that is not in the registry."""
    from PIL import Image
    from sqlalchemy import select

    from registry.demo.images import draw_object
    from registry.models import ObjectRecord
    from registry.services.photos import media_store

    with app.app_context():
        record = next(r for r in app.extensions["sqlalchemy"].session.scalars(
            select(ObjectRecord).where(ObjectRecord.status == "stolen").order_by(ObjectRecord.id)) if r.current_photos
            and r.object_type.lower().startswith("vase"))
        with Image.open(media_store().path("display", record.current_photos[0].sha256)) as image:
            width, height = image.size
            offered = image.convert("RGB").crop((width * 0.06, height * 0.04, width * 0.97, height * 0.98)).resize((720, 700))
    match = folder / "offered-lot-12.jpg"
    offered.save(match, quality=88)
    stranger = folder / "offered-lot-31.jpg"
    draw_object(424242, "statuette", "wood").save(stranger, quality=88)
    return match, stranger


def serve(app):
    """The app on a free loopback port, in a thread; returns (base_url, server)."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def pdf_page(data: bytes, number: int, scale: float = 1.4):
    """One page of a PDF as a Pillow image (pdfium)."""
    import pypdfium2

    return pypdfium2.PdfDocument(data)[number].render(scale=scale).to_pil()


def side_by_side(images, gap: int = 24):
    """Pages next to each other on a grey desk."""
    from PIL import Image

    width = sum(i.width for i in images) + gap * (len(images) + 1)
    height = max(i.height for i in images) + 2 * gap
    desk = Image.new("RGB", (width, height), (214, 219, 224))
    x = gap
    for image in images:
        desk.paste(image, (x, gap))
        x += image.width + gap
    return desk


def take(page, path: Path, height: int | None = None) -> None:
    """Screenshot the page (the viewport, or the top `height` pixels of the whole page) as a small PNG."""
    from PIL import Image

    if height:
        shot = page.screenshot(full_page=True, clip={"x": 0, "y": 0, "width": page.viewport_size["width"], "height": height})
    else:
        shot = page.screenshot()
    small_png(Image.open(io.BytesIO(shot)), path)


def check(page, base: str, photo: Path, description: str = "") -> None:
    """Run a check of one photo (and a description, if given) through the page."""
    page.goto(f"{base}/check/")
    page.set_input_files("#photos", str(photo))
    if description:
        page.click("main form.check-form details summary")
        page.fill("#description", description)
    page.click("main form.check-form button[type=submit]")
    page.wait_for_selector(".verdict-banner")


def main() -> None:
    """Make every screenshot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    import logging

    from playwright.sync_api import sync_playwright

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request

    with tempfile.TemporaryDirectory(prefix="registry-screenshots-") as temp:
        folder = Path(temp)
        app = demo_registry(folder)
        match, stranger = suspect_photos(app, folder)
        base, server = serve(app)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
                page = browser.new_context(viewport={"width": 1280, "height": 860}).new_page()
                page.set_default_timeout(60_000)
                page.goto(f"{base}/")
                take(page, args.out / "landing.png")
                page.goto(f"{base}/auth/login")
                page.fill("input[name=email]", "dealer@example.org")
                page.fill("input[name=password]", PASSWORD)
                page.click("main form button[type=submit]")
                page.wait_for_url("**/account/")
                check(page, base, stranger)
                take(page, args.out / "no-match.png", height=1100)
                check(page, base, match, description="Terracotta vase painted with a banquet scene")
                take(page, args.out / "match.png", height=1350)
                page.click("main form[action*='/certificate'] button[type=submit]")
                page.wait_for_url("**/certificates/DD-*")
                number = page.url.rsplit("/", 1)[1]
                certificate = page.request.get(f"{base}/certificates/{number}.pdf").body()
                small_png(pdf_page(certificate, 0, scale=1.6), args.out / "certificate.png")
                catalogue = page.request.get(f"{base}/catalogue/catalogue.pdf?status=stolen").body()
                small_png(side_by_side([pdf_page(catalogue, 0), pdf_page(catalogue, 1)]), args.out / "catalogue.png")
                browser.close()
        finally:
            server.shutdown()
            with app.app_context():
                from registry.extensions import db

                db.engine.dispose()


if __name__ == "__main__":
    main()
