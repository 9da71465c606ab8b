"""Rank Red List categories against a query or an Object ID description (multilingual, facet-based)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Optional, Union

from registry.redlists.model import Category, Period
from registry.redlists import text as tx

WEIGHTS = {"object_type": 3.0, "material": 2.0, "period": 2.0, "region": 2.0, "technique": 0.5,
           "measurement": 0.5, "text": 1.5}
FULL_EVIDENCE = 6.0          # evidence weight at which a fit is fully trusted
PENALTY = {"region": 0.5, "period": 0.4, "object_type": 0.6, "material": 0.6}
NO_TYPE_FACTOR = 0.75       # nothing said about what the object is: trust the fit less
# Kinds of evidence that count as independent; a fit resting on fewer than two of them, or only on everyday ones
# (a painting in oil), is scaled down so that it can never reach MAY_FALL_INTO.
EVIDENCE_KINDS = ("object_type", "material", "period", "region", "technique")
WEAK_EVIDENCE_FACTOR = 0.4
ANCIENT_BEFORE = 1500        # an agreeing date before this year points to archaeology, which the Red Lists cover
# "May fall into" threshold, calibrated on the tune half of bench/redlists (≤ 5 % of its negatives above it);
# `python bench/redlists/run.py --calibrate` prints the value the corpus supports.
MAY_FALL_INTO = 0.45
DEFAULT_MIN_SCORE = MAY_FALL_INTO
TEXT_SATURATION = 7.0        # summed IDF of shared words that counts as a full text match
NOW = 2025
BROAD_PLACES = frozenset({"place:africa", "place:americas", "place:europe"})


@dataclass
class Query:
    """What is known about an object: any field may be empty."""

    text: str = ""
    object_types: list[str] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    techniques: list[str] = field(default_factory=list)
    region: str = ""
    year_from: Optional[int] = None
    year_to: Optional[int] = None
    measurements: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict) -> "Query":
        """Build a query from a dict; accepts object_type/object_types, country/region/place, materials as text."""
        def as_list(*keys: str) -> list[str]:
            out: list[str] = []
            for key in keys:
                value = data.get(key)
                if isinstance(value, str):
                    out += [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]
                elif isinstance(value, (list, tuple)):
                    out += [str(v) for v in value if v]
            return out
        sizes = {k: float(v) for k, v in data.get("measurements", {}).items()} if data.get("measurements") else {}
        sizes.update({k: float(v) for k, v in data.items() if k.endswith(("_cm", "_mm")) and _number(v)})
        region = " ".join(as_list("region", "country", "place", "origin", "region_of_origin", "country_of_origin"))
        return cls(text=data.get("text", "") or "", object_types=as_list("object_type", "object_types"),
                   materials=as_list("materials", "material"), techniques=as_list("techniques", "technique"),
                   region=region, year_from=data.get("year_from"), year_to=data.get("year_to"), measurements=sizes)


@dataclass
class CategoryFit:
    """How well one category fits a query: score in [0, 1], reasons and disagreements."""

    category: Category
    score: float
    reasons: list[str] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    strong: bool = False

    @property
    def may_fall_into(self) -> bool:
        """True when the fit is high enough, on enough independent evidence, to warn about the category."""
        return self.strong and self.score >= MAY_FALL_INTO

    @property
    def code(self) -> str:
        """The category code."""
        return self.category.code


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _year_label(year: int) -> str:
    return f"{-year} BCE" if year < 0 else f"{year} CE"


def _period_label(p: Period) -> str:
    if p.year_from == p.year_to:
        return _year_label(p.year_from)
    if p.year_from < 0 and p.year_to < 0:
        return f"{-p.year_from}–{-p.year_to} BCE"
    if p.year_from > 0:
        return f"{p.year_from}–{p.year_to} CE"
    return f"{_year_label(p.year_from)}–{_year_label(p.year_to)}"


# ---------------------------------------------------------------- query analysis

@dataclass
class _Facts:
    """Concepts extracted from a query: per kind, concept key -> the words that named it."""

    explicit: dict[str, dict[str, str]] = field(default_factory=dict)
    unknown: dict[str, list[str]] = field(default_factory=dict)
    period: Optional[Period] = None
    period_text: str = ""
    sizes: dict[str, float] = field(default_factory=dict)
    words: set[str] = field(default_factory=set)


_KINDS = {"object_type": "type", "material": "material", "technique": "technique", "region": "place"}


def _collect(facts: _Facts, facet: str, values: Iterable[str], lang: set[str], explicit: bool) -> None:
    kind = _KINDS[facet]
    for value in values:
        hits = [(k, w) for k, w in tx.find_concepts(value, lang) if k.startswith(kind + ":")]
        for key, words in hits:
            facts.explicit.setdefault(facet, {}).setdefault(key, words)
        if explicit and not hits:
            facts.unknown.setdefault(facet, []).append(value)


def analyse(query: Query) -> _Facts:
    """Extract concepts, period, sizes and content words from a query."""
    facts = _Facts()
    lang = tx.plausible_languages(" ".join([query.text, *query.object_types, *query.materials]))
    _collect(facts, "object_type", query.object_types, lang, True)
    _collect(facts, "material", query.materials, lang, True)
    _collect(facts, "technique", query.techniques, lang, False)
    _collect(facts, "region", [query.region] if query.region else [], lang, True)
    for facet in _KINDS:
        if facet not in facts.explicit and facet not in facts.unknown and query.text:
            _collect(facts, facet, [query.text], lang, False)
    if query.year_from is not None or query.year_to is not None:
        start = query.year_from if query.year_from is not None else query.year_to
        end = query.year_to if query.year_to is not None else query.year_from
        facts.period, facts.period_text = Period(min(start, end), max(start, end)), ""
    elif query.text:
        found = tx.parse_period(query.text)
        if found:
            facts.period, facts.period_text = found
    facts.sizes = dict(query.measurements) or tx.parse_measurements(query.text)
    facts.words = {w for w in tx.stems(query.text) if w not in tx.ALL_STOPWORDS and not w.isdigit() and len(w) > 2}
    return facts


# ---------------------------------------------------------------- category side

@lru_cache(maxsize=4096)
def _facet_concepts(kind: str, values: tuple[str, ...]) -> frozenset[str]:
    return frozenset(k for v in values for k, _ in tx.find_concepts(v, "en") if k.startswith(kind + ":"))


def _category_concepts(cat: Category, facet: str) -> frozenset[str]:
    values = {"object_type": cat.object_types, "material": cat.materials, "technique": cat.techniques,
              "region": cat.regions}[facet]
    return _facet_concepts(_KINDS[facet], tuple(values))


def _category_words(cat: Category) -> frozenset[str]:
    return _content_words(" ".join([*cat.names.values(), *cat.descriptions.values(), *cat.object_types,
                                    *cat.materials, *cat.techniques, *cat.regions]))


@lru_cache(maxsize=4096)
def _content_words(blob: str) -> frozenset[str]:
    return frozenset(w for w in tx.stems(blob) if w not in tx.ALL_STOPWORDS and not w.isdigit() and len(w) > 2)


class _Index:
    """Per-call cache of category words and IDF."""

    def __init__(self, categories: list[Category]) -> None:
        self.words = {id(c): _category_words(c) for c in categories}
        counts: dict[str, int] = {}
        for words in self.words.values():
            for w in words:
                counts[w] = counts.get(w, 0) + 1
        n = max(1, len(categories))
        self.idf = {w: math.log(1 + n / c) for w, c in counts.items()}


# ---------------------------------------------------------------- facet scores

def _concept_fit(query: dict[str, str], cat: frozenset[str]) -> tuple[float, str, str]:
    """Best agreement between query concepts and category concepts, using the broader/narrower hierarchy.

    :return: (score, the query's words that agreed, the query concept key that agreed)
    """
    vocab = tx.vocabulary()
    cat_up = {a for c in cat for a in vocab.ancestors(c)}
    best, label, best_key = 0.0, "", ""
    broader = {a for key in query for a in vocab.ancestors(key)}
    for key, words in query.items():
        if key in broader:
            continue
        up = vocab.ancestors(key)
        if key in cat:
            score = 1.0
        elif up & cat:
            score = 0.85
        elif key in cat_up:
            # "European" says little about a Ukrainian category; "Mesopotamian" says much about an Iraqi one.
            score = 0.4 if key in BROAD_PLACES else 0.7
        elif up & cat_up - BROAD_PLACES:
            score = 0.35
        else:
            score = 0.0
        if score > best:
            best, label, best_key = score, words, key
    return best, label, best_key


def _labels(cat_values: list[str]) -> str:
    return ", ".join(cat_values[:4])


def _score_concepts(facet: str, facts: _Facts, cat: Category, out: "_Scores") -> None:
    values = {"object_type": cat.object_types, "material": cat.materials, "technique": cat.techniques,
              "region": cat.regions}[facet]
    found, unknown = facts.explicit.get(facet, {}), facts.unknown.get(facet, [])
    if not values or not (found or unknown):
        return
    score, words, key = _concept_fit(found, _category_concepts(cat, facet)) if found else (0.0, "", "")
    if facet == "material" and len(found) > 1 and score > 0:
        shares = [_concept_fit({k: w}, _category_concepts(cat, facet))[0] for k, w in found.items()]
        score = 0.6 * score + 0.4 * sum(shares) / len(shares)
    name = facet.replace("_", " ")
    if score >= 0.5:
        concept = tx.vocabulary().concepts.get(key)
        distinctive = (facet == "region" and score >= 0.85) or bool(concept and concept.distinctive)
        if facet != "technique" or distinctive:
            out.evidence(facet, words, distinctive)
        out.add(facet, score, f"{name}: {words}")
    else:
        asked = ", ".join([*found.values(), *unknown])
        out.add(facet, score, disagreement=f"{name}: {asked} (category: {_labels(values)})")


def _score_period(facts: _Facts, cat: Category, out: "_Scores") -> None:
    if not facts.period or not cat.period:
        return
    q, c = facts.period, cat.period
    overlap = q.overlap(c)
    if overlap:
        shared = Period(max(q.year_from, c.year_from), min(q.year_to, c.year_to))
        score = 1.0 if overlap >= 0.5 * min(q.year_to - q.year_from + 1, c.year_to - c.year_from + 1) else 0.85
        out.add("period", score, f"period overlaps {_period_label(shared)}")
        out.evidence("period", facts.period_text or _period_label(q), shared.year_to < ANCIENT_BEFORE)
        return
    boundary = c.year_to if q.year_from > c.year_to else c.year_from
    tolerance = max(25.0, 0.1 * (NOW - boundary))
    score = max(0.0, 1.0 - q.gap(c) / tolerance)
    side = "after" if q.year_from > c.year_to else "before"
    message = f"period {_period_label(q)} is {q.gap(c)} years {side} {_period_label(c)}"
    if score >= 0.5:
        out.add("period", score, f"period close: {message}")
        out.evidence("period", facts.period_text or _period_label(q), c.year_to < ANCIENT_BEFORE)
    else:
        out.add("period", score, disagreement=message)


def _score_sizes(facts: _Facts, cat: Category, out: "_Scores") -> None:
    scores, notes = [], []
    for name, value in facts.sizes.items():
        targets = cat.measurements if name == "size_cm" else [m for m in cat.measurements if m.name == name]
        for m in targets[:1] if name != "size_cm" else targets:
            low, high = m.min or 0.0, m.max or float("inf")
            ratio = 1.0 if low <= value <= high else (value / low if value < low else high / value)
            scores.append(ratio)
            notes.append(f"{m.name.replace('_cm', '')} {value:g} cm vs {low:g}–{high:g} cm")
    if not scores:
        return
    best = max(range(len(scores)), key=scores.__getitem__)
    if scores[best] >= 0.5:
        out.add("measurement", scores[best], f"size: {notes[best]}")
    else:
        out.add("measurement", scores[best], disagreement=f"size: {notes[best]}")


def _score_text(facts: _Facts, cat: Category, index: _Index, out: "_Scores") -> None:
    if not facts.words:
        return
    shared = facts.words & index.words[id(cat)]
    weight = sum(index.idf[w] for w in shared)
    score = min(1.0, weight / TEXT_SATURATION)
    if shared:
        top = sorted(shared, key=lambda w: -index.idf[w])[:3]
        out.add("text", score, "text: " + ", ".join(f"'{w}'" for w in top))
    else:
        out.add("text", 0.0)


class _Scores:
    """Accumulates weighted facet agreements, reasons and disagreements."""

    def __init__(self) -> None:
        self.parts: dict[str, float] = {}
        self.reasons: list[str] = []
        self.disagreements: list[str] = []
        self.kinds: dict[str, str] = {}
        self.distinctive = False

    def evidence(self, facet: str, words: str, distinctive: bool) -> None:
        """Record an agreeing kind of evidence, the words that gave it, and whether it narrows to a culture."""
        self.kinds[facet] = words
        self.distinctive = self.distinctive or distinctive

    def strong_enough(self) -> bool:
        """Two kinds of evidence from different words, one of them more than an everyday type or material."""
        return len(set(self.kinds.values())) >= 2 and self.distinctive

    def add(self, facet: str, score: float, reason: str = "", disagreement: str = "") -> None:
        self.parts[facet] = score
        if reason:
            self.reasons.append(reason)
        if disagreement:
            self.disagreements.append(disagreement)

    def total(self) -> float:
        weight = sum(WEIGHTS[f] for f in self.parts)
        if not weight:
            return 0.0
        raw = sum(WEIGHTS[f] * s for f, s in self.parts.items()) / weight
        evidence = min(1.0, weight / FULL_EVIDENCE)
        if "object_type" not in self.parts:
            raw *= NO_TYPE_FACTOR
        for facet, factor in PENALTY.items():
            if facet in self.parts and self.parts[facet] < 0.3:
                raw *= factor
        if not self.strong_enough():
            raw *= WEAK_EVIDENCE_FACTOR
        return round(max(0.0, min(1.0, raw * evidence)), 4)


def _fit(cat: Category, facts: _Facts, index: _Index) -> CategoryFit:
    scores = _Scores()
    for facet in ("object_type", "material", "technique", "region"):
        _score_concepts(facet, facts, cat, scores)
    _score_period(facts, cat, scores)
    _score_sizes(facts, cat, scores)
    _score_text(facts, cat, index, scores)
    kinds = [k.replace("object_type", "type") for k in EVIDENCE_KINDS if k in scores.kinds]
    return CategoryFit(cat, scores.total(), scores.reasons, scores.disagreements, kinds, scores.strong_enough())


# ---------------------------------------------------------------- public API

def look_up(categories: Iterable[Category], query: Union[Query, dict]) -> list[CategoryFit]:
    """Rank categories by how well their facets fit the query; returns fits with score > 0, best first."""
    cats = list(categories)
    query = Query.from_dict(query) if isinstance(query, dict) else query
    facts, index = analyse(query), _Index(cats)
    fits = [_fit(c, facts, index) for c in cats]
    return sorted((f for f in fits if f.score > 0), key=lambda f: (-f.score, f.category.code))


def description_to_query(description: dict) -> Query:
    """Turn an Object ID description (object_type, materials, title, subject, description, ...) into a Query."""
    parts = [description.get(k) for k in ("title", "subject", "description", "inscriptions", "markings",
                                          "distinguishing_features", "date_period", "text")]
    query = Query.from_dict(description)
    query.text = " ".join(str(p) for p in parts if p)
    dated = tx.parse_period(str(description.get("date_period") or ""))
    if dated and query.year_from is None and query.year_to is None:
        query.year_from, query.year_to = dated[0].year_from, dated[0].year_to
    return query


def suggest(categories: Iterable[Category], description: dict, limit: int = 5,
            min_score: float = DEFAULT_MIN_SCORE) -> list[CategoryFit]:
    """Suggest Red List categories for an Object ID description; objects that fit nothing get an empty list."""
    fits = look_up(categories, description_to_query(description))
    return [f for f in fits if f.strong and f.score >= min_score][:limit]
