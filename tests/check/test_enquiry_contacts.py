"""Institutions and agencies have contact details (admin page, audited); a check that finds a record shows whom to
contact and the case reference to quote, on the page, in the API and on the certificate, to the roles allowed."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from registry.demo.images import draw_object
from registry.extensions import db
from registry.models import Agency, AuditEvent, Certificate, Check, Institution
from registry.policy import ROLES
from registry.services.objects import create_record
from registry.services.photos import decode_upload

CONTACT = {"name": "Museum of Testing", "postal_address": "1 Museum Street\nTestville 1000", "phone": "+33 1 23 45 67 89",
           "enquiry_email": "stolen@museum.example", "website": "https://museum.example/stolen"}
CASE = "PJ/2026/0417"


def _jpeg(seed: int = 31) -> bytes:
    buffer = io.BytesIO()
    draw_object(seed, "vase", "terracotta").save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


@pytest.fixture
def stolen_vase(app):
    record = create_record("Museum of Testing", {"object_number": "CT-1", "object_type": "Vase"}, "test",
                           photos=[decode_upload(_jpeg(), "v.jpg")], filenames=["v.jpg"],
                           status_fields={"status": "stolen", "case_reference": CASE, "loss_place": "Testville"})
    institution = record.institution
    for name, value in CONTACT.items():
        setattr(institution, name, value)
    db.session.commit()
    return record


def test_an_admin_creates_and_edits_an_institution_and_every_change_is_audited(client, login_as):
    login_as("admin")
    created = client.post("/admin/institutions", data={**CONTACT, "name": "Musée de la Preuve"}, follow_redirects=True)
    assert created.status_code == 200 and "Musée de la Preuve saved." in created.get_data(as_text=True)
    institution = db.session.scalar(select(Institution).where(Institution.name == "Musée de la Preuve"))
    assert institution.contact["enquiry_email"] == "stolen@museum.example"
    assert institution.postal_address == "1 Museum Street\nTestville 1000"
    changed = client.post(f"/admin/institutions/institution/{institution.id}",
                          data={**CONTACT, "name": "Musée de la Preuve", "phone": "+33 9 99 99 99 99"})
    assert changed.status_code == 302
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.target_type == "institution")
                                .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["institution_created", "institution_updated"]
    assert json.loads(events[1].old_value) == {"phone": "+33 1 23 45 67 89"}
    assert json.loads(events[1].new_value) == {"phone": "+33 9 99 99 99 99"}
    assert events[1].actor.startswith("admin@test.example")


def test_an_admin_creates_an_agency(client, login_as):
    login_as("admin")
    response = client.post("/admin/institutions?kind=agency", data={"name": "Border Customs", "phone": "112",
                                                                     "enquiry_email": "art@customs.example"})
    assert response.status_code == 302
    agency = db.session.scalar(select(Agency).where(Agency.name == "Border Customs"))
    assert agency.enquiry_email == "art@customs.example"
    page = client.get("/admin/institutions").get_data(as_text=True)
    assert "Border Customs" in page and "art@customs.example" in page
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.target_type == "agency")).action == "agency_created"


@pytest.mark.parametrize("field, value, message", [
    ("enquiry_email", "not an address", "not an e-mail address"),
    ("website", "javascript:alert(1)", "starting with https://"),
    ("phone", "call us", "only digits"),
])
def test_bad_contact_details_are_refused_and_nothing_is_saved(client, login_as, field, value, message):
    login_as("admin")
    response = client.post("/admin/institutions", data={**CONTACT, "name": "Bad Museum", field: value})
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(Institution).where(Institution.name == "Bad Museum")) is None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.target_type == "institution")) is None


def test_a_second_institution_of_the_same_name_is_refused(client, login_as, stolen_vase):
    login_as("admin")
    response = client.post("/admin/institutions", data={"name": "Museum  of Testing"})
    assert "Museum of Testing already exists" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
def test_only_admins_manage_institutions(client, login_as, stolen_vase, role):
    if role != "anonymous":
        login_as(role)
    institution_id = stolen_vase.institution_id
    listing = client.get("/admin/institutions")
    edit = client.post(f"/admin/institutions/institution/{institution_id}", data={**CONTACT, "phone": "000"})
    for response in (listing, edit):
        assert response.status_code in (302, 403)
        assert response.status_code == 403 or "/auth/login" in response.headers["Location"]
    assert db.session.get(Institution, institution_id).phone == CONTACT["phone"]


def _check_page(client) -> str:
    response = client.post("/check/", data={"photos": [(io.BytesIO(_jpeg()), "lot.jpg")]}, content_type="multipart/form-data")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("role", ROLES)
def test_a_match_shows_the_contact_and_the_case_reference_to_the_roles_allowed(client, login_as, stolen_vase, role):
    if role != "anonymous":
        login_as(role)
    html = _check_page(client)
    assert "Contact about this object:" in html
    for text in ("stolen@museum.example", "+33 1 23 45 67 89", "1 Museum Street, Testville 1000", "https://museum.example/stolen"):
        assert text in html  # checks.view_contact: every role
    if role == "anonymous":  # checks.view_case_reference: signed-in roles only
        assert CASE not in html and "Sign in to see the police case reference" in html
    else:
        assert CASE in html


def test_a_match_without_contact_details_says_whom_to_ask(client, app):
    create_record("Museum of Silence", {"object_number": "S-1", "object_type": "Vase"}, "test",
                  photos=[decode_upload(_jpeg(), "v.jpg")], filenames=["v.jpg"], status_fields={"status": "stolen"})
    assert "has not given contact details yet" in _check_page(client)


def test_the_api_gives_the_enquiry_per_role(client, api_headers, stolen_vase):
    data = lambda: {"photos": [(io.BytesIO(_jpeg()), "lot.jpg")]}  # noqa: E731
    dealer = client.post("/api/v1/checks", data=data(), headers=api_headers("dealer"), content_type="multipart/form-data")
    [candidate] = [c for c in dealer.get_json()[0]["candidates"] if c["verdict"] == "match"]
    assert candidate["enquiry"]["institution"] == "Museum of Testing"
    assert candidate["enquiry"]["contact"]["enquiry_email"] == "stolen@museum.example"
    assert candidate["enquiry"]["case_reference"] == CASE
    check = db.session.scalars(select(Check).order_by(Check.id.desc())).first()
    assert all("enquiry" not in c for r in check.results for c in r["candidates"])  # not frozen into the log


def test_the_certificate_page_and_pdf_give_the_contact_and_case_reference(client, login_as, stolen_vase):
    login_as("dealer")
    _check_page(client)
    check = db.session.scalars(select(Check).order_by(Check.id.desc())).first()
    assert client.post(f"/checks/{check.id}/certificate").status_code == 302
    certificate = db.session.scalar(select(Certificate).where(Certificate.check_id == check.id))
    page = client.get(f"/certificates/{certificate.number}").get_data(as_text=True)
    assert "stolen@museum.example" in page and CASE in page
    pdf = client.get(f"/certificates/{certificate.number}.pdf").data
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "stolen@museum.example" in text and CASE in text
    assert app_verifies(client, certificate)


def app_verifies(client, certificate) -> bool:
    return "Genuine and unaltered" in client.get(f"/verify/{certificate.verification_code}").get_data(as_text=True)
