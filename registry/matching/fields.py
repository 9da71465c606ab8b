"""Comparison of catalogue fields (text and measurements) as a secondary signal.

Text is compared in words and in concepts: a French or Spanish description of a bronze statuette names
the same concepts (``type:figurine``, ``material:bronze``) as the English record of it, through the Red
Lists' multilingual vocabulary (:mod:`registry.redlists.text`).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from registry.redlists.text import ALL_STOPWORDS, find_concepts, fold, stems, vocabulary

TEXT_FIELDS = ("description", "object_type", "materials")
MEASURE_FIELDS = ("height_cm", "width_cm", "depth_cm", "diameter_cm", "weight_kg")
MEASURE_AGREE_REL = 0.10  # within 10 %: agree (photos of the same object, measured twice)
MEASURE_DISAGREE_REL = 0.25  # beyond 25 %: disagree
TEXT_AGREE_SHARE = 0.5  # share of the query's words (or concepts) the record's text holds for "agree"
DESCRIPTION_MIN_WORDS = 3  # a description sharing nothing says "disagree" from this many words (fewer: see _text_verdict)
_STOPWORDS = ALL_STOPWORDS | {"der", "die", "das", "und"}
_ARABIC_ARTICLE = "ال"


@lru_cache(maxsize=4096)  # a record's text is compared again at every check that finds it
def tokens(text: str) -> frozenset[str]:
    """Words of at least 3 letters, stemmed (EN/FR/ES plurals and accents folded; Arabic words without their
    short vowels and article), minus function words."""
    latin = {t for t in stems(text) if len(t) >= 3 and not t.isdigit() and t not in _STOPWORDS}
    return frozenset(latin | _other_script_words(text))


def _other_script_words(text: str) -> set[str]:
    """Words the Latin stemmer drops (Arabic script), without diacritics and the article."""
    return {w.removeprefix(_ARABIC_ARTICLE) if len(w) > 4 else w
            for w in re.findall(r"[^\W\d_]{3,}", fold(text)) if not w.isascii()}


@lru_cache(maxsize=4096)
def concepts(text: str) -> frozenset[str]:
    """Vocabulary concepts the text names: object types, materials, techniques, places."""
    return frozenset(key for key, _ in find_concepts(text))


def _concepts_shared(query: frozenset[str], record: frozenset[str]) -> float:
    """Share of the query's concepts the record names too, itself, more precisely ("vessel": an amphora) or
    more broadly ("amphora": a vessel); a sibling is no agreement ("silver": gold, both metals)."""
    vocab = vocabulary()
    under = record.union(*(vocab.ancestors(key) for key in record))
    return sum(1 for key in query if key in under or vocab.ancestors(key) & record) / len(query)


def _text_agreement(query: Any, record: Any) -> float | None:
    """Share in [0, 1] of what the query's text names that the record's text also names (in concepts or in
    words, the larger); None when either says nothing comparable."""
    q_text, r_text = str(query or ""), str(record or "")
    q_concepts, r_concepts = concepts(q_text), concepts(r_text)
    q_words, r_words = tokens(q_text), tokens(r_text)
    words = _share(q_words, r_words) if q_words and r_words else None
    if q_concepts and r_concepts:
        return max(_concepts_shared(q_concepts, r_concepts), words or 0.0)
    return words


def _share(query: frozenset[str], record: frozenset[str]) -> float:
    return len(query & record) / len(query)


def _text_verdict(name: str, query: Any, record: Any) -> tuple[str | None, float] | None:
    """("agree" | "disagree" | None, vote) for one text field, or None when it cannot be compared.
    A free description sharing nothing with the record disagrees when it is not a mere few words, or when
    both name concepts ("a bronze statuette": a manuscript leaf); a few other words are no evidence."""
    share = _text_agreement(query, record)
    if share is None:
        return None
    if share >= TEXT_AGREE_SHARE:
        return "agree", 1.0
    if share > 0:
        return None, share / TEXT_AGREE_SHARE
    q_text, r_text = str(query), str(record)
    if name != "description" or len(tokens(q_text)) >= DESCRIPTION_MIN_WORDS or (concepts(q_text) and concepts(r_text)):
        return "disagree", 0.0
    return None  # a few words in other words than the record's: no evidence either way


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
        got = _text_verdict(name, (query or {}).get(name), (record or {}).get(name))
        if got is None:
            continue
        verdict, vote = got
        if verdict:
            (agree if verdict == "agree" else disagree).append(name)
        votes.append(vote)
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
