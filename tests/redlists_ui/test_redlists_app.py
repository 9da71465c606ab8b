"""Red Lists in the app: import/export, look-up page and API in three languages, tagging, suggestions, checks."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from registry.demo.images import draw_object
from registry.extensions import db
from registry.models import CategoryRow, CategoryTag, ObjectRecord, RecordChange, RedListRow
from registry.redlists import load_default
from registry.services.objects import create_record
from registry.services.photos import decode_upload
from registry.services.redlists import import_red_list_set


@pytest.fixture
def red_lists(app):
    """The shipped ICOM index and demonstration categories, stored."""
    return import_red_list_set(load_default())


def _seal_record(status="stolen"):
    import io as _io

    buffer = _io.BytesIO()
    draw_object(41, "seal", "stone").save(buffer, format="JPEG")
    return create_record(
        "Museum of Testing",
        {"object_number": "SEAL-1", "object_type": "Cylinder seal", "materials": "stone (hematite)", "techniques": "carved, drilled",
         "date_period": "2000-1600 BC", "subject": "Presentation scene before a seated god", "description": "Mesopotamian cylinder seal, pierced lengthwise"},
        "test", photos=[decode_upload(buffer.getvalue(), "seal.jpg")], filenames=["seal.jpg"], status_fields={"status": status},
    )


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_import_of_the_shipped_lists_and_a_rerun_changes_nothing(runner):
    first = json.loads(runner.invoke(args=["redlists", "import", "--json"]).stdout)
    assert first["red_lists_created"] >= 10 and first["categories_created"] >= 20
    again = json.loads(runner.invoke(args=["redlists", "import", "--json"]).stdout)
    assert again["red_lists_created"] == again["categories_created"] == again["categories_updated"] == 0


def test_a_bad_file_is_rejected_with_every_problem_and_changes_nothing(runner, red_lists, tmp_path):
    before = (_count(RedListRow), _count(CategoryRow))
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "format: object-id-registry/red-lists@1\n"
        "categories:\n"
        "  - code: NEW-1\n    red_list: iraq-2015\n    names: {en: A valid new category}\n    object_types: [seal]\n"
        "  - red_list: nowhere-1999\n    names: {de: Siegel}\n    object_types: [seal]\n    period: {year_from: 10, year_to: -10}\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["redlists", "import", str(bad)])
    assert result.exit_code != 0
    for problem in ("categories[1].code: missing", "categories[1].names.de", "nowhere-1999", "categories[1].period"):
        assert problem in result.output
    assert (_count(RedListRow), _count(CategoryRow)) == before
    assert db.session.scalar(select(CategoryRow).where(CategoryRow.code == "NEW-1")) is None


def test_export_then_import_round_trips(runner, red_lists, tmp_path):
    out = tmp_path / "export.json"
    assert runner.invoke(args=["redlists", "export", "--format", "json", "-o", str(out)]).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["red_lists"]) == _count(RedListRow)
    assert sum(len(g["categories"]) for g in data["category_lists"]) == _count(CategoryRow)
    rerun = json.loads(runner.invoke(args=["redlists", "import", str(out), "--json"]).stdout)
    assert rerun["categories_created"] == rerun["categories_updated"] == rerun["red_lists_updated"] == 0


@pytest.mark.parametrize("text", ["stone cylinder seal from Mesopotamia", "sceau-cylindre en pierre de Mésopotamie", "sello cilíndrico de piedra de Mesopotamia"])
def test_look_up_by_text_in_each_language(client, red_lists, text, api_headers):
    answer = client.get("/api/v1/redlists/lookup", query_string={"text": text}, headers=api_headers("dealer")).get_json()
    assert answer["categories"][0]["code"] == "IRQ-SEALS"
    assert answer["categories"][0]["reasons"]
    assert "lawful origin" in answer["advice"]
    page = client.get("/redlists/lookup", query_string={"text": text}).get_data(as_text=True)
    assert page.index("IRQ-SEALS") < page.index("Fit ") + 2000


def test_look_up_by_facets(client, red_lists, api_headers):
    headers = api_headers("dealer")
    answer = client.get("/api/v1/redlists/lookup", query_string={"object_type": "seal", "materials": "stone", "region": "Iraq", "year_from": "-2500", "year_to": "-1500"}, headers=headers).get_json()
    top = answer["categories"][0]
    assert top["code"] == "IRQ-SEALS"
    assert any("period" in r for r in top["reasons"])
    names_fr = client.get("/api/v1/redlists/lookup", query_string={"object_type": "seal", "lang": "fr"}, headers=headers).get_json()
    assert names_fr["categories"][0]["name"] != top["name"]


def test_look_up_rejects_bad_input(client, red_lists, api_headers):
    headers = api_headers("dealer")
    assert client.get("/api/v1/redlists/lookup", headers=headers).status_code == 400
    assert "year_from" in client.get("/api/v1/redlists/lookup?text=x&year_from=old", headers=headers).get_json()["error"]
    assert client.get("/api/v1/redlists/categories/NOPE", headers=headers).status_code == 404
    category = client.get("/api/v1/redlists/categories/IRQ-SEALS", headers=headers).get_json()
    assert category["code"] == "IRQ-SEALS" and category["red_list"] == "iraq-2015" and category["names"]["fr"]


def test_unrelated_object_gets_no_suggestion(client, red_lists, api_headers):
    answer = client.get("/api/v1/redlists/lookup", query_string={"text": "Swiss stainless steel wristwatch, 1998"}, headers=api_headers("dealer")).get_json()
    assert all(c["score"] < 0.5 for c in answer["categories"])


def test_record_sheet_suggests_its_category_and_accepting_tags_it_with_history(client, red_lists, login_as):
    record = _seal_record()
    login_as("registrar")
    sheet = client.get(f"/objects/{record.id}").get_data(as_text=True)
    suggested = sheet.split("Suggested categories")[1]
    assert suggested.index("IRQ-SEALS") < suggested.index("Accept")
    assert client.post(f"/redlists/records/{record.id}/tags", data={"code": "IRQ-SEALS"}).status_code == 302
    tag = db.session.scalar(select(CategoryTag))
    assert tag.category.code == "IRQ-SEALS" and tag.removed_at is None
    change = db.session.scalar(select(RecordChange).where(RecordChange.action == "tag_added"))
    assert change.new_value.startswith("IRQ-SEALS")
    category_page = client.get("/redlists/categories/IRQ-SEALS").get_data(as_text=True)
    assert "SEAL-1" in category_page
    client.post(f"/redlists/records/{record.id}/tags", data={"code": "IRQ-SEALS"})
    assert _count(CategoryTag) == 1
    client.post(f"/redlists/records/{record.id}/tags/IRQ-SEALS/remove")
    assert db.session.scalar(select(CategoryTag)).removed_at is not None
    assert db.session.scalar(select(RecordChange).where(RecordChange.action == "tag_removed")) is not None
    assert "SEAL-1" not in client.get("/redlists/categories/IRQ-SEALS").get_data(as_text=True)


def test_a_check_reports_the_categories_of_a_described_object(client, red_lists, api_headers):
    photo = io.BytesIO()
    draw_object(777, "vase", "terracotta").save(photo, format="JPEG")
    answer = client.post("/api/v1/checks", data={
        "photos": [(io.BytesIO(photo.getvalue()), "seal.jpg")], "description": "small stone cylinder seal with carved figures, Mesopotamia",
        "object_type": "cylinder seal", "materials": "stone",
    }, content_type="multipart/form-data", headers=api_headers("dealer")).get_json()
    categories = answer[0]["red_list_categories"]
    assert categories[0]["code"] == "IRQ-SEALS"
    assert set(categories[0]) == {"red_list", "code", "name", "score", "may_fall_into", "evidence", "reasons"}
    assert categories[0]["may_fall_into"] and {"type", "material", "region"} <= set(categories[0]["evidence"])
    compared = {entry["slug"]: entry["categories"] for entry in answer[0]["red_lists_compared"]}
    assert len(compared) == 18 and compared["iraq-2015"] == 7 and compared["ukraine-2022"] >= 4
    page = client.post("/check/", data={"photos": [(io.BytesIO(photo.getvalue()), "seal.jpg")], "description": "cylinder seal, stone, Mesopotamia"},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "IRQ-SEALS" in page and "lawful origin" in page


def test_a_check_matching_a_tagged_record_reports_its_category(runner, red_lists, tmp_path):
    from registry.services.redlists import tag_record

    record = _seal_record()
    tag_record(record, "IRQ-SEALS", "test")
    path = tmp_path / "q.jpg"
    draw_object(41, "seal", "stone").rotate(8, expand=True, fillcolor=(200, 200, 200)).save(path, quality=60)
    [answer] = json.loads(runner.invoke(args=["match", str(path), "--json"]).stdout)
    assert answer["candidates"][0]["record_id"] == record.id
    assert answer["red_list_categories"][0]["code"] == "IRQ-SEALS"
    assert "tagged on matching record SEAL-1" in answer["red_list_categories"][0]["reasons"][0]


def test_pages_list_red_lists_and_show_reference_images(client, red_lists):
    index = client.get("/redlists/").get_data(as_text=True)
    assert "Iraq" in index and "Afghanistan" in index
    page = client.get("/redlists/categories/IRQ-SEALS").get_data(as_text=True)
    assert "Sceaux" in page or "sceaux" in page
    image = client.get("/redlists/images/" + page.split("/redlists/images/")[1].split('"')[0])
    assert image.status_code == 200 and image.mimetype == "image/png"
    image.close()
    assert client.get("/redlists/images/..%2F..%2Fpyproject.toml").status_code == 404


def test_api_lists_red_lists_with_their_categories(client, red_lists, api_headers):
    lists = client.get("/api/v1/redlists", headers=api_headers("dealer")).get_json()
    iraq = next(r for r in lists if r["slug"] == "iraq-2015")
    assert any(c["code"] == "IRQ-SEALS" for c in iraq["categories"])


def test_seed_demo_loads_red_lists_and_tags(runner):
    runner.invoke(args=["seed-demo"])
    assert _count(RedListRow) >= 10 and _count(CategoryTag) >= 5
    assert _count(ObjectRecord) >= 30
