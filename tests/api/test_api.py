"""The documented API: records, photos, checks, check log and Red Lists, with tokens per role and stable JSON errors."""

from __future__ import annotations

import io
import re

import pytest
from openapi_spec_validator import validate

from registry.demo.images import draw_object


def _jpeg(seed: int, shape: str = "vase") -> bytes:
    buffer = io.BytesIO()
    draw_object(seed, shape, "terracotta").save(buffer, format="JPEG")
    return buffer.getvalue()


def test_openapi_document_is_valid_and_public(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    for path in ("/api/v1/records", "/api/v1/records/{record_id}", "/api/v1/records/{record_id}/photos", "/api/v1/checks",
                 "/api/v1/checks/{check_id}", "/api/v1/redlists", "/api/v1/redlists/lookup"):
        assert path in document["paths"], path
    assert "token" in document["components"]["securitySchemes"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and b"swagger-ui" in page.data


def test_registrar_creates_updates_reports_and_adds_photos(client, api_headers):
    headers = api_headers("registrar")
    created = client.post("/api/v1/records", json={"object_number": "API-1", "object_type": "Vase", "materials": "terracotta",
                                                   "date_period": "5th century BC", "institution": "Somewhere Else"}, headers=headers)
    assert created.status_code == 201, created.get_json()
    record = created.get_json()
    assert record["institution"] == "Museum of Testing" and record["year_from"] == -500
    record_id = record["id"]
    updated = client.patch(f"/api/v1/records/{record_id}", json={"title": "Banquet vase"}, headers=headers).get_json()
    assert updated["title"] == "Banquet vase" and updated["materials"] == "terracotta"
    photos = client.post(f"/api/v1/records/{record_id}/photos", data={"photos": [(io.BytesIO(_jpeg(1)), "a.jpg"), (io.BytesIO(_jpeg(2)), "b.jpg")]},
                         content_type="multipart/form-data", headers=headers)
    assert photos.status_code == 201 and len(photos.get_json()["photos"]) == 2
    stolen = client.post(f"/api/v1/records/{record_id}/status", json={"status": "stolen", "case_reference": "C-9"}, headers=headers)
    assert stolen.get_json()["status"] == "stolen"
    photo_id = photos.get_json()["photos"][0]["id"]
    assert client.delete(f"/api/v1/records/{record_id}/photos/{photo_id}", headers=headers).status_code == 204
    assert len(client.get(f"/api/v1/records/{record_id}", headers=headers).get_json()["photos"]) == 1


def test_search_paginates_and_hides_inventory_from_dealers(client, api_headers):
    registrar = api_headers("registrar")
    for n in range(5):
        client.post("/api/v1/records", json={"object_number": f"P-{n}", "object_type": "Coin", "status": "stolen" if n < 3 else "inventory"},
                    headers=registrar)
    page = client.get("/api/v1/records?per_page=2&page=2", headers=registrar).get_json()
    assert (page["total"], page["pages"], len(page["records"])) == (5, 3, 2)
    dealer = client.get("/api/v1/records?per_page=50", headers=api_headers("dealer")).get_json()
    assert dealer["total"] == 3 and all(r["status"] == "stolen" for r in dealer["records"])
    assert client.get("/api/v1/records?status=stolen&q=P-1", headers=registrar).get_json()["total"] == 1


def test_dealer_may_not_write(client, api_headers):
    response = client.post("/api/v1/records", json={"object_number": "X", "object_type": "Vase"}, headers=api_headers("dealer"))
    assert response.status_code == 403 and set(response.get_json()) >= {"error", "status"}


def test_errors_have_one_stable_shape(client, api_headers):
    headers = api_headers("registrar")
    bad = client.post("/api/v1/records", json={"object_number": "", "object_type": "Vase", "height_cm": -2}, headers=headers)
    body = bad.get_json()
    assert bad.status_code == 422 and body["status"] == 422
    assert "object_number" in body["error"] and "height_cm" in body["details"]
    missing = client.get("/api/v1/records/999999", headers=headers)
    assert missing.status_code == 404 and missing.get_json()["error"]
    duplicate = [client.post("/api/v1/records", json={"object_number": "D-1", "object_type": "Vase"}, headers=headers) for _ in range(2)][1]
    assert duplicate.status_code == 409 and "already registered" in duplicate.get_json()["error"]
    not_json = client.post("/api/v1/records", data="object_number=1", headers=headers)
    assert 400 <= not_json.status_code < 500 and "error" in not_json.get_json()


def test_check_log_through_the_api(client, api_headers):
    officer = api_headers("law_enforcement")
    answer = client.post("/api/v1/checks", data={"photos": [(io.BytesIO(_jpeg(3)), "q.jpg")]}, content_type="multipart/form-data", headers=officer)
    assert answer.status_code == 200
    log = client.get("/api/v1/checks", headers=officer).get_json()
    assert len(log) == 1 and log[0]["channel"] == "api" and log[0]["results"][0]["query"] == "q.jpg"
    assert client.get(f"/api/v1/checks/{log[0]['id']}", headers=officer).status_code == 200
    assert client.get(f"/api/v1/checks/{log[0]['id']}", headers=api_headers("dealer")).status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/records", "/api/v1/checks", "/api/v1/redlists"])
def test_every_endpoint_needs_a_token(client, path):
    response = client.get(path)
    assert response.status_code == 401 and response.get_json()["status"] == 401


def test_nul_characters_are_refused_before_they_reach_the_database(client, api_headers, login_as):
    headers = api_headers("registrar")
    for payload in ({"object_number": "A\x00", "object_type": "Vase"}, {"object_number": "B", "object_type": "Vase", "title": "x\x00y"}):
        response = client.post("/api/v1/records", json=payload, headers=headers)
        assert response.status_code == 400 and "NUL" in response.get_json()["error"]
    assert client.get("/api/v1/records?q=a%00b", headers=headers).status_code == 400
    login_as("admin")
    page = client.get("/objects/?q=x%00y")
    assert page.status_code == 400 and b"NUL" in page.data


def test_the_api_writes_moments_in_rfc_3339_with_their_offset_and_documents_its_errors(client, api_headers):
    # issue 24, info: the OpenAPI document's error schema and timestamps now match what the API answers
    headers = api_headers("registrar")
    record = client.post("/api/v1/records", headers=headers, json={"object_number": "TS-1", "object_type": "Vase"}).get_json()
    for moment in (record["created_at"], record["updated_at"]):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00", moment), moment
    document = client.get("/api/v1/openapi.json").get_json()
    error = document["components"]["schemas"]["ApiError"]
    assert set(error["properties"]) == {"error", "status", "details"} and set(error["required"]) == {"error", "status"}
    schemas = document["components"]["schemas"]
    assert "photos" in schemas["CheckForm"]["required"] and "photos" in schemas["PhotoUpload"]["required"]
    assert "file" in schemas["ImportForm"]["required"]
    responses = document["paths"]["/api/v1/records"]["post"]["responses"]
    assert {"401", "403", "409", "413", "415", "422", "429", "503", "507"} <= set(responses)
