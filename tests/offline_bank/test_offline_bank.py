"""`registry offline-bank`: a signed bank of the published lost records, checked with no database and no network;
a tampered, foreign or expired bank is refused; deltas bring a base up to date. Real photos (skimage's)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data as skdata

from registry.matching import compute_query, compute_signature
from registry.matching import features as matching_features
from registry.offline_bank.bank import BankRefused, assemble, read_bank
from registry.offline_bank.signing import parse_public_key
from registry.offline_bank.thinning import engine_blob, for_bank
from registry.services.objects import change_status, create_record
from registry.services.photos import decode_upload

ROOT = Path(__file__).resolve().parents[2]
PHOTOS = {"coffee": skdata.coffee, "chelsea": skdata.chelsea, "astronaut": skdata.astronaut, "rocket": skdata.rocket}


def _jpeg(image: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def _photo(name: str) -> Image.Image:
    return Image.fromarray(PHOTOS[name]())


def _register(name: str, status: str):
    return create_record("Museum of Testing", {"object_number": f"OB-{name}", "object_type": "object", "title": f"The {name}"},
                         "test", photos=[decode_upload(_jpeg(_photo(name)), f"{name}.jpg")], filenames=[f"{name}.jpg"],
                         status_fields={"status": status})


@pytest.fixture(autouse=True)
def key_file(app_config, tmp_path):
    """The signing key's place, set before the app is made."""
    app_config["SIGNING_KEY_FILE"] = str(tmp_path / "keys" / "signing-key.pem")
    app_config["CONTACT"] = "+33 1 00 00 00 00"
    return Path(app_config["SIGNING_KEY_FILE"])


@pytest.fixture
def registered(app, key_file, runner):
    assert runner.invoke(args=["offline-bank", "keys", "--generate"]).exit_code == 0
    return {"coffee": _register("coffee", "stolen"), "chelsea": _register("chelsea", "looted"),
            "astronaut": _register("astronaut", "inventory")}


def _public_key(runner) -> str:
    result = runner.invoke(args=["offline-bank", "keys"])
    assert result.exit_code == 0, result.output
    return result.stdout.split("public key: ")[1].split()[0]


def _query(tmp_path, name: str) -> Path:
    image = _photo(name)
    w, h = image.size
    path = tmp_path / f"suspect-{name}.jpg"  # cropped, smaller, re-compressed: as a seller's photo
    path.write_bytes(_jpeg(image.crop((int(w * 0.08), int(h * 0.06), int(w * 0.94), int(h * 0.95))).resize((400, 300)), 60))
    return path


def _export(runner, path: Path, *extra: str) -> Path:
    result = runner.invoke(args=["offline-bank", "export", "--output", str(path), *extra])
    assert result.exit_code == 0, result.output
    return path


def _check(runner, *args: str):
    return runner.invoke(args=["offline-bank", "check", *args, "--json"])


def test_the_key_is_made_once_outside_the_repository(app, key_file, runner):
    assert runner.invoke(args=["offline-bank", "keys"]).exit_code != 0  # none yet: says how to make one
    assert runner.invoke(args=["offline-bank", "keys", "--generate"]).exit_code == 0
    assert oct(key_file.stat().st_mode & 0o777) == "0o600" and not key_file.is_relative_to(ROOT)
    again = runner.invoke(args=["offline-bank", "keys", "--generate"])
    assert again.exit_code != 0 and "already exists" in again.output
    assert len(parse_public_key(_public_key(runner)).public_bytes_raw()) == 32


def test_a_bank_check_gives_the_online_answer_in_the_same_shape(registered, runner, tmp_path):
    bank = _export(runner, tmp_path / "bank.oidb")
    suspect = _query(tmp_path, "coffee")
    offline = _check(runner, str(bank), str(suspect), "--public-key", _public_key(runner))
    assert offline.exit_code == 0, offline.output
    online = runner.invoke(args=["match", str(suspect), "--json"])
    [offline_answer], [online_answer] = json.loads(offline.stdout), json.loads(online.stdout)
    assert set(online_answer) <= set(offline_answer)
    best, online_best = offline_answer["candidates"][0], online_answer["candidates"][0]
    assert set(online_best) <= set(best)
    assert (best["record_id"], best["verdict"]) == (online_best["record_id"], online_best["verdict"]) == (registered["coffee"].id, "match")
    assert best["score"] == pytest.approx(online_best["score"], abs=1e-6)
    assert (best["object_number"], best["status"], best["title"]) == ("OB-coffee", "stolen", "The coffee")
    assert "+33 1 00 00 00 00" in best["contact"] and best["url"].endswith(f"/objects/{registered['coffee'].id}")


def test_only_published_lost_records_are_in_the_bank(registered, runner, tmp_path, key_file):
    data = _export(runner, tmp_path / "bank.oidb").read_bytes()
    content = read_bank(data, parse_public_key(_public_key(runner)))
    assert sorted(r["object_number"] for r in content.records) == ["OB-chelsea", "OB-coffee"]
    assert set(content.thumbnails) == {registered["coffee"].id, registered["chelsea"].id}
    thumbnail = Image.open(io.BytesIO(content.thumbnails[registered["coffee"].id]))
    assert thumbnail.format == "WEBP" and max(thumbnail.size) <= 40
    [answer] = json.loads(_check(runner, str(tmp_path / "bank.oidb"), str(_query(tmp_path, "astronaut"))).stdout)
    assert all(c["object_number"] != "OB-astronaut" for c in answer["candidates"])


@pytest.mark.parametrize("where", ["header", "records", "keys", "signature"])
def test_a_tampered_bank_is_refused(registered, runner, tmp_path, where):
    data = bytearray(_export(runner, tmp_path / "bank.oidb").read_bytes())
    position = {"header": 20, "records": len(data) // 3, "keys": len(data) // 2, "signature": len(data) - 5}[where]
    data[position] ^= 0x01
    (tmp_path / "tampered.oidb").write_bytes(bytes(data))
    result = _check(runner, str(tmp_path / "tampered.oidb"), str(_query(tmp_path, "coffee")))
    assert result.exit_code != 0
    assert "signature does not verify" in json.loads(result.stdout.splitlines()[0])["error"]


def test_a_bank_signed_by_another_key_is_refused(registered, runner, tmp_path):
    bank = _export(runner, tmp_path / "bank.oidb")
    other = "A" * 43 + "="
    result = _check(runner, str(bank), str(_query(tmp_path, "coffee")), "--public-key", other)
    assert result.exit_code != 0 and "bank refused" in result.output


def test_an_expired_bank_is_refused(app, registered, runner, tmp_path):
    app.config["OFFLINE_BANK_VALID_DAYS"] = 0
    bank = _export(runner, tmp_path / "bank.oidb")
    result = _check(runner, str(bank), str(_query(tmp_path, "coffee")))
    assert result.exit_code != 0 and "expired on" in json.loads(result.stdout.splitlines()[0])["error"]
    key = parse_public_key(_public_key(runner))
    with pytest.raises(BankRefused, match="expired"):
        read_bank(bank.read_bytes(), key, now=datetime.now(timezone.utc) + timedelta(days=1))


def test_a_delta_brings_the_base_up_to_date(registered, runner, tmp_path):
    base = _export(runner, tmp_path / "bank.oidb")
    version = read_bank(base.read_bytes(), parse_public_key(_public_key(runner))).version
    change_status(registered["astronaut"], {"status": "stolen"}, "test")
    change_status(registered["coffee"], {"status": "recovered"}, "test")
    delta = _export(runner, tmp_path / "delta.oidb", "--since", str(version))
    content = read_bank(delta.read_bytes(), parse_public_key(_public_key(runner)))
    assert (content.kind, content.since, [r["object_number"] for r in content.records], content.removed) == \
        ("delta", version, ["OB-astronaut"], [registered["coffee"].id])
    answers = json.loads(_check(runner, str(base), str(delta), str(_query(tmp_path, "astronaut")),
                                str(_query(tmp_path, "coffee"))).stdout)
    assert answers[0]["candidates"][0]["object_number"] == "OB-astronaut" and answers[0]["candidates"][0]["verdict"] == "match"
    assert all(c["object_number"] != "OB-coffee" for c in answers[1]["candidates"])
    base_alone = json.loads(_check(runner, str(base), str(_query(tmp_path, "coffee"))).stdout)
    assert base_alone[0]["candidates"][0]["object_number"] == "OB-coffee"  # the base alone still has it


def test_a_delta_that_does_not_follow_on_is_refused(registered, runner, tmp_path):
    key = parse_public_key(_public_key(runner))
    base = read_bank(_export(runner, tmp_path / "bank.oidb").read_bytes(), key)
    change_status(registered["astronaut"], {"status": "stolen"}, "test")
    gap = read_bank(_export(runner, tmp_path / "delta.oidb", "--since", str(base.version + 1)).read_bytes(), key)
    with pytest.raises(BankRefused, match="does not follow on"):
        assemble([base, gap])
    with pytest.raises(BankRefused, match="base bank first"):
        assemble([gap])


def test_a_bank_thinned_to_fit_its_size_still_finds_the_object(registered, runner, tmp_path):
    full = _export(runner, tmp_path / "full.oidb").read_bytes()
    small = _export(runner, tmp_path / "small.oidb", "--max-mb", "0.03").read_bytes()
    content = read_bank(small, parse_public_key(_public_key(runner)))
    assert len(small) <= 30_000 < len(full) and 0 < content.keypoints_per_photo < 700
    [answer] = json.loads(_check(runner, str(tmp_path / "small.oidb"), str(_query(tmp_path, "coffee"))).stdout)
    assert answer["candidates"][0]["object_number"] == "OB-coffee"


def test_the_check_needs_no_database(registered, runner, tmp_path):
    bank = _export(runner, tmp_path / "bank.oidb")
    env = {**os.environ, "REGISTRY_DATABASE_URL": "postgresql://nobody:none@127.0.0.1:9/nothing",
           "REGISTRY_SECRET_KEY": "x", "REGISTRY_MEDIA_DIR": str(tmp_path / "no-media")}
    result = subprocess.run([sys.executable, "-m", "registry", "offline-bank", "check", str(bank),
                             str(_query(tmp_path, "chelsea")), "--json", "--public-key", _public_key(runner)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    [answer] = json.loads(result.stdout)
    assert answer["candidates"][0]["object_number"] == "OB-chelsea" and answer["candidates"][0]["status"] == "looted"


@pytest.mark.parametrize("max_mb", [None, "0.02"])
def test_an_export_read_in_chunks_of_one_record_is_the_same_bank(registered, runner, monkeypatch, max_mb):
    """The export streams records and features in chunks (bounded memory at 100 000 records): whole or thinned, a
    bank read one record at a time holds the same records, photos and features as one read at once."""
    from registry.services import offline_bank

    extra = ("--max-mb", max_mb) if max_mb else ()
    key = offline_bank.signing_key().public_key()
    banks = []
    for chunk in (1, 1000):
        monkeypatch.setattr(offline_bank, "CHUNK", chunk)
        bank, content = offline_bank.export_bank(None, int(float(max_mb) * 1e6) if max_mb else None)
        banks.append((read_bank(bank, key), content.keypoints_per_photo))
    (one, kept_one), (all_, kept_all) = banks
    assert kept_one == kept_all and (kept_one is not None) is bool(extra)
    assert [r["id"] for r in one.records] == [r["id"] for r in all_.records] == [registered["coffee"].id, registered["chelsea"].id]
    assert [(p.photo_id, p.features) for p in one.photos] == [(p.photo_id, p.features) for p in all_.photos]
    assert len(one.photos) == 2 and all(p.features.keypoint_count > 0 for p in one.photos)


def _cup_on_a_cloth() -> Image.Image:
    """scikit-image's real photo of a cup laid on a cloth of one colour (a studio's backdrop)."""
    frame = np.zeros((480, 640, 3), np.uint8)
    frame[:] = (40, 70, 160)
    frame[100:390, 40:400] = skdata.coffee()[40:330, 120:480]
    return Image.fromarray(frame)


@pytest.mark.parametrize("photo", [_cup_on_a_cloth, lambda: Image.fromarray(skdata.astronaut())],
                         ids=["object on a cloth", "busy frame"])
def test_a_bank_keeps_a_photos_object_colours_as_the_registry_stores_them(photo):
    sig = compute_signature(photo())
    kept = for_bank(sig.features)
    assert len(kept.colour) == 152
    stored = matching_features.unpack_features(sig.features)["colour"]
    again = matching_features.unpack_features(engine_blob(kept, sig.index_key))["colour"]
    hues = matching_features.COLOUR_BINS + matching_features.OBJECT_COLOUR_BINS
    assert again.tolist() == stored[:hues].tolist()  # the object's hues where the photo has colours, none where not


def test_a_photo_from_the_bank_is_ranked_by_its_objects_hues():
    """A check's object has its chroma and its hues; the bank's photo its hues only: they are compared by hues."""
    sig = compute_signature(_cup_on_a_cloth())
    from_bank = matching_features.unpack_features(engine_blob(for_bank(sig.features), sig.index_key))["colour"]
    banked = matching_features.frame_and_object_colours(from_bank.astype(np.float32))[1]
    seen = compute_query(_cup_on_a_cloth()).variants[0].object_colours()
    assert len(seen) > len(banked) > 0
    assert matching_features.colours_alike(seen, banked) == matching_features.hues_alike(seen, banked) > 0.8
