"""`registry import-objects` of museums' own LIDO: one unreadable record is rejected alone, notes and photo links
are reported per record, local image links are found in the photos folder and web links are never fetched."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

from sqlalchemy import select

from registry.extensions import db
from registry.models import ObjectRecord

MUSEUM_LIDO = Path(__file__).parents[1] / "exchange" / "museum_lido"


def _import(runner, path, *extra, exit_code=0):
    # these museums' institutions are new to the registry: created on import (issue 25)
    result = runner.invoke(args=["import-objects", str(path), "--json", "--create-institution", *extra])
    assert result.exit_code == exit_code, result.output
    return json.loads(result.stdout)


def _record(number: str) -> ObjectRecord:
    return db.session.scalar(select(ObjectRecord).where(ObjectRecord.object_number == number))


def test_a_record_without_any_number_is_rejected_alone(runner):
    report = _import(runner, MUSEUM_LIDO / "de_wrap_lido11.xml", "--institution", "Landesmuseum Beispielstadt", exit_code=3)
    assert (report["created"], report["rejected"]) == (3, 1)
    [rejection] = report["rejected_rows"]
    assert rejection["row"] == 4 and "no object number" in rejection["reason"]
    assert any("objectPublishedID" in w and "KG 2004.17" in w for w in report["warnings"])
    assert _record("MK 18.442").status == "stolen" and _record("MK 18.442").weight_kg == 0.01712
    again = _import(runner, MUSEUM_LIDO / "de_wrap_lido11.xml", "--institution", "Landesmuseum Beispielstadt", exit_code=3)
    assert (again["created"], again["unchanged"], again["rejected"]) == (0, 3, 1)


def test_image_links_are_resolved_against_the_photos_folder(runner, tmp_path, make_image):
    photos = tmp_path / "export"
    (photos / "afbeeldingen").mkdir(parents=True)
    (photos / "afbeeldingen" / "RV-1403-77_voor.jpg").write_bytes(make_image(11))
    (photos / "RV-1403-77_achter.png").write_bytes(make_image(12, fmt="PNG"))
    data_file = photos / "object.xml"
    shutil.copy(MUSEUM_LIDO / "nl_single_record_lido10.xml", data_file)
    report = _import(runner, data_file, "--photos", str(photos))
    assert (report["created"], report["rejected"]) == (1, 0)
    record = _record("RV-1403-77")
    assert record.institution.name == "Museum Het Voorbeeld" and record.status == "stolen"
    assert sorted(p.original_filename for p in record.current_photos) == ["RV-1403-77_achter.png", "RV-1403-77_voor.jpg"]
    [not_fetched] = [w for w in report["warnings"] if "https://iiif.voorbeeld.nl" in w]
    assert "not fetched" in not_fetched
    assert any("recordID" in w for w in report["warnings"])


def test_an_image_link_cannot_leave_the_photos_folder(runner, tmp_path, make_image):
    photos = tmp_path / "photos"
    photos.mkdir()
    (tmp_path / "secret.jpg").write_bytes(make_image(3))
    data = (MUSEUM_LIDO / "nl_single_record_lido10.xml").read_bytes().replace(
        b"afbeeldingen/RV-1403-77_voor.jpg</lido:linkResource>", b"../secret.jpg</lido:linkResource>")
    (photos / "object.xml").write_bytes(data)
    report = _import(runner, photos / "object.xml", "--photos", str(photos), exit_code=3)
    assert report["created"] == 0 and "outside the photos folder" in report["rejected_rows"][0]["reason"]


def test_the_api_reports_per_record_too(client, api_headers):
    data = (MUSEUM_LIDO / "de_wrap_lido11.xml").read_bytes()
    response = client.post("/api/v1/imports", headers=api_headers("registrar", institution="Landesmuseum Beispielstadt"),
                           data={"format": "lido", "file": (io.BytesIO(data), "export.xml")})
    assert response.status_code == 200, response.json
    assert (response.json["created"], response.json["rejected"]) == (3, 1)
