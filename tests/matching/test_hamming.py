"""The compiled kernels give exactly what OpenCV and numpy give: cell matches, one match per train descriptor, turns."""
from __future__ import annotations

import cv2
import numpy as np
import pytest
from objects import make_object
from PIL import Image

from registry.matching import compute_query, compute_signature, warm_up
from registry.matching import features as ft
from registry.matching import hamming


def _opencv_ratio_matches_by_cell(q, q_bounds, t, t_bounds):
    found_q, found_t = [], []
    for c in range(len(q_bounds) - 1):
        q0, q1, t0, t1 = q_bounds[c], q_bounds[c + 1], t_bounds[c], t_bounds[c + 1]
        if q1 == q0 or t1 - t0 < 2:
            continue
        dist, idx = cv2.batchDistance(q[q0:q1], t[t0:t1], cv2.CV_32S, normType=cv2.NORM_HAMMING, K=2, update=0,
                                      crosscheck=False)
        ok = np.flatnonzero(dist[:, 0] < ft.RATIO_TEST * dist[:, 1])
        found_q.append(ok + q0)
        found_t.append(idx[ok, 0] + t0)
    return np.concatenate(found_q or [[]]).astype(np.intp), np.concatenate(found_t or [[]]).astype(np.intp)


@pytest.mark.parametrize(("query_seed", "edit"), [(8, 12), (8, 0), (21, 0)])
def test_same_matches_as_opencv_on_real_descriptors(query_seed: int, edit: int) -> None:
    registered = ft.unpack_features(compute_signature(make_object(8)).features)  # read-only views over a blob
    t_bounds = ft.cell_bounds(registered["cells"], 16)
    q = compute_query(make_object(query_seed).rotate(edit, expand=True)).variants[0].features
    ours = hamming.ratio_matches_by_cell(q.descriptors, q.cell_bounds, registered["desc"], t_bounds, ft.RATIO_TEST)
    theirs = _opencv_ratio_matches_by_cell(q.descriptors, q.cell_bounds, registered["desc"], t_bounds)
    assert np.array_equal(ours[0], theirs[0]) and np.array_equal(ours[1], theirs[1])
    if query_seed == 8:
        assert len(ours[0]) >= 50


def test_ties_and_tiny_cells() -> None:
    rng = np.random.default_rng(3)
    q = rng.integers(0, 256, (6, 32), dtype=np.uint8)
    t = np.concatenate([q[:2], q[:2], rng.integers(0, 256, (5, 32), dtype=np.uint8)])  # exact ties in cell 0
    q_bounds, t_bounds = np.array([0, 2, 5, 6]), np.array([0, 4, 8, 9])  # cell 2 has one train descriptor
    qi, ti = hamming.ratio_matches_by_cell(q, q_bounds, t, t_bounds, ft.RATIO_TEST)
    expected = _opencv_ratio_matches_by_cell(q, q_bounds, t, t_bounds)
    assert np.array_equal(qi, expected[0]) and np.array_equal(ti, expected[1])
    assert 0 not in qi and 1 not in qi  # a tie is never a match
    assert 5 not in qi


def test_natural_photo_matches_itself_turned() -> None:
    import skimage.data

    photo = Image.fromarray(skimage.data.astronaut())
    registered = ft.unpack_features(compute_signature(photo).features)
    q = compute_query(photo.rotate(30, expand=True)).variants[0].features
    v = ft.verify(q.keypoints, q.descriptors, registered["kp"], registered["desc"], q.cell_bounds,
                  ft.cell_bounds(registered["cells"], 16), q.angles, registered["angle"])
    assert v.cells >= 30 and v.inliers >= 50 and len(v.query_inliers) == v.inliers


def test_one_compiled_version_serves_blobs_and_queries() -> None:
    kernels = (hamming._consistent_matches, hamming._nearest_codes, hamming._select_rows,
               hamming._candidate_distances, hamming._counting_order, hamming._blob_matches)
    warm_up()  # compiles every kernel a check uses, before any check is timed
    compiled = [len(k.signatures) for k in kernels]
    test_one_call_gives_the_matches_of_each_step_in_turn(8, 30)  # read-only blob views and fresh query arrays
    test_natural_photo_matches_itself_turned()  # the whole verification, on a blob's arrays
    test_nearest_codes_are_numpy_hamming_distances_to_the_nearest_probe(0)
    test_rows_within_is_the_union_of_both_cut_off_selections(300, 400, (64, 128))
    test_blobs_read_in_place_give_the_matches_of_each_blob_unpacked()
    assert [len(k.signatures) for k in kernels] == compiled == [1] * len(kernels)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_one_match_per_train_keeps_the_first_query_of_each_train_descriptor(seed: int) -> None:
    rng = np.random.default_rng(seed)
    qi = rng.permutation(300)[:200].astype(np.intp)
    ti = rng.integers(0, 60, 200).astype(np.intp)  # many query descriptors share a train descriptor
    _, first = np.unique(ti, return_index=True)
    got_q, got_t = hamming.one_match_per_train(qi, ti, 60)
    np.testing.assert_array_equal(got_t, ti[first])
    np.testing.assert_array_equal(got_q, qi[first])
    assert len(set(got_t.tolist())) == len(got_t) < 200


def _rotation_mask_by_numpy(q_angles: np.ndarray, t_angles: np.ndarray) -> np.ndarray:
    bins = ((t_angles.astype(np.int16) - q_angles.astype(np.int16)) % 256) * ft.ROTATION_BINS // 256
    hist = np.bincount(bins, minlength=ft.ROTATION_BINS)
    half = ft.ROTATION_WINDOW_BINS // 2
    around = np.convolve(np.concatenate([hist[-half:], hist, hist[:half]]), np.ones(2 * half + 1, np.int64), "valid")
    return (bins - int(np.argmax(around)) + half) % ft.ROTATION_BINS <= 2 * half


@pytest.mark.parametrize("seed", range(5))
def test_rotation_mask_keeps_the_matches_around_the_most_common_turn(seed: int) -> None:
    rng = np.random.default_rng(seed)
    q = rng.integers(0, 256, 400).astype(np.uint8)
    turn = np.where(rng.random(400) < 0.4, 40 + rng.integers(-10, 10, 400), rng.integers(0, 256, 400))
    t = ((q.astype(np.int64) + turn) % 256).astype(np.uint8)  # 40 % turn by ~56 degrees, the rest at random
    mask = ft.consistent_rotation(q, t)
    np.testing.assert_array_equal(mask, _rotation_mask_by_numpy(q, t))
    assert 0.4 <= mask.mean() <= 0.7


@pytest.mark.parametrize("seed", [0, 1])
def test_nearest_codes_are_numpy_hamming_distances_to_the_nearest_probe(seed: int) -> None:
    rng = np.random.default_rng(seed)
    words = np.zeros((6, 5000), np.uint64)
    words[:] = rng.integers(0, 2**63, (6, 5000), dtype=np.uint64) * np.uint64(2) + rng.integers(0, 2, (6, 5000), dtype=np.uint64)
    phash_probes, code_probes = words[0, :3].copy(), words[4:6, 10:12].T.copy()  # rows 0-2 and 10-11 are at 0
    phash, code, phash_hist, code_hist = hamming.nearest_codes(words[0], words[4], words[5], phash_probes, code_probes)
    expected_phash = np.bitwise_count(words[0][None] ^ phash_probes[:, None]).min(axis=0)
    expected_code = (np.bitwise_count(words[4][None] ^ code_probes[:, :1]) + np.bitwise_count(words[5][None] ^ code_probes[:, 1:])).min(axis=0)
    np.testing.assert_array_equal(phash, expected_phash)
    np.testing.assert_array_equal(code, expected_code)
    np.testing.assert_array_equal(phash_hist, np.bincount(expected_phash, minlength=256))
    np.testing.assert_array_equal(code_hist, np.bincount(expected_code, minlength=256))
    assert phash[:3].tolist() == [0, 0, 0] and code[10:12].tolist() == [0, 0] and code.max() > 40


def _cutoff_rows_by_numpy(dist: np.ndarray, cut: int, keep: int) -> np.ndarray:
    rows = np.flatnonzero(dist <= cut)
    if len(rows) <= keep:
        return rows
    at_cut = dist[rows] == cut
    return rows[~at_cut | (np.cumsum(at_cut) <= max(0, keep - (len(rows) - int(at_cut.sum()))))]


@pytest.mark.parametrize(("n", "keep", "cuts"), [(20_000, 400, (27, 50)), (20_000, 400, (24, 52)), (20_000, 400, (20, 40)), (300, 400, (64, 128))])
def test_rows_within_is_the_union_of_both_cut_off_selections(n: int, keep: int, cuts: tuple[int, int]) -> None:
    rng = np.random.default_rng(n + cuts[0])
    phash = rng.binomial(64, 0.5, n).astype(np.uint8)
    code = rng.binomial(128, 0.5, n).astype(np.uint8)
    expected = np.union1d(_cutoff_rows_by_numpy(phash, cuts[0], keep), _cutoff_rows_by_numpy(code, cuts[1], keep))
    got = hamming.rows_within(phash, cuts[0], code, cuts[1], keep)
    np.testing.assert_array_equal(got, expected)
    assert 0 < len(got) <= n


@pytest.mark.parametrize("n", [50_000, 50_001])
def test_the_prefilter_in_two_halves_selects_what_one_pass_does(n: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from registry.matching import index as ix

    rng = np.random.default_rng(n)
    words = rng.integers(0, 2**63, (n, 6), dtype=np.uint64)
    words[:, 0] ^= words[0, 0] & ~np.uint64(0xFFFF)  # many rows near probe 0: ties at the cut-off
    idx = ix.HashIndex(capacity=n)
    idx.add_many(np.arange(n), np.arange(n), words)
    phash_probes, code_probes = words[[0, 7], 0].copy(), words[[3], 4:6].copy()
    one = idx._prefilter(phash_probes, code_probes, 4000)  # below PARALLEL_ROWS: one pass
    monkeypatch.setattr(ix, "PARALLEL_ROWS", 1000)
    two = idx._prefilter(phash_probes, code_probes, 4000)
    phash, code, _, _ = hamming.nearest_codes(words[:, 0].copy(), words[:, 4].copy(), words[:, 5].copy(), phash_probes, code_probes)
    cut_phash = int(np.searchsorted(np.cumsum(np.bincount(phash, minlength=256)), 4000))
    cut_code = int(np.searchsorted(np.cumsum(np.bincount(code, minlength=256)), 4000))
    expected = np.union1d(_cutoff_rows_by_numpy(phash, cut_phash, 4000), _cutoff_rows_by_numpy(code, cut_code, 4000))
    np.testing.assert_array_equal(one, expected)
    np.testing.assert_array_equal(two, expected)


def _full_distance_by_numpy(cols: np.ndarray, probes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p_obj, d_obj, c_obj, p_full = (cols[i][None, :] for i in range(4))
    pq, dq, cq = (probes[:, i][:, None] for i in range(3))
    dp = np.minimum(np.bitwise_count(p_obj ^ pq), np.bitwise_count(p_full ^ pq)).astype(np.float32)
    comb = dp + 0.75 * np.bitwise_count(d_obj ^ dq).astype(np.float32) + 0.5 * np.bitwise_count(c_obj ^ cq).astype(np.float32)
    best = np.argmin(comb, axis=0)
    idx = np.arange(cols.shape[1])
    dd, dc = np.bitwise_count(d_obj ^ dq)[best, idx], np.bitwise_count(c_obj ^ cq)[best, idx]
    return comb[best, idx], np.stack([dp[best, idx], dd, dc, comb[best, idx], best]).astype(np.float32)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_candidate_distances_are_the_numpy_full_distance(seed: int) -> None:
    rng = np.random.default_rng(seed)
    words = rng.integers(0, 2**63, (6, 3000), dtype=np.uint64)
    words[:, 1000:1500] = words[:, 1500:2000]  # duplicate rows: ties between rows and between probes
    probes = np.concatenate([words[:4, [5, 1200]].T[:, :3], rng.integers(0, 2**63, (6, 3), dtype=np.uint64)])
    probes[3] = probes[1]  # two probes at the same distance: the first wins, as numpy's argmin
    codes = words[4:6, [7, 1600]].T.copy()
    rows = np.sort(rng.choice(3000, 2000, replace=False))
    combined, detail, code = hamming.candidate_distances(words, rows, probes, codes)
    expected_combined, expected_detail = _full_distance_by_numpy(words[:4, rows], probes)
    np.testing.assert_array_equal(combined, expected_combined)
    np.testing.assert_array_equal(detail, expected_detail)
    expected_code = (np.bitwise_count(words[4, rows][None] ^ codes[:, :1]) + np.bitwise_count(words[5, rows][None] ^ codes[:, 1:])).min(axis=0)
    np.testing.assert_array_equal(code, expected_code)
    assert (detail[4] == 3).sum() == 0 and (detail[4] == 1).sum() > 0


@pytest.mark.parametrize("n_keys", [2, 129, 577])
def test_stable_order_is_numpy_stable_argsort(n_keys: int) -> None:
    keys = np.random.default_rng(n_keys).integers(0, n_keys, 5000)
    np.testing.assert_array_equal(hamming.stable_order(keys, n_keys), np.argsort(keys, kind="stable"))
    quarters = (np.random.default_rng(1).integers(0, 577, 3000) / 4).astype(np.float32)
    np.testing.assert_array_equal(hamming.stable_order((quarters * 4).astype(np.int64), 577), np.argsort(quarters, kind="stable"))


@pytest.mark.parametrize(("query_seed", "edit"), [(8, 30), (8, 0), (21, 0)])
def test_one_call_gives_the_matches_of_each_step_in_turn(query_seed: int, edit: int) -> None:
    registered = ft.unpack_features(compute_signature(make_object(8)).features)  # read-only views over a blob
    t_bounds = ft.cell_bounds(registered["cells"], 16)
    q = compute_query(make_object(query_seed).rotate(edit, expand=True)).variants[0].features
    qi, ti = hamming.ratio_matches_by_cell(q.descriptors, q.cell_bounds, registered["desc"], t_bounds, ft.RATIO_TEST)
    qi, ti = hamming.one_match_per_train(qi, ti, len(registered["desc"]))
    n_before = len(qi)
    keep = ft.consistent_rotation(q.angles[qi], registered["angle"][ti])
    qi, ti = qi[keep], ti[keep]
    got_q, got_t, n_matches = hamming.consistent_matches(
        q.descriptors, q.cell_bounds, q.angles, registered["desc"], t_bounds, registered["angle"], ft.RATIO_TEST,
        ft.ROTATION_BINS, ft.ROTATION_WINDOW_BINS)
    np.testing.assert_array_equal(got_q, qi)
    np.testing.assert_array_equal(got_t, ti)
    assert n_matches == n_before >= len(got_q)  # matches are counted before the rotation step
    if query_seed == 8:
        assert len(got_q) >= ft.MIN_MATCHES  # enough to verify


@pytest.mark.parametrize("seed", range(3))
def test_cells_covered_counts_distinct_cells(seed: int) -> None:
    rng = np.random.default_rng(seed)
    points = (rng.random((300, 2)) * np.array([640, 480])).astype(np.float32)
    points[100:150] = points[:50] + 0.5  # many in the same cells
    expected = len({(int(x // ft.SPREAD_CELL_PX), int(y // ft.SPREAD_CELL_PX)) for x, y in points})
    assert ft.cells_covered(points) == expected
    assert ft.cells_covered(points[:0]) == 0


def _matches_unpacked(features, blob: bytes) -> tuple[np.ndarray, np.ndarray, int]:
    registered = ft.unpack_features(blob)
    return ft.turned_alike_matches(features.descriptors, features.cell_bounds, features.angles, registered["desc"],
                                   ft.cell_bounds(registered["cells"], 16), registered["angle"])


def test_blobs_read_in_place_give_the_matches_of_each_blob_unpacked() -> None:
    """The batch call (ranking verifies a batch of candidates with it) on real blobs of odd lengths, each pair of
    two query variants and three blobs: exactly what each blob unpacked gives, one call a pair."""
    import skimage.data

    blobs = [compute_signature(Image.fromarray(p)).features
             for p in (skimage.data.astronaut(), skimage.data.coffee(), skimage.data.chelsea()[::4, ::4])]
    assert {len(b) % 8 for b in blobs} != {0}  # blobs that do not end on a word are read too
    turned = compute_query(Image.fromarray(skimage.data.astronaut()).rotate(20)).variants[0].features
    other = compute_query(Image.fromarray(skimage.data.coffee())).variants[0].features
    variants = [(f.descriptors, f.cell_bounds, f.angles) for f in (turned, other)]
    pairs = [(0, 0), (0, 1), (1, 1), (2, 0), (2, 1)]
    found = ft.matches_of_blobs(variants, blobs, pairs)
    for (b, v), got in zip(pairs, found):
        expected = _matches_unpacked((turned, other)[v], blobs[b])
        np.testing.assert_array_equal(got[0], expected[0])
        np.testing.assert_array_equal(got[1], expected[1])
        assert got[2] == expected[2]
    assert len(found[0][0]) > 10 * len(found[3][0])  # the photo turned, and a stranger


def test_a_blob_that_is_not_one_gives_no_matches_and_the_others_theirs() -> None:
    import skimage.data

    blob = compute_signature(Image.fromarray(skimage.data.astronaut())).features
    n = int(np.frombuffer(blob, np.uint32, count=1, offset=4)[0])
    cells = 16 + 41 * n
    unsorted = bytearray(blob)
    unsorted[cells], unsorted[cells + n - 1] = blob[cells + n - 1], blob[cells]
    broken = [b"XXXX" + blob[4:], blob[:-3], blob + b"\0", bytes(unsorted), blob[:10]]
    q = compute_query(Image.fromarray(skimage.data.astronaut())).variants[0].features
    found = ft.matches_of_blobs([(q.descriptors, q.cell_bounds, q.angles)], [*broken, blob],
                                [(i, 0) for i in range(len(broken) + 1)])
    assert found[:-1] == [None] * len(broken)
    for bad in broken:  # unpacked, each says what is wrong with it
        with pytest.raises(ValueError):
            ft.unpack_features(bad)
    np.testing.assert_array_equal(found[-1][0], _matches_unpacked(q, blob)[0])
