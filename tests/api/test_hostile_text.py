"""Careless and hostile text (issue 24): a body that is not JSON, control characters, spreadsheet formulas."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

import pytest
from lxml import etree
from sqlalchemy import select, update

from registry.extensions import db
from registry.models import ObjectRecord

from registry.objectid.standard import InvalidRecord
from registry.services.objects import create_record, update_record


@pytest.mark.parametrize("body", ['{"object_number": "A",', "[1, 2", "not json at all"])
def test_a_body_that_is_not_json_gets_a_400_saying_so(client, api_headers, body):
    headers = {**api_headers("registrar"), "Content-Type": "application/json"}
    for method, path in (("post", "/api/v1/records"), ("patch", "/api/v1/records/1")):
        response = getattr(client, method)(path, data=body, headers=headers)
        assert response.status_code == 400, response.get_data(as_text=True)
        assert response.get_json()["error"] == "invalid input: json: Invalid JSON body."


@pytest.mark.parametrize("character", ["\x01", "\x08", "\x0b", "\x1b", "\x1f", "\ufffe"])
def test_control_characters_are_refused_at_every_door(client, api_headers, login_as, character):
    response = client.post("/api/v1/records", headers=api_headers("registrar"),
                           json={"object_number": "C-1", "object_type": "Vase", "title": f"a{character}b"})
    assert response.status_code == 400 and "control characters" in response.get_json()["error"]
    login_as("admin")
    assert client.get(f"/objects/?q=x{quote(character)}y").status_code == 400
    with pytest.raises(InvalidRecord) as refused:  # an import reaches the same rule
        create_record("Museum of Testing", {"object_number": "C-2", "object_type": "Vase", "inscriptions": f"x{character}y"}, "import")
    assert refused.value.field == "inscriptions"
    with pytest.raises(InvalidRecord):
        create_record("Museum\x01X", {"object_number": "C-3", "object_type": "Vase"}, "import")


def test_tabs_and_line_breaks_stay_and_the_public_feeds_still_answer(client):
    record = create_record("Museum of Testing", {"object_number": "T-1", "object_type": "Vase",
                                                 "description": "two lines\nand\ta tab\r\n"},
                           "test", status_fields={"status": "stolen"})
    with pytest.raises(InvalidRecord):
        update_record(record, {"description": "bell\x07"}, "test")
    atom = client.get("/feeds/stolen.atom")
    assert atom.status_code == 200
    assert etree.fromstring(atom.data).findtext("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}title")


def test_the_audit_export_does_not_hand_formulas_to_a_spreadsheet(client, login_as):
    create_record("Museum of Testing", {"object_number": "=HYPERLINK(\"http://x.example\")", "object_type": "Vase",
                                        "title": "@SUM(A1)"}, "+cmd|' /C calc'!A0")
    login_as("admin")
    rows = list(csv.DictReader(io.StringIO(client.get("/admin/audit.csv").get_data(as_text=True))))
    created = next(row for row in rows if row["action"] == "created")
    assert created["actor"] == "'+cmd|' /C calc'!A0"
    texts = [value for row in rows for value in row.values() if value]
    assert not any(value[:1] in "=+-@" for value in texts)


def test_an_absurd_measurement_is_refused_and_one_already_stored_does_not_break_the_public_page(client, api_headers):
    response = client.post("/api/v1/records", headers=api_headers("registrar"),
                           json={"object_number": "W-1", "object_type": "Vase", "weight_kg": 1e308})
    assert response.status_code == 400 and "check the unit" in response.get_json()["error"]
    record = create_record("Museum of Testing", {"object_number": "W-2", "object_type": "Vase", "weight_kg": 2.5},
                           "test", status_fields={"status": "stolen"})
    db.session.execute(update(ObjectRecord).where(ObjectRecord.id == record.id).values(weight_kg=1e308, height_cm=1e300))
    db.session.commit()  # as stored before the rule (issue 24)
    page = client.get(f"/objects/{record.id}")
    assert page.status_code == 200 and "1e+308" in page.get_data(as_text=True)


def test_an_import_strips_characters_xml_forbids_and_reports_each_row(client, api_headers):
    # issue 24, finding 2: a CSV (or LIDO) import keeps the record, without the characters, and says where they were
    csv_text = ("object_number,object_type,title,description\r\n"
                "I-1,Vase,\"bell\x07 here\",plain\r\n"
                "I-2,Bowl,clean,clean too\r\n"
                "I-3,Cup,x\ufffey,\"esc\x1b[31m\"\r\n")
    response = client.post("/api/v1/imports", headers=api_headers("registrar"),
                           data={"format": "csv", "file": (io.BytesIO(csv_text.encode()), "records.csv")})
    report = response.get_json()
    assert response.status_code == 200 and report["created"] == 3 and report["rejected"] == 0
    assert report["warnings"] == [
        "row 2 (I-1): removed control characters (or U+FFFE, U+FFFF) that XML cannot carry from title",
        "row 4 (I-3): removed control characters (or U+FFFE, U+FFFF) that XML cannot carry from title, description"]
    titles = dict(db.session.execute(select(ObjectRecord.object_number, ObjectRecord.title)).all())
    assert titles == {"I-1": "bell here", "I-2": "clean", "I-3": "xy"}


def test_an_unpaired_surrogate_in_json_is_refused(client, api_headers):
    body = '{"object_number": "S-1", "object_type": "Vase", "title": "half \\ud800 a pair"}'
    response = client.post("/api/v1/records", headers={**api_headers("registrar"), "Content-Type": "application/json"},
                           data=body)
    assert response.status_code == 400 and "unpaired surrogates" in response.get_json()["error"]
