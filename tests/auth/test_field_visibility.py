"""What of a record each reader sees (registry/policy.py FIELD_VISIBILITY), per role and status: on the Object ID sheet,
in the API's JSON and in the API's exports. The public sees the institution's enquiry contact, never the registrar's
e-mail address."""

from __future__ import annotations

import csv
import io

import pytest

from registry.extensions import db
from registry.policy import ROLES, Principal, withheld_fields
from registry.services.objects import create_record

NOTES = "Alarm code was known to the thief"
CASE = "PJ/2026/881"
REGISTRAR = "registrar@test.example"


@pytest.fixture
def stolen_record(app, make_user):
    """A stolen record registered by a registrar of Museum of Testing, whose institution has an enquiry contact."""
    registrar = make_user("registrar")
    registrar.institution.enquiry_email = "stolen@museum.example"
    registrar.institution.phone = "+33 1 23 45 67 89"
    record = create_record("Museum of Testing", {"object_number": "VIS-1", "object_type": "Statuette",
                                                 "provenance": [{"owner": "Galerie Orient", "date": "1962", "method": "purchase"}]},
                           registrar.label, status_fields={"status": "stolen", "loss_place": "Gallery 4", "case_reference": CASE,
                                                           "loss_notes": NOTES})
    db.session.commit()
    return record


# role -> (sees the case reference, sees the loss notes and who registered the record)
EXPECTED = {
    "anonymous": (False, False),
    "dealer": (True, False),
    "registrar_elsewhere": (True, False),
    "law_enforcement": (True, True),
    "registrar": (True, True),
    "admin": (True, True),
}


def _sign_in(client, login_as, who: str) -> None:
    if who == "registrar_elsewhere":
        login_as("registrar", email="other@test.example", institution="Other Museum")
    elif who == "registrar":
        client.post("/auth/login", data={"email": REGISTRAR, "password": "correct horse battery staple"})
    elif who != "anonymous":
        login_as(who)


@pytest.mark.parametrize("who", EXPECTED)
def test_the_sheet_shows_each_role_what_it_may_see(client, login_as, stolen_record, who):
    _sign_in(client, login_as, who)
    sheet = client.get(f"/objects/{stolen_record.id}?lang=en").get_data(as_text=True)
    sees_case, sees_internal = EXPECTED[who]
    assert "stolen@museum.example" in sheet and "+33 1 23 45 67 89" in sheet  # whom to contact: always
    assert "Gallery 4" in sheet and "Galerie Orient" in sheet  # the loss's place and the provenance: public when stolen
    assert (CASE in sheet) == sees_case
    assert ("Sign in to see the police case reference" in sheet) == (who == "anonymous")
    assert (NOTES in sheet) == sees_internal
    assert (REGISTRAR in sheet) == sees_internal  # the registrar's e-mail address is never public


@pytest.mark.parametrize("who", ["dealer", "law_enforcement"])
def test_the_api_answers_withheld_fields_empty_and_names_them(client, api_headers, stolen_record, who):
    body = client.get(f"/api/v1/records/{stolen_record.id}", headers=api_headers(who)).get_json()
    assert body["case_reference"] == CASE and body["institution_contact"]["enquiry_email"] == "stolen@museum.example"
    if who == "dealer":
        assert body["loss_notes"] == "" and "loss_notes" in body["withheld_fields"]
    else:
        assert body["loss_notes"] == NOTES and body["withheld_fields"] == []
    listed = client.get("/api/v1/records", headers=api_headers(who, email=f"list-{who}@test.example")).get_json()["records"][0]
    assert listed["loss_notes"] == body["loss_notes"]
    exported = client.get("/api/v1/exports/records?format=csv", headers=api_headers(who, email=f"x-{who}@test.example"))
    [row] = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert row["case_reference"] == CASE and (row["loss_notes"] == NOTES) == (who == "law_enforcement")


def test_the_stored_record_is_never_changed_by_withholding(client, api_headers, stolen_record):
    client.get(f"/api/v1/records/{stolen_record.id}", headers=api_headers("dealer"))
    db.session.expire_all()
    assert stolen_record.loss_notes == NOTES and stolen_record.case_reference == CASE


def test_the_rules_per_role_and_status():
    """The table as a whole: for a record of institution 1, which fields each role is refused, per status."""
    def withheld(role: str, status: str, institution_id: int | None = None) -> set[str]:
        principal = Principal(role=role, user_id=None if role == "anonymous" else 7, institution_id=institution_id)
        return set(withheld_fields(principal, status, 1))

    internal = {"loss_notes", "registered_by"}
    for status in ("stolen", "missing", "looted", "recovered"):
        assert withheld("anonymous", status) == internal | {"case_reference"}
        assert withheld("dealer", status) == internal
        assert withheld("registrar", status, institution_id=2) == internal
        assert withheld("registrar", status, institution_id=1) == set()
        assert withheld("law_enforcement", status) == set() and withheld("admin", status) == set()
    # an inventory record is seen only by insiders (can_view_record), who see it whole; were it shown to others,
    # nothing of its loss, provenance or contact would be public
    assert withheld("registrar", "inventory", institution_id=1) == set()
    assert withheld("dealer", "inventory") == {"loss_date", "loss_place", "loss_notes", "provenance", "registered_by",
                                               "institution_contact"}
    assert set(ROLES) == {"anonymous", "dealer", "law_enforcement", "registrar", "admin"}
