"""HashIndex behaviour, signature determinism and serialisation round trips."""
from __future__ import annotations

import numpy as np
from PIL import Image

from objects import make_object

from registry.matching import ALGORITHM_VERSION, HashIndex, compare_fields, compute_query, compute_signature
from registry.matching.features import pack_features, unpack_features
from registry.matching.signature import KEY_WORDS


def test_signature_deterministic_and_compact() -> None:
    img = make_object(77)
    a, b = compute_signature(img), compute_signature(img.copy())
    assert a.index_key == b.index_key and a.features == b.features and a.hash_hex == b.hash_hex
    assert len(a.index_key) == KEY_WORDS * 8 == 48
    assert set(a.hash_hex) >= {"phash", "dhash"}
    assert isinstance(ALGORITHM_VERSION, str)


def test_features_round_trip() -> None:
    rng = np.random.default_rng(0)
    kp = rng.random((10, 2), dtype=np.float32) * 400
    desc = rng.integers(0, 255, (10, 32), dtype=np.uint8)
    colour = np.full(24, 1 / 24, np.float32)
    words = np.arange(KEY_WORDS, dtype=np.uint64)
    cells = rng.integers(0, 16, 10, dtype=np.uint8)
    angles = rng.integers(0, 256, 10, dtype=np.uint8)
    out = unpack_features(pack_features(kp, desc, angles, colour, (480, 360), words, cells))
    order = np.argsort(cells, kind="stable")  # stored in the order of their cells
    assert np.array_equal(out["kp"], kp[order]) and np.array_equal(out["desc"], desc[order])
    assert np.array_equal(out["angle"], angles[order])
    assert np.array_equal(out["cells"], cells[order])
    assert tuple(out["size"]) == (480, 360) and np.array_equal(out["words"], words)
    sig = compute_signature(make_object(3))
    assert unpack_features(sig.features)["desc"].shape[1] == 32


def test_index_add_remove_search() -> None:
    imgs = {pid: make_object(200 + pid) for pid in range(6)}
    idx = HashIndex(capacity=2)
    for pid, img in imgs.items():
        idx.add(pid, pid // 2, compute_signature(img).index_key)
    assert len(idx) == 6 and idx.memory_bytes_per_photo() > 0
    q = compute_query(imgs[3])
    assert idx.search(q, 1)[0].photo_id == 3
    assert idx.remove(3) and not idx.remove(3)
    assert len(idx) == 5 and 3 not in idx
    assert all(c.photo_id != 3 for c in idx.search(q, 10))
    idx.add(4, 2, compute_signature(imgs[3]).index_key)  # replace photo 4's key in place
    assert len(idx) == 5 and idx.search(q, 1)[0].photo_id == 4


def test_index_large_padded_search_finds_real_photo() -> None:
    rng = np.random.default_rng(1)
    idx = HashIndex()
    n = 300_000
    idx.add_many(np.arange(1000, 1000 + n), np.arange(n), rng.integers(0, 2 ** 63, (n, KEY_WORDS), dtype=np.uint64))
    img = make_object(9)
    idx.add(7, 7, compute_signature(img).index_key)
    q = compute_query(img.rotate(90, expand=True))
    assert idx.search(q, 5)[0].photo_id == 7


def test_query_handles_rgba_and_grey() -> None:
    assert compute_query(Image.new("RGBA", (64, 48), (10, 20, 30, 0))).variants
    assert compute_query(Image.new("L", (40, 40), 128)).variants


def test_compare_fields() -> None:
    q = {"description": "Bronze statuette of a horse", "materials": "bronze", "height_cm": 20.0, "weight_kg": 1.0}
    r = {"description": "Small horse statuette, bronze", "materials": "Bronze", "height_cm": 21.0, "weight_kg": 3.0}
    out = compare_fields(q, r)
    assert "description" in out["agree"] and "height_cm" in out["agree"] and "weight_kg" in out["disagree"]
    assert 0.0 <= out["score"] <= 1.0


def test_interleave_takes_turns_and_skips_repeats() -> None:
    from registry.matching.index import _interleave

    first, second = np.array([1, 2, 3, 4]), np.array([5, 1, 6, 7, 8])
    assert _interleave(first, second, 6) == [1, 5, 2, 6, 3, 7]
    assert _interleave(first, second, 6, second_per_first=3) == [1, 5, 6, 7, 2, 8]
    assert _interleave(first, second, 20) == [1, 5, 2, 6, 3, 7, 4, 8]  # both exhausted


def test_index_digest_parts_follow_adds_replacements_and_removals() -> None:
    """The running id sum and the ids of a range (what the periodic comparison with the database reads) always
    say what photo_ids() holds."""
    rng = np.random.default_rng(3)
    idx = HashIndex(capacity=2)
    idx.add_many(np.arange(10, 40), np.arange(30), rng.integers(0, 2 ** 63, (30, KEY_WORDS), dtype=np.uint64))
    key = rng.integers(0, 2 ** 63, KEY_WORDS, dtype=np.uint64).astype("<u8").tobytes()
    idx.add(55, 1, key)
    idx.add(12, 1, key)  # a replacement: held once
    assert idx.remove(20) and not idx.remove(20)
    held = sorted(idx.photo_ids().tolist())
    assert idx.photo_id_sum == sum(held) and len(idx) == len(held)
    assert idx.photo_ids_between(0).tolist() == held
    assert idx.photo_ids_between(15, 25).tolist() == [i for i in held if 15 <= i < 25]
    assert idx.photo_ids_between(39).tolist() == [39, 55] and idx.photo_ids_between(60, 10_000).tolist() == []
