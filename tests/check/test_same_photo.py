"""Two records holding the same photo (one object registered twice): a check lists every one it may see."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from registry.demo.images import draw_object
from registry.services.objects import create_record
from registry.services.photos import decode_upload


def _jpeg(image: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def _register(institution: str, number: str, photo: bytes, status: str):
    return create_record(institution, {"object_number": number, "object_type": "Vase", "materials": "terracotta"}, "test",
                         photos=[decode_upload(photo, f"{number}.jpg")], filenames=[f"{number}.jpg"],
                         status_fields={"status": status})


@pytest.fixture
def registered_twice(app):
    """One vase registered by two museums with the same photo file (both stolen), once more in inventory, once more
    with the same picture saved again (other bytes, the same pixels); and unrelated stolen bowls."""
    vase = draw_object(21, "vase", "terracotta")
    photo = _jpeg(vase)
    png = io.BytesIO()
    Image.open(io.BytesIO(photo)).save(png, format="PNG")  # the same pixels in another file
    records = {
        "A": _register("Museum A", "A-1", photo, "stolen"),
        "B": _register("Museum B", "B-7", photo, "stolen"),
        "inventory": _register("Museum C", "C-3", photo, "inventory"),
        "png": _register("Museum D", "D-9", png.getvalue(), "looted"),
    }
    for k in range(4):
        _register("Museum A", f"X-{k}", _jpeg(draw_object(40 + k, "bowl", "ceramic")), "stolen")
    return records, _jpeg(vase, quality=70)


def _listed(runner, tmp_path, query: bytes, *options) -> list[dict]:
    path = tmp_path / "query.jpg"
    path.write_bytes(query)
    result = runner.invoke(args=["match", "--json", *options, str(path)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)[0]["candidates"]


def test_every_lost_record_holding_the_photo_is_listed(runner, tmp_path, registered_twice):
    records, query = registered_twice
    candidates = _listed(runner, tmp_path, query)
    matched = {c["object_number"]: c for c in candidates if c["verdict"] == "match"}
    assert set(matched) == {"A-1", "B-7", "D-9"}  # the inventory record is not searched without --all-statuses
    assert not any(c["object_number"].startswith("X-") and c["verdict"] != "no_match" for c in candidates)
    first = candidates[0]["record_id"]
    assert all(matched[n]["evidence"].get("same_photo_as") == first for n in matched if matched[n]["record_id"] != first)


def test_all_statuses_lists_the_inventory_record_too(runner, tmp_path, registered_twice):
    records, query = registered_twice
    matched = {c["object_number"] for c in _listed(runner, tmp_path, query, "--all-statuses") if c["verdict"] == "match"}
    assert matched == {"A-1", "B-7", "C-3", "D-9"}


def test_a_registrar_searching_all_statuses_sees_no_other_institutions_inventory(client, login_as, registered_twice):
    records, query = registered_twice
    login_as("registrar", institution="Museum B")
    page = client.post("/check/", data={"photos": [(io.BytesIO(query), "query.jpg")], "all_statuses": "y"},
                       content_type="multipart/form-data")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for number in ("A-1", "B-7", "D-9"):
        assert number in html
    assert "C-3" not in html  # Museum C's inventory record holds the photo too, but is not theirs to see


def test_an_officer_searching_all_statuses_sees_the_inventory_record(client, login_as, registered_twice):
    records, query = registered_twice
    login_as("law_enforcement")
    page = client.post("/check/", data={"photos": [(io.BytesIO(query), "query.jpg")], "all_statuses": "y"},
                       content_type="multipart/form-data")
    html = page.get_data(as_text=True)
    for number in ("A-1", "B-7", "C-3", "D-9"):
        assert number in html
