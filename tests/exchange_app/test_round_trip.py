"""CSV -> registry -> LIDO -> registry loses no field; exports validate against LIDO 1.1; the API and the stolen feed."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from lxml import etree

from registry import create_app
from registry.demo.images import draw_object
from registry.exchange.csv_io import CSV_COLUMNS, csv_to_records
from registry.exchange.lido import validate_lido
from registry.extensions import db
from registry.redlists import load_default
from registry.services.redlists import import_red_list_set

SCHEMA = Path(__file__).resolve().parents[2].parent / "shared" / "lido" / "lido-v1.1.xsd"


def _records() -> list[dict]:
    base = {column: "" for column in CSV_COLUMNS}
    first = {**base, "object_number": "RT-1", "object_type": "Cylinder seal", "materials": "hematite", "techniques": "carved; drilled",
             "measurements": "H 3.2 cm; Diam. 1.4 cm", "inscriptions": "Three lines: « dédicace » & <script>", "distinguishing_features": "Chipped end",
             "title": "Seal of a scribe", "subject": "Presentation scene", "date_period": "1900-1700 BC", "maker": "Unknown workshop",
             "description": "Pierced lengthwise.\nSecond line.", "status": "stolen", "photos": "rt1-front.jpg;rt1-side.jpg",
             "institution": "Museum of Round Trips", "maker_qualifier": "workshop of", "year_from": "-1900", "year_to": "-1700",
             "height_cm": "3.2", "diameter_cm": "1.4", "loss_date": "2024-05-02", "loss_place": "Store room B", "case_reference": "PJ/2024/17",
             "loss_notes": "Case forced", "place_of_origin": "Larsa, Iraq", "related_written_material": "Catalogue 1998, no. 12",
             "related_objects": "RT-2 (impression)", "documented_on": "2020-03-01", "red_list_categories": "IRQ-SEALS"}
    second = {**base, "object_number": "RT-2", "object_type": "Tablet", "materials": "clay", "title": "تمثال برونزي",
              "status": "inventory", "institution": "Museum of Round Trips", "width_cm": "12.5", "weight_kg": "0.4"}
    return [first, second]


@pytest.fixture
def source(tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    for seed, name in ((1, "rt1-front.jpg"), (2, "rt1-side.jpg")):
        draw_object(300 + seed, "seal", "stone").save(photos / name, quality=90)
    csv_path = tmp_path / "objects.csv"
    import csv

    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(_records())
    return csv_path, photos


def _comparable(records: list[dict]) -> list[dict]:
    return [{**r, "photos": sorted(p["filename"] for p in r["photos"])} for r in sorted(records, key=lambda r: r["object_number"])]


def test_csv_to_registry_to_lido_to_registry_loses_no_field(app, app_config, runner, source, tmp_path):
    csv_path, photos = source
    import_red_list_set(load_default())
    first = json.loads(runner.invoke(args=["import-objects", str(csv_path), "--photos", str(photos), "--create-institution", "--json"]).stdout)
    assert (first["created"], first["rejected"], first["warnings"]) == (2, 0, [])
    lido_path = tmp_path / "export.xml"
    assert runner.invoke(args=["export", "--format", "lido", "-o", str(lido_path)]).exit_code == 0
    if SCHEMA.exists():
        assert validate_lido(lido_path.read_bytes(), str(SCHEMA)) == []
    again = json.loads(runner.invoke(args=["import-objects", str(lido_path), "--json"]).stdout)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2), again

    other = create_app({**app_config, "DATABASE_URL": f"sqlite:///{tmp_path / 'other.sqlite'}", "MEDIA_DIR": str(tmp_path / "other-media")})
    with other.app_context():
        db.create_all()
        import_red_list_set(load_default())
        other_runner = other.test_cli_runner()
        imported = json.loads(other_runner.invoke(args=["import-objects", str(lido_path), "--photos", str(photos), "--create-institution", "--json"]).stdout)
        assert (imported["created"], imported["rejected"]) == (2, 0), imported
        csv_out = tmp_path / "again.csv"
        other_runner.invoke(args=["export", "--format", "csv", "-o", str(csv_out)])
        assert _comparable(csv_to_records(csv_out.read_text(encoding="utf-8"))) == _comparable(csv_to_records(csv_path.read_text(encoding="utf-8")))
        db.session.remove()
        db.engine.dispose()


def test_lido_export_maps_object_id_categories(app, runner, source, tmp_path):
    csv_path, photos = source
    runner.invoke(args=["import-objects", str(csv_path), "--photos", str(photos), "--create-institution"])
    xml = runner.invoke(args=["export", "--format", "lido"]).stdout_bytes
    root = etree.fromstring(xml)
    ns = {"lido": "http://www.lido-schema.org"}
    assert root.xpath("count(//lido:lido)", namespaces=ns) == 2
    assert "RT-1" in root.xpath("//lido:workID/text()", namespaces=ns)
    assert root.xpath("//lido:linkResource/text()", namespaces=ns)[0].startswith("http")
    assert "Seal of a scribe" in root.xpath("//lido:appellationValue/text()", namespaces=ns)


def test_api_export_and_import(client, api_headers, source):
    csv_path, _ = source
    headers = api_headers("registrar")
    imported = client.post("/api/v1/imports", data={"format": "csv", "file": (io.BytesIO(csv_path.read_bytes()), "objects.csv")},
                           content_type="multipart/form-data", headers=headers).get_json()
    assert imported["created"] == 2 and any("photo not imported" in w for w in imported["warnings"])
    exported = client.get("/api/v1/exports/records?format=csv", headers=headers)
    records = csv_to_records(exported.get_data(as_text=True))
    assert {r["institution"] for r in records} == {"Museum of Testing"}
    assert {r["object_number"] for r in records} == {"RT-1", "RT-2"}
    dealer = client.get("/api/v1/exports/records?format=lido", headers=api_headers("dealer"))
    work_ids = etree.fromstring(dealer.data).xpath("//lido:workID/text()", namespaces={"lido": "http://www.lido-schema.org"})
    assert work_ids == ["RT-1"]  # the inventory record stays private
    bad = client.post("/api/v1/imports", data={"format": "lido", "file": (io.BytesIO(b"<not-lido/>"), "x.xml")},
                      content_type="multipart/form-data", headers=headers)
    assert bad.status_code == 400 and "error" in bad.get_json()


def test_stolen_feed_in_json_and_atom(client, runner, source):
    csv_path, photos = source
    runner.invoke(args=["import-objects", str(csv_path), "--photos", str(photos), "--create-institution"])
    feed = client.get("/feeds/stolen.json").get_json()
    assert [item["object_number"] for item in feed["items"]] == ["RT-1"]
    # the feeds are public: the police case reference (signed-in accounts only) and the loss notes are left out
    assert feed["items"][0]["case_reference"] == "" and feed["items"][0]["loss_notes"] == ""
    assert feed["items"][0]["updated"].endswith("+00:00") and feed["updated"].endswith("+00:00")
    atom_bytes = client.get("/feeds/stolen.atom").data
    assert b"PJ/2024/17" not in atom_bytes and b"PJ/2024/17" not in client.get("/feeds/stolen.feed.json").data
    atom = etree.fromstring(atom_bytes)
    entries = atom.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 1 and "RT-1" in entries[0].findtext("{http://www.w3.org/2005/Atom}title")
    assert entries[0].findtext("{http://www.w3.org/2005/Atom}updated").endswith("+00:00")
    assert client.get("/feeds/stolen.json?since=2999-01-01T00:00:00Z").get_json()["items"] == []
    assert client.get("/feeds/stolen.json?since=yesterday").status_code == 400


