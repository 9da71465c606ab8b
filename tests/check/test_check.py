"""Checking a suspect object: found from edited photos, no false accusation, same answer from page, CLI and API, logged."""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter
from sqlalchemy import select

from registry import create_app
from registry.demo.images import draw_object, other_view
from registry.extensions import db
from registry.matching import compute_query
from registry.models import Check
from registry.services.objects import change_status, create_record
from registry.services.photos import decode_upload, remove_photo

OBJECTS = [(11, "vase", "terracotta"), (12, "statuette", "bronze"), (13, "mask", "wood"), (14, "coin", "gold")]


def _jpeg(image: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def _register(seed, shape, material, status="stolen", number=None):
    image = draw_object(seed, shape, material)
    return create_record(
        "Museum of Testing",
        {"object_number": number or f"M-{seed}", "object_type": shape.title(), "materials": material, "description": f"A {material} {shape}"},
        "test",
        photos=[decode_upload(_jpeg(image), f"{seed}.jpg")],
        filenames=[f"{seed}.jpg"],
        status_fields={"status": status},
    )


@pytest.fixture
def registered(app):
    """Four stolen objects and one in inventory."""
    records = [_register(*spec) for spec in OBJECTS]
    records.append(_register(15, "bowl", "ceramic", status="inventory"))
    return records


def _edits(image: Image.Image) -> dict[str, Image.Image]:
    w, h = image.size
    page = Image.new("RGB", (1200, 900), "white")
    draw = ImageDraw.Draw(page)
    draw.text((40, 30), "Rare antique - auction lot 112 - estimate 4,000 EUR", fill="black")
    draw.text((40, 860), "Shipping worldwide. Contact the seller for details.", fill=(80, 80, 80))
    page.paste(image.resize((560, 560)), (320, 180))
    rng = np.random.default_rng(5)
    noise = Image.fromarray(rng.integers(0, 255, (h, w, 3), dtype=np.uint8)).filter(ImageFilter.GaussianBlur(8))
    gray = np.asarray(image.convert("L"))
    mask = Image.fromarray(((np.abs(gray.astype(int) - int(np.median(gray[:20, :20]))) > 18) * 255).astype(np.uint8))
    background = noise.copy()
    background.paste(image, (0, 0), mask)
    return {
        "recompressed": Image.open(io.BytesIO(_jpeg(image.resize((w // 2, h // 2)), quality=35))),
        "cropped": image.crop((int(w * 0.12), int(h * 0.1), int(w * 0.9), int(h * 0.88))),
        "rotated": image.rotate(12, expand=True, fillcolor=image.getpixel((1, 1))),
        "rotated_90": image.rotate(90, expand=True),
        "relit": ImageEnhance.Color(ImageEnhance.Brightness(image).enhance(1.35)).enhance(0.6),
        "screenshot": page,
        "new_background": background,
        "other_angle": other_view(image, 3, 30),
    }


@pytest.mark.parametrize("edit", ["recompressed", "cropped", "rotated", "rotated_90", "relit", "screenshot", "new_background", "other_angle"])
def test_registered_object_is_found_first_from_an_edited_photo(app, registered, runner, tmp_path, edit):
    target = registered[1]
    query = _edits(draw_object(*OBJECTS[1]))[edit]
    path = tmp_path / f"{edit}.jpg"
    path.write_bytes(_jpeg(query))
    result = runner.invoke(args=["match", str(path), "--json"])
    assert result.exit_code == 0, result.output
    [answer] = json.loads(result.stdout)
    best = answer["candidates"][0]
    assert best["record_id"] == target.id
    assert best["verdict"] == "match"
    assert 0 <= best["score"] <= 1


def test_unregistered_object_gets_no_match(app, registered, runner, tmp_path):
    for seed in (901, 902, 903):
        path = tmp_path / f"{seed}.jpg"
        path.write_bytes(_jpeg(draw_object(seed, "vase", "terracotta")))
        [answer] = json.loads(runner.invoke(args=["match", str(path), "--json"]).stdout)
        assert all(c["verdict"] != "match" for c in answer["candidates"]), answer


def test_inventory_records_are_searched_only_on_request(app, registered, runner, tmp_path):
    path = tmp_path / "bowl.jpg"
    path.write_bytes(_jpeg(draw_object(15, "bowl", "ceramic")))
    [default] = json.loads(runner.invoke(args=["match", str(path), "--json"]).stdout)
    assert registered[4].id not in [c["record_id"] for c in default["candidates"] if c["verdict"] == "match"]
    [everything] = json.loads(runner.invoke(args=["match", str(path), "--json", "--all-statuses"]).stdout)
    assert everything["candidates"][0]["record_id"] == registered[4].id
    assert everything["candidates"][0]["status"] == "inventory"


def test_page_cli_and_api_give_the_same_candidates_and_every_check_is_logged(app, registered, client, runner, tmp_path, api_headers):
    data = _jpeg(_edits(draw_object(*OBJECTS[0]))["cropped"])
    path = tmp_path / "q.jpg"
    path.write_bytes(data)
    [cli] = json.loads(runner.invoke(args=["match", str(path), "--json", "--description", "terracotta vase"]).stdout)
    api = client.post("/api/v1/checks", data={"photos": [(io.BytesIO(data), "q.jpg")], "description": "terracotta vase"},
                      content_type="multipart/form-data", headers=api_headers())
    assert api.status_code == 200
    [api_answer] = api.get_json()
    assert api_answer["query"] == "q.jpg"
    assert set(api_answer) == {"query", "took_ms", "candidates", "red_list_categories", "red_lists_compared"}
    page = client.post("/check/", data={"photos": [(io.BytesIO(data), "q.jpg")], "description": "terracotta vase"},
                       content_type="multipart/form-data").get_data(as_text=True)

    def ids(answer):
        return [(c["record_id"], c["verdict"]) for c in answer["candidates"]]

    assert ids(cli) == ids(api_answer)
    page_ids = [int(n) for n in re.findall(r'href="/objects/(\d+)"', page)]
    assert page_ids == [rid for rid, _ in ids(cli)]
    assert "Match:" in page
    checks = db.session.scalars(select(Check).order_by(Check.id)).all()
    assert [c.channel for c in checks] == ["cli", "api", "web"]
    assert checks[0].results[0]["candidates"] == cli["candidates"]
    assert checks[1].query_photos[0]["sha256"] and checks[1].query_photos[0]["hashes"]
    assert checks[2].query_fields == {"description": "terracotta vase"}
    for key in ("record_id", "object_number", "institution", "status", "score", "verdict", "evidence"):
        assert key in cli["candidates"][0]


def test_index_follows_additions_status_changes_and_photo_removal(app, registered, runner, tmp_path):
    path = tmp_path / "new.jpg"
    path.write_bytes(_jpeg(draw_object(21, "seal", "stone")))

    def best():
        [answer] = json.loads(runner.invoke(args=["match", str(path), "--json"]).stdout)
        top = answer["candidates"][0] if answer["candidates"] else None
        return (top["record_id"], top["verdict"]) if top else None

    assert best() is None or best()[1] != "match"
    record = _register(21, "seal", "stone", status="inventory")
    assert best() is None or best()[0] != record.id
    change_status(record, {"status": "stolen"}, "test")
    assert best() == (record.id, "match")
    remove_photo(record.current_photos[0], "test")
    assert best() is None or best()[0] != record.id


def test_every_worker_sees_a_write_made_by_another(app, app_config, registered, tmp_path, api_headers):
    """Two apps on one database stand for two gunicorn workers, each with its own in-memory index."""
    other_worker = create_app(app_config)
    headers = api_headers()
    query = _jpeg(draw_object(31, "tablet", "terracotta"))

    def check_in(worker):
        with worker.app_context():
            response = worker.test_client().post("/api/v1/checks", data={"photos": [(io.BytesIO(query), "q.jpg")]},
                                                 content_type="multipart/form-data", headers=headers)
            return response.get_json()[0]["candidates"]

    assert all(c["verdict"] != "match" for c in check_in(other_worker))
    record = _register(31, "tablet", "terracotta")
    assert check_in(other_worker)[0]["record_id"] == record.id
    with other_worker.app_context():
        db.session.remove()
        db.engine.dispose()


def test_bad_uploads_get_a_clear_4xx(app, client, api_headers):
    headers = api_headers()
    unauthenticated = client.post("/api/v1/checks", data={"description": "x"}, content_type="multipart/form-data")
    assert unauthenticated.status_code == 401 and "token" in unauthenticated.get_json()["error"]
    no_photo = client.post("/api/v1/checks", data={"description": "x"}, content_type="multipart/form-data", headers=headers)
    assert no_photo.status_code == 422 and "photos" in no_photo.get_json()["details"]  # a required field (issue 24)
    not_image = client.post("/api/v1/checks", data={"photos": [(io.BytesIO(b"<svg onload=alert(1)>"), "x.jpg")]},
                            content_type="multipart/form-data", headers=headers)
    assert not_image.status_code == 422 and "not an image" in not_image.get_json()["error"]
    strip = io.BytesIO()
    Image.new("RGB", (8000, 16), "grey").save(strip, format="PNG")  # a check of it failed with HTTP 500
    thin = client.post("/api/v1/checks", data={"photos": [(io.BytesIO(strip.getvalue()), "s.png")]},
                       content_type="multipart/form-data", headers=headers)
    assert thin.status_code == 422 and "strip (8000x16 pixels)" in thin.get_json()["error"]
    bad_top = client.post("/api/v1/checks", data={"photos": [(io.BytesIO(_jpeg(draw_object(1, "vase", "gold"))), "a.jpg")], "top": "0"},
                          content_type="multipart/form-data", headers=headers)
    assert bad_top.status_code in (400, 422) and "top" in bad_top.get_json()["error"]
    bad_size = client.post("/api/v1/checks", data={"photos": [(io.BytesIO(_jpeg(draw_object(1, "vase", "gold"))), "a.jpg")], "height_cm": "tall"},
                           content_type="multipart/form-data", headers=headers)
    assert bad_size.status_code in (400, 422) and "height_cm" in bad_size.get_json()["error"]
    assert client.get("/api/v1/checks", headers=headers).get_json() == []  # the check log: nothing was logged
    page = client.post("/check/", data={}, content_type="multipart/form-data")
    assert page.status_code == 200 and "Add at least one photo" in page.get_data(as_text=True)
    assert db.session.scalar(select(Check)) is None


def test_photos_left_without_a_current_signature_are_reported_not_searched(app, registered, client, runner, tmp_path,
                                                                            api_headers):
    from registry.models import StoredSignature

    path = tmp_path / "vase.jpg"
    data = _jpeg(draw_object(*OBJECTS[0]))
    path.write_bytes(data)
    clean = runner.invoke(args=["match", str(path), "--json"])
    assert "registry reindex" not in clean.stderr
    assert json.loads(clean.stdout)[0]["candidates"][0]["record_id"] == registered[0].id

    old = db.session.scalar(select(StoredSignature).where(StoredSignature.photo_id == registered[0].photos[0].id))
    old.algorithm_version = "an-older-algorithm"  # as after an upgrade, before `registry reindex`
    db.session.commit()
    app.extensions.pop("registry_live_index")  # an upgrade restarts the process: its index is loaded anew
    stale = runner.invoke(args=["match", str(path), "--json"])
    [answer] = json.loads(stale.stdout)  # the JSON on stdout is unchanged in form
    assert registered[0].id not in [c["record_id"] for c in answer["candidates"]]
    assert "warning: 1 registered photo(s)" in stale.stderr and "registry reindex" in stale.stderr
    page = client.post("/check/", data={"photos": [(io.BytesIO(data), "q.jpg")]},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Photos not searched: 1 registered photos" in page
    headers = api_headers()
    api = client.post("/api/v1/checks", data={"photos": [(io.BytesIO(data), "q.jpg")]},
                      content_type="multipart/form-data", headers=headers)
    assert api.status_code == 200 and api.headers["X-Photos-Not-Searched"] == "1"
    assert len(api.get_json()) == 1

    runner.invoke(args=["reindex"])
    again = runner.invoke(args=["match", str(path), "--json"])
    assert "registry reindex" not in again.stderr
    assert json.loads(again.stdout)[0]["candidates"][0]["record_id"] == registered[0].id
    fresh = client.post("/api/v1/checks", data={"photos": [(io.BytesIO(data), "q.jpg")]},
                        content_type="multipart/form-data", headers=headers)
    assert "X-Photos-Not-Searched" not in fresh.headers


def test_a_group_photo_reports_each_registered_object_and_where_it_is(app, registered, client, api_headers):
    table = Image.new("RGB", (1000, 520), (196, 188, 170))
    table.paste(draw_object(*OBJECTS[0]).resize((400, 400)), (40, 60))  # vase on the left
    table.paste(draw_object(*OBJECTS[2]).resize((400, 400)), (560, 40))  # mask on the right
    data = _jpeg(table)
    api = client.post("/api/v1/checks", data={"photos": [(io.BytesIO(data), "raid.jpg")]},
                      content_type="multipart/form-data", headers=api_headers())
    [answer] = api.get_json()
    matches = {c["record_id"]: c["evidence"]["query_box"] for c in answer["candidates"] if c["verdict"] == "match"}
    assert set(matches) == {registered[0].id, registered[2].id}
    assert matches[registered[0].id][2] < 0.5 < matches[registered[2].id][0]  # left object, right object
    page = client.post("/check/", data={"photos": [(io.BytesIO(data), "raid.jpg")]},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert page.count('class="matched-part"') >= 2 and "the part that matched" in page


def test_a_mirrored_photo_is_matched_and_the_page_says_it_was_flipped(app, registered, client, api_headers):
    flipped = _jpeg(draw_object(*OBJECTS[3]).transpose(Image.Transpose.FLIP_LEFT_RIGHT), quality=70)
    [answer] = client.post("/api/v1/checks", data={"photos": [(io.BytesIO(flipped), "listing.jpg")]},
                           content_type="multipart/form-data", headers=api_headers()).get_json()
    best = answer["candidates"][0]
    assert best["record_id"] == registered[3].id and best["verdict"] == "match"
    assert best["evidence"]["query_variant"] == "mirrored"
    page = client.post("/check/", data={"photos": [(io.BytesIO(flipped), "listing.jpg")]},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "the submitted photo is a mirror image" in page
    straight = client.post("/check/", data={"photos": [(io.BytesIO(_jpeg(draw_object(*OBJECTS[3]))), "a.jpg")]},
                           content_type="multipart/form-data").get_data(as_text=True)
    assert "mirror image" not in straight


def test_features_are_read_for_the_photos_asked_and_the_current_algorithm_only(app, registered):
    from registry.models import StoredSignature
    from registry.services.index import load_features

    stored = {s.photo_id: s.features for s in db.session.scalars(select(StoredSignature))}
    first, second, third = (r.photos[0].id for r in registered[:3])
    read = load_features([first, third, 999_999])  # an id with no photo is left out
    assert read == {first: stored[first], third: stored[third]}
    assert all(type(blob) is bytes for blob in read.values())  # as the matcher reads them, on either database
    old = db.session.scalar(select(StoredSignature).where(StoredSignature.photo_id == second))
    old.algorithm_version = "an-older-algorithm"
    db.session.commit()
    assert load_features([first, second]) == {first: stored[first]}


def test_second_look_features_are_stored_at_registration_and_read_for_the_photos_asked(app, registered):
    """Each registered photo's AKAZE features are kept beside its ORB features (photo_signatures.second_features)
    and read, on either database, only for the photos a second look asks for, of the current algorithm."""
    from registry.matching import second_look
    from registry.models import StoredSignature
    from registry.services.index import load_second_features

    first, second = (r.photos[0].id for r in registered[:2])
    read = load_second_features([first, 999_999])
    assert list(read) == [first] and type(read[first]) is bytes
    assert len(second_look.unpacked(read[first]).keypoints) > 20
    old = db.session.scalar(select(StoredSignature).where(StoredSignature.photo_id == second))
    old.algorithm_version = "an-older-algorithm"
    db.session.commit()
    assert list(load_second_features([first, second])) == [first]


def test_a_worker_loads_the_whole_index_as_it_starts(app, registered):
    from registry.services.index import live_index, preload_index

    app.extensions.pop("registry_live_index", None)  # as in a new worker
    assert preload_index(app) is True
    index = live_index()
    assert index.loaded and index.photos_not_searched == 0
    photos = {photo.id: record.status for record in registered for photo in record.photos}
    assert len(index.everything) == len(photos) == 5 and all(photo_id in index.everything for photo_id in photos)
    assert {photo_id for photo_id in photos if photo_id in index.reported} == {p for p, status in photos.items() if status != "inventory"}
    query = compute_query(draw_object(12, "statuette", "bronze"))
    assert index.search(query, 3, all_statuses=False)[0].record_id == registered[1].id


def test_a_worker_started_before_the_database_has_its_schema_loads_the_index_on_its_first_check(tmp_path, caplog):
    from registry.services.index import preload_index

    empty = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}", "MEDIA_DIR": str(tmp_path / "m"),
                        "SECRET_KEY": "test-secret-key"})
    assert preload_index(empty) is False
    assert "photo index not preloaded" in caplog.text
    assert "registry_live_index" not in empty.extensions or not empty.extensions["registry_live_index"].loaded
