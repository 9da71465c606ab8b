"""Comparison of catalogue fields (text and measurements) as a secondary signal."""
from __future__ import annotations

import re
from typing import Any

TEXT_FIELDS = ("description", "object_type", "materials")
MEASURE_FIELDS = ("height_cm", "width_cm", "depth_cm", "diameter_cm", "weight_kg")
MEASURE_AGREE_REL = 0.10  # within 10 %: agree (photos of the same object, measured twice)
MEASURE_DISAGREE_REL = 0.25  # beyond 25 %: disagree
TEXT_AGREE_JACCARD = 0.3
_STOP = {"a", "an", "the", "of", "and", "with", "in", "on", "de", "la", "le", "et", "der", "die", "das", "und"}


def tokens(text: str) -> set[str]:
    """Lower-case word tokens of at least 3 letters, minus stop words."""
    return {t for t in re.findall(r"[^\W\d_]{3,}", text.lower()) if t not in _STOP}


def _text_verdict(a: Any, b: Any) -> float | None:
    ta, tb = tokens(str(a or "")), tokens(str(b or ""))
    if not ta or not tb:
        return None
    return len(ta & tb) / len(ta | tb)


def _measure_verdict(a: Any, b: Any) -> float | None:
    try:
        fa, fb = float(a), float(b)
    except (TypeError, ValueError):
        return None
    if fa <= 0 or fb <= 0:
        return None
    return abs(fa - fb) / max(fa, fb)


def compare_fields(query: dict[str, Any] | None, record: dict[str, Any] | None) -> dict[str, Any]:
    """Return {"agree": [...], "disagree": [...], "score": float | None} (score in [0, 1])."""
    agree: list[str] = []
    disagree: list[str] = []
    votes: list[float] = []
    for name in TEXT_FIELDS:
        j = _text_verdict((query or {}).get(name), (record or {}).get(name))
        if j is not None:
            (agree if j >= TEXT_AGREE_JACCARD else disagree).append(name)
            votes.append(min(1.0, j / TEXT_AGREE_JACCARD))
    for name in MEASURE_FIELDS:
        rel = _measure_verdict((query or {}).get(name), (record or {}).get(name))
        if rel is None:
            continue
        if rel <= MEASURE_AGREE_REL:
            agree.append(name)
            votes.append(1.0)
        elif rel > MEASURE_DISAGREE_REL:
            disagree.append(name)
            votes.append(0.0)
        else:
            votes.append(0.5)
    score = sum(votes) / len(votes) if votes else None
    return {"agree": agree, "disagree": disagree, "score": score}
