"""Search by size (height, width, depth, weight ranges) on the records page, the API and `registry search`: the same
rules at each door, on the values normalised to cm and kg whatever unit the record was entered in."""

from __future__ import annotations

import json
import re

import pytest

from registry.services import objects as record_service
from registry.services.search import InvalidSearch, check_size_ranges


@pytest.fixture
def sized_records(app):
    """Four records: a tall statuette entered in inches, a small seal in mm, a heavy stela, one with no measurements."""
    museum = "Museum of Testing"
    record_service.create_record(museum, {"object_number": "TALL", "object_type": "Statuette", "height_cm": 60.96,
                                          "width_cm": 20.32, "length_unit": "in", "weight_kg": 4.5}, "test",
                                 status_fields={"status": "stolen"})
    record_service.create_record(museum, {"object_number": "SEAL", "object_type": "Cylinder seal",
                                          "measurements_text": "H 32 mm; Diam. 15 mm; 25 g"}, "test",
                                 status_fields={"status": "stolen"})
    record_service.create_record(museum, {"object_number": "STELA", "object_type": "Stela",
                                          "measurements_text": "120 x 60 x 25 cm; 310 kg"}, "test")
    record_service.create_record(museum, {"object_number": "BARE", "object_type": "Coin"}, "test",
                                 status_fields={"status": "stolen"})


def _page_numbers(client, **args) -> list[str]:
    page = client.get("/objects/", query_string=args).get_data(as_text=True)
    return sorted(re.findall(r"Museum of Testing · ([A-Z]+)", page))


def test_the_page_finds_records_within_size_ranges_in_cm_and_kg(client, login_as, sized_records):
    login_as("admin")
    assert _page_numbers(client, height_min="50") == ["STELA", "TALL"]
    # 24 in were stored as 60.96 cm: a range in cm finds it; bounds are inclusive
    assert _page_numbers(client, height_min="60.96", height_max="61") == ["TALL"]
    assert _page_numbers(client, height_max="5") == ["SEAL"]
    assert _page_numbers(client, depth_min="20", depth_max="30") == ["STELA"]
    assert _page_numbers(client, weight_max="0.1") == ["SEAL"]
    assert _page_numbers(client, weight_min="1", weight_max="10", width_min="20") == ["TALL"]
    # a record that does not give the measurement is not said to fall in a range of it
    assert "BARE" not in _page_numbers(client, height_min="0")


def test_the_page_refuses_a_backwards_or_impossible_range_beside_the_field_and_lists_nothing(client, login_as, sized_records):
    login_as("admin")
    page = client.get("/objects/", query_string={"height_min": "50", "height_max": "10"}).get_data(as_text=True)
    assert "the minimum height (50) is above the maximum (10)" in page
    assert 'value="50"' in page and 'value="10"' in page  # nothing the person typed is lost
    assert "Correct the search above" in page and not _page_numbers(client, height_min="50", height_max="10")
    assert "enter a value from 0 to 10000000 kg" in client.get("/objects/?weight_max=1e9").get_data(as_text=True)
    assert "enter a value from 0 to 10000 cm" in client.get("/objects/?width_min=-3").get_data(as_text=True)
    assert "Not a valid float value" in client.get("/objects/?depth_min=deep").get_data(as_text=True)
    french = client.get("/objects/?height_min=50&height_max=10&lang=fr").get_data(as_text=True)
    assert "la hauteur minimale (50) dépasse la maximale (10)" in french


def test_the_public_sees_only_published_records_in_a_size_search(client, sized_records):
    # the stela is in inventory: a visitor's size search must not reveal it
    assert _page_numbers(client, height_min="50") == ["TALL"]


def test_the_api_searches_by_size_and_answers_422_for_a_bad_range(client, api_headers, sized_records):
    headers = api_headers("law_enforcement")
    found = client.get("/api/v1/records?height_min=50&weight_min=100", headers=headers).get_json()
    assert [r["object_number"] for r in found["records"]] == ["STELA"]
    assert found["records"][0]["height_cm"] == 120 and found["records"][0]["weight_kg"] == 310
    assert client.get("/api/v1/records?height_max=3.2", headers=headers).get_json()["records"][0]["object_number"] == "SEAL"
    for query, field, words in (("height_min=50&height_max=10", "height_max", "height_max: the minimum height (50) is above"),
                                ("weight_max=1e12", "weight_max", "weight_max: enter a value from 0 to 10000000 kg"),
                                ("depth_min=-1", "depth_min", "from 0 to 10000 cm"),
                                ("width_min=wide", "width_min", "valid number"),
                                ("height_max=NaN", "height_max", "")):
        answer = client.get(f"/api/v1/records?{query}", headers=headers)
        body = answer.get_json()
        assert answer.status_code == 422, (query, body)
        assert body["status"] == 422 and field in body["details"] and words in body["error"], body


def test_the_openapi_document_describes_the_size_parameters(client):
    document = client.get("/api/v1/openapi.json").get_json()
    parameters = {p["name"]: p for p in document["paths"]["/api/v1/records"]["get"]["parameters"]}
    for name in ("height_min", "height_max", "width_min", "width_max", "depth_min", "depth_max", "weight_min", "weight_max"):
        assert parameters[name]["in"] == "query" and parameters[name]["schema"]["type"] == "number", name
    assert "cm" in parameters["height_min"]["description"] and "kg" in parameters["weight_max"]["description"]


def test_the_cli_searches_by_text_status_institution_and_size(runner, sized_records):
    result = runner.invoke(args=["search", "--height-min", "50", "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["total"] == 2 and {r["object_number"] for r in answer["records"]} == {"STELA", "TALL"}
    only = json.loads(runner.invoke(args=["search", "--status", "stolen", "--weight-max", "0.1", "--institution",
                                          "Museum of Testing", "--json"]).stdout)
    assert [r["object_number"] for r in only["records"]] == ["SEAL"] and only["records"][0]["diameter_cm"] == 1.5
    assert json.loads(runner.invoke(args=["search", "--text", "stela", "--json"]).stdout)["total"] == 1
    plain = runner.invoke(args=["search", "--depth-min", "20"])
    assert "STELA" in plain.stdout and "H 120 cm" in plain.stdout


def test_the_cli_refuses_a_backwards_range_and_an_unknown_institution(runner, sized_records):
    backwards = runner.invoke(args=["search", "--weight-min", "5", "--weight-max", "1", "--json"])
    error = json.loads(backwards.stdout.splitlines()[0])["error"]
    assert backwards.exit_code == 1 and error == "--weight-max: the minimum weight (5) is above the maximum (1)"
    unknown = runner.invoke(args=["search", "--institution", "Musuem"])
    assert unknown.exit_code == 1 and "no institution named 'Musuem'" in unknown.output
    assert "--height-max: enter a number" in runner.invoke(args=["search", "--height-max", "nan"]).output


def test_the_rules_refuse_what_is_not_a_number_or_out_of_bounds():
    check_size_ranges({"height": (0, 10_000), "weight": (None, 2.5)})
    for sizes, field in (({"height": (float("inf"), None)}, "height_min"), ({"weight": (None, "3")}, "weight_max"),
                         ({"depth": (True, None)}, "depth_min"), ({"width": (3, 2)}, "width_max"),
                         ({"volume": (1, 2)}, "volume")):
        with pytest.raises(InvalidSearch) as caught:
            check_size_ranges(sizes)
        assert caught.value.field == field
