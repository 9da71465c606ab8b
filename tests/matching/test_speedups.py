"""Speed-ups must not change results: fast blob reader, early exit in rank, compact index."""
from __future__ import annotations

import numpy as np
import pytest
import skimage.data
from PIL import Image
from objects import make_object

from registry.matching import compute_query, compute_signature, rank
from registry.matching import features as ft
from registry.matching.ranking import BATCH, LOOKAHEAD


def test_features_blob_is_read_in_place_and_checked() -> None:
    blob = compute_signature(make_object(5)).features
    out = ft.unpack_features(blob)
    assert out["desc"].shape == (len(out["kp"]), 32) and out["cells"].shape == (len(out["kp"]),)
    assert out["desc"].base is not None  # a view over the blob, not a copy
    colours, words = ft.colours_and_words(blob)  # what a candidate's score reads without unpacking
    np.testing.assert_array_equal(colours, out["colour"])
    assert np.array_equal(words, out["words"])
    with pytest.raises(ValueError, match="wrong length"):
        ft.unpack_features(blob + b"x")
    with pytest.raises(ValueError, match="reindex"):
        ft.unpack_features(b"PK\x03\x04" + blob[4:])  # an .npz blob of an older version


def test_cell_matching_finds_the_pairs_full_matching_finds() -> None:
    sig = ft.unpack_features(compute_signature(make_object(8)).features)
    q = compute_query(make_object(8).rotate(7, expand=True)).variants[0].features
    full = ft.verify(q.keypoints, q.descriptors, sig["kp"], sig["desc"])
    by_cell = ft.verify(q.keypoints, q.descriptors, sig["kp"], sig["desc"], q.cell_bounds,
                        ft.cell_bounds(sig["cells"], 16))
    assert by_cell[2] >= 14 and by_cell[2] >= 0.7 * full[2]


def test_rank_stops_at_the_first_clearly_verified_photo(registry) -> None:
    calls: list[list[int]] = []

    def load(ids: list[int]) -> dict[int, bytes]:
        calls.append(list(ids))
        return registry.load(ids)

    q = compute_query(registry.images[0])
    cands = registry.index.search(q, 60)
    assert cands[0].photo_id == 0
    res = rank(q, cands, load, top=5)
    assert res[0].record_id == 100 and res[0].verdict == "match"
    # the first photo verified: nothing after it was compared, unless its inliers covered a small part of the
    # photo (then the next LOOKAHEAD, only to see whether they share it)
    assert len(res) == 1 and calls[0] == [0] and calls[1:] in ([], [[c.photo_id for c in cands[1:1 + LOOKAHEAD]]])


def test_candidates_features_are_read_in_search_order_in_doubling_reads_each_once(registry) -> None:
    forty = type(registry)({i: make_object(3000 + i) for i in range(40)})
    reads: list[list[int]] = []

    def load(ids: list[int]) -> dict[int, bytes]:
        reads.append(list(ids))
        return forty.load(ids)

    q = compute_query(make_object(7001))  # not registered: every candidate is verified
    cands = forty.index.search(q, 40)
    assert len(cands) == 40
    res = rank(q, cands, load, top=5)
    assert all(m.verdict != "match" for m in res)
    assert [len(r) for r in reads] == [1, BATCH, 2 * BATCH, 40 - 1 - 3 * BATCH]  # not one read per batch of BATCH
    assert [p for r in reads for p in r] == [c.photo_id for c in cands]  # in search order, each photo once
    assert rank(q, cands, forty.load, top=5) == res


def test_whole_frame_features_extracted_only_when_needed(registry) -> None:
    q = compute_query(registry.images[0])  # an object on a plain background: object variant + lazy whole frame
    assert [v.name for v in q.variants] == ["object", "full", "mirrored"] and q.variants[1].pending
    res = rank(q, registry.index.search(q, 60), registry.load, top=5)
    assert res[0].record_id == 100 and res[0].verdict == "match"
    assert q.variants[1].pending  # the object verified: the whole frame's ORB was never computed
    lazy = q.variants[1].features
    eager = compute_query(registry.images[0]).variants[1].features
    assert np.array_equal(lazy.descriptors, eager.descriptors) and np.array_equal(lazy.code, eager.code)


def test_the_whole_frame_is_described_only_when_a_batch_found_nothing_without_it(registry) -> None:
    from dataclasses import replace

    q = compute_query(registry.images[0])
    assert [v.name for v in q.variants] == ["object", "full", "mirrored"]
    by_photo = {c.photo_id: c for c in registry.index.search(q, 60)}

    def nearest_to(pid: int, variant: str):  # noqa: ANN202
        return replace(by_photo[pid], distances={**by_photo[pid].distances, "variant": variant})

    # a stranger alone, then a batch where strangers whose hashes were nearest to the whole frame come before
    # the registered object: once verified, the whole frame is not described to try them
    cands = [nearest_to(5, "object"), nearest_to(6, "full"), nearest_to(7, "full"), nearest_to(0, "object")]
    res = rank(q, cands, registry.load, top=5)
    assert res[0].record_id == 100 and res[0].verdict == "match"
    assert q.variants[1].pending
    # with no clear match in the batch, it is described and tried where the hashes pointed to it
    again = compute_query(registry.images[0])
    rank(again, cands[:3], registry.load, top=5)
    assert not again.variants[1].pending


def test_index_memory_stays_within_64_bytes_a_photo():
    """48-byte key + int32 photo and record ids + the int32 id lookup: 60 bytes a photo at full capacity."""
    import numpy as np

    from registry.matching import HashIndex
    from registry.matching.signature import KEY_WORDS

    n = 20_000
    rng = np.random.default_rng(3)
    index = HashIndex(capacity=n)
    ids = np.arange(1, n + 1)
    index.add_many(ids, ids // 2, rng.integers(0, 2**63, size=(n, KEY_WORDS), dtype=np.uint64))
    assert len(index) == n and 5 in index and (n + 5) not in index
    assert index.memory_bytes_per_photo() <= 64
    assert index.remove(5) and 5 not in index and n in index


def _rotation_kept(query_img, registered_img) -> tuple[int, int]:
    """(ratio matches, matches that turn like most others) between a query photo and a registered one."""
    sig = ft.unpack_features(compute_signature(registered_img).features)
    q = compute_query(query_img).variants[0].features
    qi, ti = ft._ratio_matches(q.descriptors, sig["desc"])
    return len(qi), int(ft.consistent_rotation(q.angles[qi], sig["angle"][ti]).sum())


@pytest.mark.parametrize("degrees", [0, 35, 90])
def test_rotation_consistency_keeps_the_matches_of_the_same_object_turned(degrees: int) -> None:
    n, kept = _rotation_kept(make_object(8).rotate(degrees, expand=True), make_object(8))
    assert n >= 40 and kept >= 0.8 * n


@pytest.mark.parametrize("photo", ["astronaut", "chelsea"])
def test_rotation_consistency_drops_most_chance_matches_with_a_stranger(photo: str) -> None:
    stranger = Image.fromarray(getattr(skimage.data, photo)())
    n, kept = _rotation_kept(stranger, make_object(8))
    assert n >= 20 and kept <= 0.5 * n
    assert ft.verify(*_query_and_registered(stranger, make_object(8)))[2] < 10


def _query_and_registered(query_img, registered_img) -> tuple:
    sig = ft.unpack_features(compute_signature(registered_img).features)
    q = compute_query(query_img).variants[0].features
    return (q.keypoints, q.descriptors, sig["kp"], sig["desc"], q.cell_bounds, ft.cell_bounds(sig["cells"], 16),
            q.angles, sig["angle"])


@pytest.mark.parametrize("side", [1000, 1283, 2016, 4032])
def test_a_large_query_photo_is_reduced_like_an_area_filter(side: int) -> None:
    from registry.matching.imageops import resize_query, resize_to

    photo = np.asarray(Image.fromarray(skimage.data.astronaut()).resize((side, side * 3 // 4), Image.Resampling.LANCZOS))
    fast, area = resize_query(photo, 640), resize_to(photo, 640)
    assert abs(fast.shape[0] - area.shape[0]) <= 1 and fast.shape[1] == area.shape[1] == 640
    h = min(fast.shape[0], area.shape[0])
    assert np.abs(fast[:h].astype(np.int16) - area[:h]).mean() < 2.0  # grey levels (nearest neighbour: ~4.2)
    small = photo[:300, :400]
    assert np.array_equal(resize_query(small, 640), resize_to(small, 640))  # enlarging: as before


@pytest.mark.parametrize("broken", ["truncated", "older version"])
def test_a_broken_blob_among_a_batchs_candidates_is_refused_as_unpacking_refuses_it(registry, broken: str) -> None:
    """A batch's first matches are made with its blobs read in place: a stored blob that is not one still stops the
    check with the message that says what to do, not with matches read out of it."""
    query = compute_query(make_object(7004))  # unregistered: every candidate is verified
    candidates = registry.index.search(query, 12)
    victim = candidates[3].photo_id
    blob = registry.blobs[victim]
    bad = blob[:-5] if broken == "truncated" else b"PK\x03\x04" + blob[4:]

    def load(ids: list[int]) -> dict[int, bytes]:
        return {i: (bad if i == victim else registry.blobs[i]) for i in ids}

    with pytest.raises(ValueError) as unpacking:
        ft.unpack_features(bad)
    with pytest.raises(ValueError) as ranking:
        rank(query, candidates, load)
    assert str(ranking.value) == str(unpacking.value)
    assert rank(compute_query(make_object(7004)), candidates, registry.load) is not None


@pytest.mark.parametrize("length", [63, 32])  # a pHash's AC coefficients; a colour word's a* or b* values
def test_a_hashs_median_is_numpys_to_the_bit(length: int) -> None:
    """The hashes compare values to their median: stored hashes were made with np.median, so its faster stand-in
    must give the very same value (the middle one, or the float32 mean of the middle two), ties and all."""
    from registry.matching import hashing as hs
    thumb = hs.thumbnail(np.asarray(Image.fromarray(skimage.data.astronaut()).convert("RGB")))
    rng = np.random.default_rng(3)
    samples = [np.ascontiguousarray(thumb[r, :length, c]) for r in range(64) for c in range(3)]  # real pixel values
    samples += [rng.normal(size=length).astype(np.float32) for _ in range(500)]
    samples += [np.round(rng.normal(size=length), 1).astype(np.float32) for _ in range(500)]  # many ties
    for values in samples:
        expected, got = np.median(values), hs._median(values)
        assert got == expected and got.dtype == expected.dtype
