"""Speed-ups must not change results: fast blob reader, lazy whole-frame SIFT, early exit in rank."""
from __future__ import annotations

import io

import numpy as np
from objects import make_object

from registry.matching import compute_query, compute_signature, rank
from registry.matching import features as ft
from registry.matching.signature import _variant


def test_fast_unpack_equals_numpy_load() -> None:
    blob = compute_signature(make_object(5)).features
    with np.load(io.BytesIO(blob), allow_pickle=False) as z:
        ref = {k: z[k] for k in z.files}
    out = ft.unpack_features(blob)
    assert set(out) == set(ref)
    for k in ref:
        assert out[k].dtype == ref[k].dtype and np.array_equal(out[k], ref[k])


def test_lazy_variant_equals_eager_variant() -> None:
    arr = np.asarray(make_object(11).convert("RGB"))
    lazy, eager = _variant("full", arr, 700, lazy=True), _variant("full", arr, 700)
    assert lazy.pending and not eager.pending
    assert np.array_equal(lazy.hash_words, eager.hash_words) and lazy.size == eager.size
    assert np.array_equal(lazy.descriptors, eager.descriptors) and np.array_equal(lazy.keypoints, eager.keypoints)
    assert not lazy.pending


def test_second_variant_sift_skipped_when_first_verifies(registry) -> None:
    for pid in (0, 8):  # plain background (object first) and frame-filling photo (whole frame first)
        q = compute_query(registry.images[pid])
        assert sum(v.pending for v in q.variants) == len(q.variants) - 1
        res = rank(q, registry.index.search(q, 60), registry.load, top=5)
        assert res[0].record_id == 100 + pid and res[0].verdict == "match"
        assert sum(v.pending for v in q.variants) == len(q.variants) - 1  # never needed


def test_index_memory_stays_within_64_bytes_a_photo():
    """32-byte key + int32 photo and record ids + the int32 id lookup: 44 bytes a photo at full capacity."""
    import numpy as np

    from registry.matching import HashIndex

    n = 20_000
    rng = np.random.default_rng(3)
    index = HashIndex(capacity=n)
    ids = np.arange(1, n + 1)
    index.add_many(ids, ids // 2, rng.integers(0, 2**63, size=(n, 4), dtype=np.uint64))
    assert len(index) == n and 5 in index and (n + 5) not in index
    assert index.memory_bytes_per_photo() <= 64
    assert index.remove(5) and 5 not in index and n in index
