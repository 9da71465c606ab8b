"""Re-ranking of index candidates by geometric verification, colour and fields."""
from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from . import features as ft
from .fields import compare_fields
from .types import Candidate, QuerySignature, RecordMatch

# Verdict thresholds, calibrated with `python bench/run.py` on the bench corpus (see bench/README.md).
# Run 2 (841 registered / 440 unregistered queries): best wrong record p99 = 16, p99.8 = 18, max = 21
# inliers; unregistered p99 = 18, max = 21; right records median 98. A 320-query sample showed wrong
# records with >= 13 inliers always have an inlier ratio (inliers / ratio-test matches) <= 0.76, while
# small true matches (downscaled photos) have 16/16, 18/21, 19/23. Final-run figures: bench/README.md.
MATCH_MIN_INLIERS = 25  # "match" on inliers alone
MATCH_MIN_INLIERS_CLEAN = 15  # ... or on fewer inliers that are nearly all the putative matches
MATCH_MIN_INLIER_RATIO = 0.8
POSSIBLE_MIN_INLIERS = 15  # between POSSIBLE and MATCH: shown for human review; unregistered queries reach 16 inliers at p95 (bench)
POSSIBLE_MAX_PHASH = 6  # near-duplicate global hash without local agreement (texture-less objects)
STRONG_INLIERS = 60  # once a variant reaches this, other variants are not tried
BATCH = 10  # candidates whose features are loaded and verified at a time
EARLY_STOP_INLIERS = 40  # stop verifying further batches once a photo has this many inliers
RECOMMENDED_K = 60  # search(query, k=RECOMMENDED_K): deeper lists only cost time when nothing verifies
MULTI_PHOTO_BONUS = 0.02  # per extra photo of the record that also verifies, capped below
MULTI_PHOTO_BONUS_CAP = 0.05
FIELDS_WEIGHT = 0.10  # fields are a secondary signal; never enough for "match"
VERIFY_THREADS = 1  # 2 (candidates verified in pairs on 2 threads) was measured: p95 -5..10 %, median +10 %, within noise
_POOL: ThreadPoolExecutor | None = None
_RANDOM_COMBINED = 72.0  # expected combined hash distance between unrelated photos


@dataclass
class _PhotoResult:
    cand: Candidate
    inliers: int
    matches: int
    variant: str
    colour: float
    image_score: float


def _geo_score(inliers: int) -> float:
    return 1.0 - math.exp(-max(0, inliers - 5) / 15.0)


def _image_score(inliers: int, combined: float, colour: float) -> float:
    hash_sim = max(0.0, 1.0 - combined / _RANDOM_COMBINED)
    return 0.8 * _geo_score(inliers) + 0.15 * hash_sim + 0.05 * colour


class _Prepared:
    """RootSIFT of each query variant, computed on first use (lazy variants extract SIFT then)."""

    def __init__(self, query: QuerySignature) -> None:
        self.variants = query.variants
        self._desc: dict[int, np.ndarray] = {}

    def ready(self, i: int) -> bool:
        return i in self._desc or not getattr(self.variants[i], "pending", False)

    def get(self, i: int) -> tuple[str, np.ndarray, np.ndarray, np.ndarray]:
        v = self.variants[i]
        if i not in self._desc:
            self._desc[i] = ft.root_sift(v.descriptors)
        return v.name, v.keypoints, self._desc[i], v.colour_hist


class _Verification:
    """Best verification of one candidate photo over the query variants tried so far."""

    def __init__(self, cand: Candidate, feats: dict[str, np.ndarray], prepared: _Prepared) -> None:
        self.cand, self.feats = cand, feats
        self.t_kp, self.t_desc = feats["kp"], ft.root_sift(feats["desc"])
        first = prepared.variants[0]
        self.best = (0, 0, first.name, first.colour_hist)  # (inliers, matches, name, colour)
        self.tried: set[int] = set()

    def run(self, prepared: _Prepared, i: int) -> None:
        if i in self.tried or self.best[0] >= STRONG_INLIERS:
            return
        self.tried.add(i)
        name, kp, desc, colour = prepared.get(i)
        inl, nm = ft.verify(kp, desc, self.t_kp, self.t_desc)
        if inl > self.best[0]:
            self.best = (inl, nm, name, colour)

    def result(self) -> _PhotoResult:
        inl, nm, name, colour = self.best
        col = ft.colour_similarity(colour, self.feats["colour"].astype(np.float32))
        score = _image_score(inl, float(self.cand.distances.get("combined", _RANDOM_COMBINED)), col)
        return _PhotoResult(self.cand, inl, nm, name, col, score)


def _verdict(best: _PhotoResult) -> str:
    clean = best.inliers >= MATCH_MIN_INLIERS_CLEAN and best.inliers >= MATCH_MIN_INLIER_RATIO * best.matches
    if best.inliers >= MATCH_MIN_INLIERS or clean:
        return "match"
    if best.inliers >= POSSIBLE_MIN_INLIERS or int(best.cand.distances.get("phash", 64)) <= POSSIBLE_MAX_PHASH:
        return "possible"
    return "no_match"


def _group(results: list[_PhotoResult]) -> dict[int, list[_PhotoResult]]:
    groups: dict[int, list[_PhotoResult]] = {}
    for r in results:
        groups.setdefault(r.cand.record_id, []).append(r)
    for rs in groups.values():
        rs.sort(key=lambda r: (-r.image_score, r.cand.photo_id))
    return groups


def _record_match(record_id: int, photos: list[_PhotoResult], fields: dict[str, Any] | None) -> RecordMatch:
    best = photos[0]
    extra = sum(1 for r in photos[1:] if r.inliers >= POSSIBLE_MIN_INLIERS)
    score = best.image_score + min(MULTI_PHOTO_BONUS_CAP, MULTI_PHOTO_BONUS * extra)
    cmp = compare_fields(None, None) if fields is None else fields
    if cmp["score"] is not None:
        score = (1 - FIELDS_WEIGHT) * score + FIELDS_WEIGHT * cmp["score"]
    evidence = {
        "query_variant": best.variant,
        "record_photo_id": int(best.cand.photo_id),
        "hash_distances": _plain(best.cand.distances),
        "inliers": int(best.inliers),
        "ratio_matches": int(best.matches),
        "colour_similarity": round(float(best.colour), 4),
        "matching_photos": 1 + extra if best.inliers >= POSSIBLE_MIN_INLIERS else 0,
        "fields": {"agree": list(cmp["agree"]), "disagree": list(cmp["disagree"])},
    }
    return RecordMatch(record_id=int(record_id), score=round(float(min(1.0, max(0.0, score))), 4),
                       verdict=_verdict(best), evidence=evidence)


def _plain(d: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.item() if isinstance(v, np.generic) else v) for k, v in d.items()}


def _pool() -> ThreadPoolExecutor:
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=VERIFY_THREADS, thread_name_prefix="verify")
    return _POOL


def _reset_pool() -> None:
    global _POOL
    _POOL = None  # threads do not survive fork(): a forked worker builds its own pool


os.register_at_fork(after_in_child=_reset_pool)


def _in_order(items: list, fn: Callable) -> tuple[list, bool]:
    """Apply ``fn`` to ``items`` VERIFY_THREADS at a time, in order, until one result reaches
    EARLY_STOP_INLIERS; returns (results so far, stopped). OpenCV releases the GIL."""
    out: list = []
    for s in range(0, len(items), VERIFY_THREADS):
        group = items[s:s + VERIFY_THREADS]
        res = [fn(group[0])] if len(group) == 1 or VERIFY_THREADS == 1 else list(_pool().map(fn, group))
        out += res
        if any(v.best[0] >= EARLY_STOP_INLIERS for v in res):
            return out, True
    return out, False


def _verify_batches(query: QuerySignature, candidates: list[Candidate],
                    load_features: Callable[[list[int]], dict[int, bytes]]) -> list[_PhotoResult]:
    """Verify candidates in hash order, batch by batch, stopping once one is clearly verified.

    Within a batch, variants whose SIFT is already extracted are tried first, candidate by candidate
    (VERIFY_THREADS at a time), and verification stops at the first photo with EARLY_STOP_INLIERS
    inliers (wrong records never exceeded 22). A variant extracted lazily is only extracted and
    tried when the ready ones verified nothing in the batch.
    """
    prepared = _Prepared(query)
    n_var = len(query.variants)
    ready = [i for i in range(n_var) if prepared.ready(i)]
    for i in ready:
        prepared.get(i)  # RootSIFT once, in this thread

    def first_pass(c: Candidate) -> _Verification:
        v = _Verification(c, ft.unpack_features(blobs[c.photo_id]), prepared)
        for i in ready:
            v.run(prepared, i)
        return v

    def second_pass(v: _Verification) -> _Verification:
        for i in range(n_var):
            v.run(prepared, i)
        return v

    results: list[_PhotoResult] = []
    for start in range(0, len(candidates), BATCH):
        batch = candidates[start:start + BATCH]
        blobs = load_features([c.photo_id for c in batch])
        done, stop = _in_order([c for c in batch if c.photo_id in blobs], first_pass)
        if not stop and len(ready) < n_var:
            for i in range(n_var):
                prepared.get(i)  # lazy SIFT extraction, once, in this thread
            ready = list(range(n_var))
            stop = _in_order(done, second_pass)[1]
        results += [v.result() for v in done]
        if stop:
            break
    return results


def rank(query: QuerySignature, candidates: list[Candidate], load_features: Callable[[list[int]], dict[int, bytes]],
         query_fields: dict | None = None, record_fields: Callable[[list[int]], dict[int, dict]] | None = None,
         top: int = 5) -> list[RecordMatch]:
    """Verify candidates geometrically, group them by record and return the best ``top`` records."""
    if not candidates:
        return []
    results = _verify_batches(query, candidates, load_features)
    groups = _group(results)
    rec_fields = record_fields(list(groups)) if (record_fields is not None and query_fields) else {}
    matches = [_record_match(rid, photos, compare_fields(query_fields, rec_fields[rid]) if rid in rec_fields else None)
               for rid, photos in groups.items()]
    matches.sort(key=lambda m: (-m.score, m.record_id))
    return matches[:top]
