"""Navigation fits the role: the landing page and its three doors, a menu without doors a role may not open, a page
that says who may register instead of a bare 403, and each role's dashboard showing its work."""

from __future__ import annotations

import io
import re

from sqlalchemy import select

from registry.demo.images import draw_object
from registry.extensions import db
from registry.models import Check
from registry.services.objects import change_status, create_record
from registry.services.photos import decode_upload

REGISTER_LINK = 'href="/objects/new"'


def _jpeg(seed: int, shape: str = "statuette") -> bytes:
    buffer = io.BytesIO()
    draw_object(seed, shape, "bronze").save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def _menu(page: str) -> str:
    return re.search(r'<nav aria-label="Main">(.*?)</nav>', page, re.S).group(1)


def _record(number: str, seed: int, status: str = "stolen", institution: str = "Museum of Testing", photos: int = 1, **fields):
    return create_record(institution, {"object_number": number, "object_type": "Statuette", "title": f"Figure {number}", **fields},
                         "test", photos=[decode_upload(_jpeg(seed + n), f"{number}-{n}.jpg") for n in range(photos)],
                         filenames=[f"{number}-{n}.jpg" for n in range(photos)], status_fields={"status": status})


def _check(client, seed: int) -> Check:
    response = client.post("/check/", data={"photos": [(io.BytesIO(_jpeg(seed)), "suspect.jpg")]}, content_type="multipart/form-data")
    assert response.status_code == 200
    return db.session.scalars(select(Check).order_by(Check.id.desc())).first()


def test_the_landing_page_says_what_the_registry_is_with_three_doors(client):
    _record("L-1", 10)
    page = client.get("/").get_data(as_text=True)
    assert "Object ID standard" in page and "1 object reported stolen, missing or looted" in page
    doors = re.findall(r'<li class="door">.*?</li>', page, re.S)
    assert len(doors) == 3
    assert 'href="/check/"' in doors[0] and 'href="/redlists/"' in doors[1] and 'href="/register"' in doors[2]
    assert REGISTER_LINK not in page  # a visitor is not sent to a door that would turn them away


def test_the_landing_page_in_french_and_arabic(client):
    french = client.get("/?lang=fr").get_data(as_text=True)
    assert "Vérifier un objet" in french and "Enregistrer votre collection" in french
    arabic = client.get("/?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in arabic and "Register your collection" not in arabic


def test_a_dealer_meets_no_register_door_and_no_bare_403(client, login_as):
    login_as("dealer")
    page = client.get("/").get_data(as_text=True)
    assert REGISTER_LINK not in page and 'href="/register"' in page
    assert "Register an object" not in _menu(page) and "Check an object" in _menu(page)
    refused = client.get("/objects/new")
    body = refused.get_data(as_text=True)
    assert refused.status_code == 403
    assert "registrars of museums" in body and "Your account (Dealer / auction house) may not register objects." in body
    assert "Your account may not do this." not in body  # not the bare refusal
    assert 'href="/check/"' in body and 'href="/account/"' in body  # what a dealer can do instead
    explained = client.get("/register")
    assert explained.status_code == 200 and "registrars of museums" in explained.get_data(as_text=True)


def test_a_visitor_asking_to_register_is_sent_to_sign_in(client):
    assert "/auth/login" in client.get("/objects/new").headers["Location"]
    page = client.get("/register").get_data(as_text=True)
    assert "If you are a registrar, sign in first." in page


def test_registrars_and_admins_see_the_register_door(client, login_as, app):
    login_as("registrar")
    for path in ("/", "/objects/", "/check/"):
        page = client.get(path).get_data(as_text=True)
        assert "Register an object" in _menu(page)
    assert REGISTER_LINK in client.get("/").get_data(as_text=True)
    admin = app.test_client()
    from tests.conftest import PASSWORD
    from registry.services.accounts import create_user

    create_user("admin@test.example", "Admin", "admin", PASSWORD, "test")
    admin.post("/auth/login", data={"email": "admin@test.example", "password": PASSWORD})
    assert "Register an object" in _menu(admin.get("/").get_data(as_text=True))


def test_law_enforcement_menu_has_no_register_door(client, login_as):
    login_as("law_enforcement")
    assert "Register an object" not in _menu(client.get("/objects/").get_data(as_text=True))
    assert client.get("/objects/new").status_code == 403


def test_a_registrars_dashboard_shows_records_changes_and_what_to_finish(client, login_as):
    login_as("registrar")
    _record("R-STOLEN", 20, status="stolen", photos=1)  # no case reference, one view
    _record("R-DONE", 30, status="inventory", photos=3)
    _record("OTHER-1", 40, institution="Another Museum", photos=1)
    page = client.get("/account/").get_data(as_text=True)
    assert "Your institution’s records" in page
    assert re.search(r'status-stolen">Stolen</span> 1<', page) and re.search(r'status-inventory">In inventory</span> 1<', page)
    finish = page[page.index("To finish"):page.index("Recent changes")]
    assert "R-STOLEN" in finish and "reported lost without a police / case reference" in finish
    assert "R-DONE" not in finish and "OTHER-1" not in page
    assert "1 record needs something." in finish
    changes = page[page.index("Recent changes"):]
    assert "R-DONE" in changes and "created" in changes


def test_an_officers_dashboard_shows_the_agencys_checks_and_hits(app, client, login_as, make_user):
    _record("HIT-1", 50, status="stolen")
    login_as("law_enforcement", email="officer@test.example", agency="Border Customs")
    hit = _check(client, 50)
    miss = _check(client, 99)
    page = client.get("/account/").get_data(as_text=True)
    assert "Checks of Border Customs" in page and "2 checks logged." in page
    hits = page[page.index("Hits"):page.index("Latest checks")]
    assert f"Check #{hit.id}" in hits and "HIT-1" in hits and "Match" in hits
    assert f"Check #{miss.id}<" not in hits
    colleague = app.test_client()
    make_user("law_enforcement", email="colleague@test.example", agency="Border Customs")
    from tests.conftest import PASSWORD

    colleague.post("/auth/login", data={"email": "colleague@test.example", "password": PASSWORD})
    assert f"Check #{hit.id}" in colleague.get("/account/").get_data(as_text=True)
    stranger = app.test_client()
    make_user("law_enforcement", email="other@test.example", agency="Harbour Police")
    stranger.post("/auth/login", data={"email": "other@test.example", "password": PASSWORD})
    assert f"Check #{hit.id}" not in stranger.get("/account/").get_data(as_text=True)


def test_a_dealers_dashboard_shows_checks_certificates_and_alerts(client, login_as):
    login_as("dealer")
    check = _check(client, 64)
    assert client.post(f"/checks/{check.id}/certificate").status_code == 302
    page = client.get("/account/").get_data(as_text=True)
    assert "Your due diligence" in page and "No alert" in page and f"Check #{check.id}" in page and "DD-" in page
    record = _record("LATE-1", 64, status="inventory")
    change_status(record, {"status": "stolen"}, "test")
    page = client.get("/account/").get_data(as_text=True)
    alerts = page[page.index("Alerts"):]
    assert "now reported stolen, missing or looted matches the checked photos" in alerts
    assert f'href="/objects/{record.id}"' in alerts
