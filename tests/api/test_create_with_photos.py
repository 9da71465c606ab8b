"""POST /api/v1/records as multipart form data: the record and its photos in one request, all saved or none."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import ObjectRecord, Photo, RecordChange


@pytest.fixture
def registrar(api_headers) -> dict[str, str]:
    return api_headers("registrar")


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _create(client, headers, photos, **fields):
    form = {"object_number": "MP-1", "object_type": "Vase", **fields,
            "photos": [(io.BytesIO(content), name) for content, name in photos]}
    return client.post("/api/v1/records", data=form, content_type="multipart/form-data", headers=headers)


def test_record_with_three_photos_in_one_request(client, registrar, make_image):
    response = _create(client, registrar, [(make_image(1), "front.jpg"), (make_image(2, "PNG"), "back.png"), (make_image(3), "base.jpg")],
                       materials="terracotta", height_cm="23.5", year_from="-500", status="stolen", title="")
    body = response.get_json()
    assert response.status_code == 201, body
    assert [photo["filename"] for photo in body["photos"]] == ["front.jpg", "back.png", "base.jpg"]
    assert (body["materials"], body["height_cm"], body["year_from"], body["status"]) == ("terracotta", 23.5, -500, "stolen")
    assert body["institution"] == "Museum of Testing" and body["version"] == 1
    assert response.headers["ETag"] == f'"{body["id"]}-1"' and response.headers["Location"].endswith(f"/api/v1/records/{body['id']}")
    assert (_count(ObjectRecord), _count(Photo)) == (1, 3)
    served = client.get(body["photos"][0]["url"])
    assert served.status_code == 200
    served.close()


def test_one_corrupt_photo_creates_nothing(client, registrar, make_image):
    response = _create(client, registrar, [(make_image(1), "front.jpg"), (b"not an image at all" * 20, "broken.jpg"), (make_image(3), "c.jpg")])
    body = response.get_json()
    assert response.status_code == 422 and body["status"] == 422
    assert "photo 2 of 3 (broken.jpg)" in body["error"] and "nothing was saved" in body["error"]
    assert body["details"]["photo"] == 2 and body["details"]["filename"] == "broken.jpg"
    assert "not an image" in body["details"]["reason"]
    assert (_count(ObjectRecord), _count(Photo), _count(RecordChange)) == (0, 0, 0)


def test_a_photo_too_large_creates_nothing(app, client, registrar, make_image):
    app.config["MAX_PHOTO_BYTES"] = 3_000  # the small JPEG is ~1.2 kB, the large PNG ~6 kB
    response = _create(client, registrar, [(make_image(1, size=(64, 48)), "small.jpg"), (make_image(2, "PNG", size=(1200, 900)), "large.png")])
    assert response.status_code == 422 and response.get_json()["details"]["photo"] == 2
    assert "too large" in response.get_json()["details"]["reason"]
    assert (_count(ObjectRecord), _count(Photo)) == (0, 0)


def test_a_broken_rule_after_the_photos_are_read_creates_nothing(client, registrar, make_image):
    assert _create(client, registrar, []).status_code == 201
    again = _create(client, registrar, [(make_image(1), "a.jpg")])
    assert again.status_code == 409 and "already registered" in again.get_json()["error"]
    assert (_count(ObjectRecord), _count(Photo)) == (1, 0)


def test_form_fields_are_checked_like_the_json_body(client, registrar, make_image):
    response = _create(client, registrar, [(make_image(1), "a.jpg")], object_type="", height_cm="tall")
    body = response.get_json()
    assert response.status_code == 422 and {"object_type", "height_cm"} <= set(body["details"])
    assert (_count(ObjectRecord), _count(Photo)) == (0, 0)


def test_the_json_body_still_works(client, registrar):
    response = client.post("/api/v1/records", json={"object_number": "J-1", "object_type": "Bowl"}, headers=registrar)
    assert response.status_code == 201 and response.get_json()["photos"] == []
