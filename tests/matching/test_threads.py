"""Threads: one native thread a check (BLAS and OpenCV pools would only contend), one more thread that
describes a second variant (and searches half of the index), with the results of a single thread."""
from __future__ import annotations

import os
import threading

import cv2
import numpy as np
import pytest
from PIL import Image
from skimage import data as skdata
from threadpoolctl import threadpool_info

import edits
from objects import make_object

from conftest import Registry
from registry.matching import compute_query, rank, ranking, threads
from registry.matching import features as ft
from registry.matching.types import MIRRORED, QueryVariant


def test_the_app_limits_blas_and_opencv_to_one_thread(app) -> None:
    pools = threadpool_info()
    assert pools, "numpy's BLAS should be visible to threadpoolctl"
    assert all(p["num_threads"] == 1 for p in pools)
    assert cv2.getNumThreads() == 1


def _group_photo(*objects: Image.Image) -> Image.Image:
    canvas = Image.new("RGB", (460 * len(objects) + 20, 600), (205, 200, 190))
    for i, obj in enumerate(objects):
        canvas.paste(obj.convert("RGB").resize((380, 380)), (40 + 460 * i, 60 + 40 * i))
    return canvas


def _queries(registry) -> list[Image.Image]:
    rng = np.random.default_rng(3)
    return [
        make_object(7001),  # unregistered: every candidate is verified
        Image.fromarray(skdata.astronaut()).rotate(8),  # a busy frame: "full" and "region"-style variants
        edits.background_photo(registry.images[2], rng, Image.fromarray(skdata.gravel()).convert("RGB")),
        _group_photo(registry.images[1], make_object(7002), registry.images[4]),  # three object variants
    ]


def _check(registry, img: Image.Image) -> tuple[list, list]:
    q = compute_query(img)
    variants = [(v.name, v.box, v.hash_words.tobytes(), v.features.descriptors.tobytes()) for v in q.variants]
    q = compute_query(img)  # fresh lazy variants for ranking
    matches = rank(q, registry.index.search(q, 12), registry.load, top=12)
    return variants, [(m.record_id, m.score, m.verdict, m.evidence) for m in matches]


def test_two_threads_describe_and_rank_as_one_does(registry, monkeypatch: pytest.MonkeyPatch) -> None:
    if threads.verification_pool() is None:
        pytest.skip("one core: checks run in one thread")
    two = [_check(registry, img) for img in _queries(registry)]
    monkeypatch.setattr(threads, "VERIFY_THREADS", 0)
    assert threads.verification_pool() is None
    one = [_check(registry, img) for img in _queries(registry)]
    # busy frames: the frame, its object cut out, laid on black and on white; a group photo: three objects + the
    # frame (+ mirrored, each)
    assert [len(variants) for variants, _ in two] == [5, 5, 5, 5]
    assert two == one
    assert any(len(matches) > 6 for _, matches in two)  # more than one batch of candidates was verified


def test_a_forked_worker_makes_its_own_pool() -> None:
    if threads.verification_pool() is None:
        pytest.skip("one core: no pool")
    parent_pool = threads.verification_pool()
    assert parent_pool.submit(os.getpid).result() == os.getpid()
    pid = os.fork()
    if pid == 0:  # a web server's worker: the parent's pool thread does not exist here
        code = 1
        try:
            pool = threads.verification_pool()
            code = 0 if pool is not parent_pool and pool.submit(lambda: 7).result(timeout=10) == 7 else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def _orb_pictures() -> list[tuple[np.ndarray, bool]]:
    """(RGB array at the feature side, described as a query): a plain object, a busy photo described as a
    query (1 400 keypoints), a narrow strip, a picture smaller than the split's minimum."""
    def at_feature_side(img: Image.Image) -> np.ndarray:
        img = img.convert("RGB")
        img.thumbnail((640, 640))
        return np.asarray(img)
    return [(at_feature_side(make_object(11)), False), (at_feature_side(Image.fromarray(skdata.astronaut())), True),
            (at_feature_side(Image.fromarray(skdata.coffee()).crop((0, 0, 600, 90))), False),
            (at_feature_side(make_object(12).resize((60, 50))), False)]


def _same_features(a: tuple, b: tuple) -> bool:
    return all(x.dtype == y.dtype and np.array_equal(x, y) for x, y in zip(a, b))


def test_orb_levels_in_two_threads_find_what_one_call_finds() -> None:
    if threads.verification_pool() is None:
        pytest.skip("one core: ORB runs in one call")
    for arr, query in _orb_pictures():
        one = ft.extract_features(arr, query=query)
        assert len(one[0]) > 0
        assert _same_features(ft.start_extracting(arr, query=query)(), one)
    busy = np.asarray(Image.fromarray(skdata.astronaut()).resize((640, 640)))
    assert len(ft.extract_features(busy, query=True)[0]) > ft.MAX_FEATURES  # a busy query keeps 1 400


def test_orb_split_is_done_here_when_the_pool_is_busy_and_never_waits_on_itself() -> None:
    pool = threads.verification_pool()
    if pool is None:
        pytest.skip("one core: ORB runs in one call")
    arr, _ = _orb_pictures()[0]
    one = ft.extract_features(arr)
    release = threading.Event()
    blocker = pool.submit(release.wait, 30)  # the pool's only thread is busy
    try:
        assert _same_features(ft.start_extracting(arr)(), one)  # its share cancelled, done in this thread
    finally:
        release.set()
    blocker.result()
    # inside the pool's own thread, the work is not queued behind itself
    assert _same_features(pool.submit(lambda: ft.start_extracting(arr)()).result(timeout=30), one)


def test_a_variants_colours_are_made_once_whichever_threads_ask() -> None:
    """Ranking starts a query's colours in the pool while this thread verifies, which may ask for them first."""
    made = []

    def slow_colours(backdrop):
        made.append(backdrop)
        threading.Event().wait(0.05)  # long enough for every thread to ask meanwhile
        return np.full(4, 0.25, np.float32)

    variant = compute_query(make_object(7003)).variants[0]
    variant._make_object_colours = slow_colours
    got = []
    askers = [threading.Thread(target=lambda: got.append(variant.object_colours())) for _ in range(4)]
    for t in askers:
        t.start()
    for t in askers:
        t.join()
    assert len(made) == 1 and len(got) == 4
    assert all(g is got[0] for g in got)


@pytest.fixture(scope="module")
def forty() -> Registry:
    """Forty registered objects: enough candidates for the batches whose first matches the pool makes ahead."""
    return Registry({i: make_object(2000 + i) for i in range(40)})


def test_the_batches_matched_ahead_in_the_pool_rank_as_one_thread_does(forty, monkeypatch: pytest.MonkeyPatch) -> None:
    if threads.verification_pool() is None:
        pytest.skip("one core: checks run in one thread")
    taken = []
    real_taken = ranking._MatchedAhead.taken
    monkeypatch.setattr(ranking._MatchedAhead, "taken", lambda self: taken.append(self.first_position) or real_taken(self))

    def checks() -> list:
        out = []
        for img in (make_object(7003), make_object(7004).rotate(20, expand=True)):  # unregistered: no early stop
            q = compute_query(img)
            out.append([(m.record_id, m.score, m.verdict, m.evidence) for m in rank(q, forty.index.search(q, 40), forty.load, top=40)])
        return out

    ahead = checks()
    assert sorted(set(taken)) == [ranking.MATCHED_AHEAD_FROM, ranking.MATCHED_AHEAD_FROM + ranking.BATCH]  # 21, 31
    monkeypatch.setattr(threads, "VERIFY_THREADS", 0)
    taken.clear()
    assert checks() == ahead and not taken  # one thread, nothing made ahead: the same records, scores and evidence
    assert all(len(matches) >= 30 for matches in ahead)


def test_a_batch_matched_ahead_is_matched_again_when_a_variant_was_described_meanwhile(forty) -> None:
    pool = threads.verification_pool()
    if pool is None:
        pytest.skip("one core: checks run in one thread")
    q = compute_query(make_object(7005))
    assert q.variant("mirrored").pending
    batch = forty.index.search(q, 40)[21:31]
    ahead = ranking._MatchedAhead(q, batch, forty.load([c.photo_id for c in batch]), 21, pool)
    q.variant("mirrored").features  # described meanwhile (a flipped copy among the batch before)
    taken = ahead.taken()
    fresh = ranking._matched_batch(q, batch, forty.load([c.photo_id for c in batch]), 21)
    assert taken is not ahead.verifications
    assert [[v.name for v in t.order] for t in taken] == [[v.name for v in f.order] for f in fresh]
    assert [sorted(t.matched) for t in taken] == [sorted(f.matched) for f in fresh]
    for t, f in zip(taken, fresh):
        for name in f.matched:
            np.testing.assert_array_equal(t.matched[name][0], f.matched[name][0])
            np.testing.assert_array_equal(t.matched[name][1], f.matched[name][1])


def test_a_variant_described_ahead_in_the_pool_is_pending_until_asked_and_described_as_ever() -> None:
    if threads.verification_pool() is None:
        pytest.skip("one core: checks run in one thread")
    busy = Image.fromarray(skdata.astronaut()).rotate(8)
    ahead, ordinary = compute_query(busy), compute_query(busy)
    pending = [v.name for v in ahead.variants if v.pending and v.name != MIRRORED]
    assert pending == ["cutout-on-black", "cutout-on-white"]
    for name in pending:
        ahead.variant(name).start_describing()
    threads.verification_pool().submit(lambda: None).result(timeout=30)  # what was queued before it has run
    assert all(ahead.variant(name).pending for name in pending)  # ranking's order cannot depend on the pool
    for name in pending:
        got, want = ahead.variant(name).features, ordinary.variant(name).features
        assert not ahead.variant(name).pending and len(want.descriptors) > 100
        np.testing.assert_array_equal(got.keypoints, want.keypoints)
        np.testing.assert_array_equal(got.descriptors, want.descriptors)
        assert got.code.tobytes() == want.code.tobytes()


def test_an_unregistered_check_describes_its_variants_ahead_and_ranks_as_without(forty, monkeypatch: pytest.MonkeyPatch) -> None:
    if threads.verification_pool() is None:
        pytest.skip("one core: checks run in one thread")
    started = []
    real_start = QueryVariant.start_describing
    monkeypatch.setattr(QueryVariant, "start_describing", lambda self: started.append(self.name) or real_start(self))
    busy = Image.fromarray(skdata.astronaut()).rotate(8)

    def checks() -> list:
        out = []
        for img in (busy, make_object(7006)):  # unregistered: no early stop
            q = compute_query(img)
            out.append([(m.record_id, m.score, m.verdict, m.evidence) for m in rank(q, forty.index.search(q, 40), forty.load, top=40)])
        return out

    ahead = checks()
    # what was still pending once the first candidate had not stopped the check: a cut-out on a studio's backdrop
    # (the busy frame), then the whole frame (the object on a plain background); never the mirrored picture
    assert started[0].startswith("cutout-on-") and started[-1] == "full" and MIRRORED not in started
    monkeypatch.setattr(ranking, "DESCRIBED_BESIDE_FROM", 9999)
    started.clear()
    assert checks() == ahead and not started
