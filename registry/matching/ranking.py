"""Re-ranking of index candidates by geometric verification, colour and fields."""
from __future__ import annotations

import math
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
POSSIBLE_MIN_INLIERS = 10  # between POSSIBLE and MATCH: shown for human review
POSSIBLE_MAX_PHASH = 6  # near-duplicate global hash without local agreement (texture-less objects)
STRONG_INLIERS = 60  # once a variant reaches this, other variants are not tried
BATCH = 10  # candidates whose features are loaded and verified at a time
EARLY_STOP_INLIERS = 40  # stop verifying further batches once a photo has this many inliers
RECOMMENDED_K = 60  # search(query, k=RECOMMENDED_K): deeper lists only cost time when nothing verifies
MULTI_PHOTO_BONUS = 0.02  # per extra photo of the record that also verifies, capped below
MULTI_PHOTO_BONUS_CAP = 0.05
FIELDS_WEIGHT = 0.10  # fields are a secondary signal; never enough for "match"
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


def _prepared_query(query: QuerySignature) -> list[tuple[str, np.ndarray, np.ndarray, np.ndarray]]:
    return [(v.name, v.keypoints, ft.root_sift(v.descriptors), v.colour_hist) for v in query.variants]


def _verify_photo(cand: Candidate, blob: bytes, prepared: list) -> _PhotoResult:
    feats = ft.unpack_features(blob)
    t_kp, t_desc = feats["kp"], ft.root_sift(feats["desc"])
    best = (0, 0, prepared[0][0], prepared[0][3])
    for name, kp, desc, colour in prepared:
        inl, nm = ft.verify(kp, desc, t_kp, t_desc)
        if inl > best[0]:
            best = (inl, nm, name, colour)
        if best[0] >= STRONG_INLIERS:
            break
    col = ft.colour_similarity(best[3], feats["colour"].astype(np.float32))
    score = _image_score(best[0], float(cand.distances.get("combined", _RANDOM_COMBINED)), col)
    return _PhotoResult(cand, best[0], best[1], best[2], col, score)


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


def _verify_batches(query: QuerySignature, candidates: list[Candidate],
                    load_features: Callable[[list[int]], dict[int, bytes]]) -> list[_PhotoResult]:
    """Verify candidates in hash order, batch by batch, stopping once one is clearly verified."""
    prepared = _prepared_query(query)
    results: list[_PhotoResult] = []
    for start in range(0, len(candidates), BATCH):
        batch = candidates[start:start + BATCH]
        blobs = load_features([c.photo_id for c in batch])
        results += [_verify_photo(c, blobs[c.photo_id], prepared) for c in batch if c.photo_id in blobs]
        if max(r.inliers for r in results) >= EARLY_STOP_INLIERS:
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
