"""Federation on loopback: registry B pulls registry A's signed feed; the records follow A; a tampered or foreign-
signed feed is refused; a check says where each match comes from, one object reported in both as one candidate."""

from __future__ import annotations

import base64
import io
import json
import urllib.request

import pytest
from PIL import Image
from skimage import data as skdata
from sqlalchemy import select

from registry.extensions import db
from registry.federation.entries import EXTENSION, content_hash
from registry.models import ObjectRecord
from registry.objectid.standard import InvalidRecord
from registry.offline_bank.signing import parse_public_key, verify
from registry.services.objects import change_status, create_record
from registry.services.photos import decode_upload


def _jpeg(image: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


COFFEE = Image.fromarray(skdata.coffee())


def _register(registry, number: str, status: str, image: Image.Image = COFFEE) -> int:
    with registry.app.app_context():
        record = create_record("Museum of Testing", {"object_number": number, "object_type": "cup", "title": "Cup of coffee"}, "test",
                               photos=[decode_upload(_jpeg(image), f"{number}.jpg")], filenames=[f"{number}.jpg"],
                               status_fields={"status": status})
        return record.id


def _set_status(registry, record_id: int, status: str) -> None:
    with registry.app.app_context():
        change_status(db.session.get(ObjectRecord, record_id), {"status": status}, "test")


def _foreign(registry) -> list[ObjectRecord]:
    with registry.app.app_context():
        records = list(db.session.scalars(select(ObjectRecord).where(ObjectRecord.source_id.is_not(None))))
        for record in records:
            db.session.expunge(record)
        return records


def _pull(registry, *name: str) -> dict:
    result = registry.cli("federation", "pull", *name, "--json")
    return json.loads(result.stdout)[0]


def _suspect(tmp_path):
    path = tmp_path / "suspect.jpg"
    path.write_bytes(_jpeg(COFFEE.crop((30, 20, 580, 380)).resize((440, 288)), 60))
    return path


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


@pytest.mark.parametrize("feed", ["stolen.json", "stolen.atom", "stolen.feed.json"])
def test_each_feed_has_a_detached_signature_at_a_sibling_address(two_registries, feed):
    a, _ = two_registries
    _register(a, "OB-1", "stolen")
    body, signature = _get(f"{a.url}/feeds/{feed}"), _get(f"{a.url}/feeds/{feed}.sig")
    verify(parse_public_key(a.public_key()), base64.b64decode(signature), body)
    with pytest.raises(ValueError, match="does not match"):
        verify(parse_public_key(a.public_key()), base64.b64decode(signature), body.replace(b"OB-1", b"OB-2"))


def test_the_json_feed_carries_a_content_hash_per_entry(two_registries):
    a, _ = two_registries
    _register(a, "OB-1", "stolen")
    _register(a, "OB-2", "inventory", Image.fromarray(skdata.chelsea()))
    feed = json.loads(_get(f"{a.url}/feeds/stolen.feed.json"))
    [item] = feed["items"]  # the inventory record is not published
    content = item[EXTENSION]
    assert content["record"]["object_number"] == "OB-1" and content["content_sha256"] == content_hash(content)


def test_b_pulls_a_and_follows_it_idempotently(two_registries, tmp_path):
    a, b = two_registries
    stolen = _register(a, "OB-1", "stolen")
    _register(a, "OB-2", "inventory", Image.fromarray(skdata.chelsea()))
    assert b.cli("federation", "add", "registry-a", a.url, "--public-key", a.public_key()).exit_code == 0
    first = _pull(b)
    assert (first["created"], first["error"], first["rejected"]) == (1, "", [])
    assert (_pull(b)["created"], _pull(b)["updated"]) == (0, 0)  # nothing new: nothing written
    [foreign] = _foreign(b)
    assert (foreign.object_number, foreign.status, foreign.source_institution) == ("OB-1", "stolen", "Museum of Testing")
    assert foreign.source_url == f"{a.url}/objects/{stolen}"

    [answer] = json.loads(b.cli("match", str(_suspect(tmp_path)), "--json").stdout)
    best = answer["candidates"][0]
    assert (best["object_number"], best["verdict"], best["institution"]) == ("OB-1", "match", "Museum of Testing")
    assert best["sources"] == [{"registry": "registry-a", "record_id": foreign.id, "url": f"{a.url}/objects/{stolen}"}]

    _set_status(a, stolen, "recovered")
    assert _pull(b)["updated"] == 1 and _foreign(b)[0].status == "recovered"
    _set_status(a, stolen, "inventory")  # withdrawn at the source: no longer published there
    assert _pull(b)["withdrawn"] == 1 and _foreign(b)[0].status == "inventory"
    assert _pull(b)["withdrawn"] == 0
    _set_status(a, stolen, "stolen")
    assert _pull(b)["updated"] == 1 and _foreign(b)[0].status == "stolen"


def test_foreign_records_are_read_only(two_registries):
    a, b = two_registries
    _register(a, "OB-1", "stolen")
    b.cli("federation", "add", "registry-a", a.url, "--public-key", a.public_key())
    _pull(b)
    with b.app.app_context():
        record = db.session.scalar(select(ObjectRecord).where(ObjectRecord.source_id.is_not(None)))
        with pytest.raises(InvalidRecord, match="another registry"):
            change_status(record, {"status": "recovered"}, "someone")


def test_a_feed_signed_by_another_key_is_refused_and_nothing_is_imported(two_registries):
    a, b = two_registries
    _register(a, "OB-1", "stolen")
    b.cli("federation", "add", "impostor", a.url, "--public-key", b.public_key())
    result = b.cli("federation", "pull", "impostor", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)[0]
    assert "does not verify" in report["error"] and report["created"] == 0 and _foreign(b) == []


def test_one_object_reported_in_both_registries_is_one_candidate_with_two_sources(two_registries, tmp_path):
    a, b = two_registries
    at_a = _register(a, "OB-1", "stolen")
    at_b = _register(b, "OB-1", "stolen")
    b.cli("federation", "add", "registry-a", a.url, "--public-key", a.public_key())
    _pull(b)
    [answer] = json.loads(b.cli("match", str(_suspect(tmp_path)), "--json").stdout)
    [candidate] = [c for c in answer["candidates"] if c["object_number"] == "OB-1"]
    assert sorted(s["registry"] for s in candidate["sources"]) == ["Registry B", "registry-a"]
    assert {s["url"] for s in candidate["sources"]} == {f"{b.url}/objects/{at_b}", f"{a.url}/objects/{at_a}"}
