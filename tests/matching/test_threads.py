"""Threads: one native thread a check (BLAS and OpenCV pools would only contend), one more thread that
describes a second variant and verifies half of each batch, with the results of a single thread."""
from __future__ import annotations

import os

import cv2
import numpy as np
import pytest
from PIL import Image
from skimage import data as skdata
from threadpoolctl import threadpool_info

import edits
from objects import make_object

from registry.matching import compute_query, rank, threads


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
    assert [len(variants) for variants, _ in two] == [2, 2, 2, 4]  # a group photo: three objects + the frame
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
