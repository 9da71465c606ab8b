"""Provenance and ownership history: the rules, the record form and the Object ID sheet, the API, the history and the
audit trail, and the exchange formats (LIDO acquisition events valid against the official schema, CSV, JSON)."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from registry.exchange.lido import validate_lido
from registry.extensions import db
from registry.models import Institution, ObjectRecord, RecordChange
from registry.objectid.provenance import clean_provenance
from registry.objectid.standard import InvalidRecord

LIDO_XSD = (Path(os.environ["REGISTRY_LIDO_XSD"]) if os.environ.get("REGISTRY_LIDO_XSD")
            else Path(__file__).resolve().parents[3] / "shared" / "lido" / "lido-v1.1.xsd")
LIDO = {"lido": "http://www.lido-schema.org"}

WOOLLEY = {"owner": "British Museum / University of Pennsylvania expedition", "place": "Ur, Iraq", "date": "1927-1929",
           "method": "excavation", "source": "Field register U.9178"}
DEALER = {"owner": "Galerie Orient, Geneva", "place": "Geneva", "date": "1962-05-03", "method": "purchase",
          "source": "Invoice 62/114"}


def test_the_rules_read_dates_as_the_registry_does_and_drop_blank_rows():
    events = clean_provenance([WOOLLEY, {"owner": "", "place": "", "date": "", "method": "", "source": ""},
                               DEALER, {"owner": "A family", "date": "18th century", "method": "Inheritance"},
                               {"place": "Thebes", "date": "1500–1400 BC"}])
    assert [(e["year_from"], e["year_to"]) for e in events] == [(1927, 1929), (1962, 1962), (1701, 1800), (-1500, -1400)]
    assert events[2]["method"] == "inheritance" and events[3]["method"] == "unknown" and events[3]["owner"] == ""
    assert set(events[0]) == {"owner", "place", "date", "year_from", "year_to", "method", "source"}


@pytest.mark.parametrize("event, words", [
    ({"owner": "X", "method": "theft-ish"}, "provenance event 1: unknown way of acquiring 'theft-ish'"),
    ({"owner": "X", "date": "long ago"}, "provenance event 1: no year can be read from the date 'long ago'"),
    ({"owner": "X", "date": "2999"}, "is in the future"),
    ({"method": "gift", "source": "a letter"}, "say who owned the object, or when or where"),
    ({"owner": "X" * 301}, "owner is longer than 300 characters"),
    ({"owner": 12}, "owner must be text"),
])
def test_the_rules_refuse_what_cannot_be_provenance(event, words):
    with pytest.raises(InvalidRecord) as caught:
        clean_provenance([event])
    assert words in str(caught.value) and caught.value.field == "provenance"


def _form_rows(*events) -> dict:
    return {f"provenance-{n}-{key}": value for n, event in enumerate(events) for key, value in event.items()}


def _record(number: str = "T-001") -> ObjectRecord:
    db.session.expire_all()
    return db.session.scalar(select(ObjectRecord).where(ObjectRecord.object_number == number))


def test_a_registrar_records_provenance_in_the_form_and_the_sheet_shows_it(client, login_as, record_fields):
    login_as("registrar")
    form = client.get("/objects/new").get_data(as_text=True)
    assert 'name="provenance-0-owner"' in form and 'name="provenance-1-method"' in form
    created = client.post("/objects/new", data={**record_fields(status="stolen"), **_form_rows(WOOLLEY)})
    assert created.status_code == 302, created.get_data(as_text=True)
    record = _record()
    assert record.provenance == clean_provenance([WOOLLEY])
    edit = client.get(f"/objects/{record.id}/edit").get_data(as_text=True)
    assert 'value="Field register U.9178"' in edit and 'name="provenance-2-owner"' in edit  # the event and two blank rows
    version = record.version
    saved = client.post(f"/objects/{record.id}/edit", data={**record_fields(), "version": version,
                                                             **_form_rows(WOOLLEY, DEALER, {"owner": ""})})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    record = _record()
    assert [e["owner"] for e in record.provenance] == [WOOLLEY["owner"], DEALER["owner"]]
    assert record.version == version + 1
    change = db.session.scalar(select(RecordChange).where(RecordChange.field == "provenance"))
    assert change.action == "updated" and change.changed_by == "registrar@test.example (registrar)"
    assert json.loads(change.old_value) == clean_provenance([WOOLLEY])
    assert json.loads(change.new_value) == clean_provenance([WOOLLEY, DEALER])

    anonymous_sheet = client.application.test_client().get(f"/objects/{record.id}").get_data(as_text=True)
    for text in ("Provenance and ownership history", "Galerie Orient, Geneva", "1962-05-03", "Purchase", "Invoice 62/114",
                 "Excavation"):
        assert text in anonymous_sheet, text
    assert anonymous_sheet.index("1927-1929") < anonymous_sheet.index("1962-05-03")  # in the order written
    french = client.get(f"/objects/{record.id}?lang=fr").get_data(as_text=True)
    assert "Provenance et historique des propriétaires" in french and "Achat" in french
    history = client.get(f"/objects/{record.id}/history?lang=en").get_data(as_text=True)
    assert "Provenance and ownership history" in history
    assert "1962-05-03 · Galerie Orient, Geneva · Geneva · Purchase · Invoice 62/114" in history  # read as events, not JSON


def test_a_bad_event_is_refused_beside_the_provenance_and_nothing_is_saved(client, login_as, record_fields):
    login_as("registrar")
    client.post("/objects/new", data={**record_fields(), **_form_rows(WOOLLEY)})
    record = _record()
    refused = client.post(f"/objects/{record.id}/edit", data={**record_fields(title="New title"), "version": record.version,
                                                              **_form_rows(WOOLLEY, {"owner": "Someone", "date": "someday"})})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "provenance event 2: no year can be read from the date" in page
    assert 'value="someday"' in page  # what was typed is kept in the form
    record = _record()
    assert record.title != "New title" and len(record.provenance) == 1


def test_the_api_writes_and_answers_provenance_and_keeps_each_change(client, api_headers):
    headers = api_headers("registrar")
    created = client.post("/api/v1/records", json={"object_number": "PROV-1", "object_type": "Stela",
                                                   "provenance": [WOOLLEY]}, headers=headers)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["provenance"] == [{**WOOLLEY, "year_from": 1927, "year_to": 1929}]
    record_id = body["id"]
    patched = client.patch(f"/api/v1/records/{record_id}", json={"provenance": [WOOLLEY, DEALER], "version": body["version"]},
                           headers=headers)
    assert patched.status_code == 200 and [e["date"] for e in patched.get_json()["provenance"]] == ["1927-1929", "1962-05-03"]
    untouched = client.patch(f"/api/v1/records/{record_id}", json={"title": "Stela of a scribe"}, headers=headers).get_json()
    assert len(untouched["provenance"]) == 2  # a change that does not send it leaves it alone
    bad_method = client.patch(f"/api/v1/records/{record_id}", json={"provenance": [{"owner": "X", "method": "stolen"}]},
                              headers=headers)
    assert bad_method.status_code == 422 and "provenance" in bad_method.get_json()["details"]
    bad_date = client.patch(f"/api/v1/records/{record_id}", json={"provenance": [{"owner": "X", "date": "soon"}]}, headers=headers)
    assert bad_date.status_code == 400 and "no year can be read" in bad_date.get_json()["error"]
    assert len(client.get(f"/api/v1/records/{record_id}", headers=headers).get_json()["provenance"]) == 2
    changes = db.session.scalars(select(RecordChange).where(RecordChange.record_id == record_id,
                                                            RecordChange.field == "provenance")).all()
    assert len(changes) == 1 and "Galerie Orient" in changes[0].new_value
    created_entry = db.session.scalar(select(RecordChange).where(RecordChange.record_id == record_id, RecordChange.action == "created"))
    assert "Field register U.9178" in json.loads(created_entry.new_value)["provenance"]


def test_the_audit_export_carries_provenance_changes(client, api_headers, login_as):
    headers = api_headers("registrar")
    record = client.post("/api/v1/records", json={"object_number": "PROV-2", "object_type": "Vase"}, headers=headers).get_json()
    client.patch(f"/api/v1/records/{record['id']}", json={"provenance": [DEALER]}, headers=headers)
    login_as("admin")
    rows = list(csv.DictReader(io.StringIO(client.get("/admin/audit.csv").get_data(as_text=True))))
    [row] = [r for r in rows if r["field"] == "provenance"]
    assert row["target_id"] == str(record["id"]) and "Invoice 62/114" in row["new_value"] and row["old_value"] == ""


def test_lido_export_writes_valid_acquisition_events_that_import_back(app, client, api_headers):
    if not LIDO_XSD.is_file():
        pytest.skip(f"the LIDO schemas are not in {LIDO_XSD.parent}")
    headers = api_headers("admin")
    client.post("/api/v1/records", json={"object_number": "PROV-3", "object_type": "Cylinder seal", "institution": "Old Museum",
                                         "status": "stolen", "provenance": [WOOLLEY, DEALER]}, headers=headers)
    lido = client.get("/api/v1/exports/records?format=lido", headers=headers).data
    assert validate_lido(lido, LIDO_XSD) == []
    root = etree.fromstring(lido)
    acquisitions = root.xpath("//lido:event[lido:eventType/lido:term='Acquisition']", namespaces=LIDO)
    assert len(acquisitions) == 2
    first = acquisitions[0]
    assert first.xpath("string(lido:eventType/lido:conceptID)", namespaces=LIDO) == "http://terminology.lido-schema.org/lido00001"
    assert first.xpath("string(lido:eventActor/lido:actorInRole/lido:actor/lido:nameActorSet/lido:appellationValue)",
                       namespaces=LIDO) == WOOLLEY["owner"]
    assert first.xpath("string(lido:eventDate/lido:date/lido:earliestDate)", namespaces=LIDO) == "1927"
    assert first.xpath("string(lido:eventPlace/lido:displayPlace)", namespaces=LIDO) == "Ur, Iraq"
    assert first.xpath("string(lido:eventMethod/lido:term)", namespaces=LIDO) == "excavation"
    assert first.xpath("string(lido:eventDescriptionSet/lido:descriptiveNoteValue)", namespaces=LIDO) == "Field register U.9178"

    db.session.add(Institution(name="New Museum"))
    db.session.commit()
    moved = lido.replace(b"Old Museum", b"New Museum")
    report = client.post("/api/v1/imports", data={"format": "lido", "file": (io.BytesIO(moved), "records.xml")},
                         content_type="multipart/form-data", headers=headers).get_json()
    assert report["created"] == 1, report
    imported = db.session.scalar(select(ObjectRecord).join(ObjectRecord.institution).where(ObjectRecord.object_number == "PROV-3",
                                                                                           ObjectRecord.institution.has(name="New Museum")))
    assert imported.provenance == clean_provenance([WOOLLEY, DEALER])


def test_a_foreign_provenance_event_is_read_with_its_method_in_another_language():
    from registry.exchange.lido import lido_to_records

    document = f"""<lido:lidoWrap xmlns:lido="{LIDO['lido']}"><lido:lido><lido:lidoRecID lido:type="local">x/1</lido:lidoRecID>
      <lido:descriptiveMetadata xml:lang="de"><lido:objectIdentificationWrap><lido:repositoryWrap><lido:repositorySet>
      <lido:workID lido:type="inventory number">INV-9</lido:workID></lido:repositorySet></lido:repositoryWrap></lido:objectIdentificationWrap>
      <lido:eventWrap><lido:eventSet><lido:event><lido:eventType><lido:term>Provenienz</lido:term></lido:eventType>
      <lido:eventActor><lido:displayActorInRole>Sammlung Meyer</lido:displayActorInRole></lido:eventActor>
      <lido:eventDate><lido:date><lido:earliestDate>1931</lido:earliestDate><lido:latestDate>1938</lido:latestDate></lido:date></lido:eventDate>
      <lido:eventMethod><lido:term>Schenkung</lido:term></lido:eventMethod></lido:event></lido:eventSet>
      <lido:eventSet><lido:event><lido:eventType><lido:term>Erwerb</lido:term></lido:eventType>
      <lido:eventMethod><lido:term>Zwangsverkauf</lido:term></lido:eventMethod><lido:eventDate><lido:displayDate>1939</lido:displayDate></lido:eventDate>
      </lido:event></lido:eventSet></lido:eventWrap></lido:descriptiveMetadata></lido:lido></lido:lidoWrap>""".encode()
    [record] = lido_to_records(document)
    first, second = record["provenance"]
    assert (first["owner"], first["date"], first["method"], first["year_from"], first["year_to"]) == (
        "Sammlung Meyer", "1931/1938", "gift", 1931, 1938)
    assert second["method"] == "unknown" and "acquired by: Zwangsverkauf" in second["source"]  # never silently dropped


def test_csv_export_and_import_carry_provenance(client, api_headers):
    headers = api_headers("admin")
    client.post("/api/v1/records", json={"object_number": "PROV-4", "object_type": "Mask", "institution": "Old Museum",
                                         "provenance": [DEALER]}, headers=headers)
    exported = client.get("/api/v1/exports/records?format=csv", headers=headers).get_data(as_text=True)
    [row] = list(csv.DictReader(io.StringIO(exported)))
    assert json.loads(row["provenance"])[0]["source"] == "Invoice 62/114"
    db.session.add(Institution(name="Other Museum"))
    db.session.commit()
    moved = exported.replace("Old Museum", "Other Museum")
    report = client.post("/api/v1/imports", data={"format": "csv", "file": (io.BytesIO(moved.encode()), "records.csv")},
                         content_type="multipart/form-data", headers=headers).get_json()
    assert report["created"] == 1, report
    imported = db.session.scalar(select(ObjectRecord).where(ObjectRecord.object_number == "PROV-4",
                                                            ObjectRecord.institution.has(name="Other Museum")))
    assert imported.provenance == clean_provenance([DEALER])
    broken = moved.replace('"[{', '"[{oops', 1)
    refused = client.post("/api/v1/imports", data={"format": "csv", "file": (io.BytesIO(broken.encode()), "records.csv")},
                          content_type="multipart/form-data", headers=headers)
    assert refused.status_code == 400 and "column provenance" in refused.get_json()["error"]
