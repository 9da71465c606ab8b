"""Multilingual text helpers: accent folding, light stemming, language guess, concept, date and size extraction."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional, Union

from registry.redlists.model import Period
from registry.redlists.vocabulary import CONCEPTS, PERIODS, PLACES

STOPWORDS = {
    "en": set("a an the of and or with in on from to for by at is are was its it this that as be has have which "
              "very small large some one two three per about into their his her".split()),
    "fr": set("le la les un une des du de et ou avec en sur dans par pour au aux est sont a son sa ses ce cette "
              "qui que se petit petite tres comme".split()),
    "es": set("el la los las un una unos unas de del y o con en sobre por para al es son su sus este esta que se "
              "muy pequeno pequena como lo".split()),
}
ALL_STOPWORDS = set().union(*STOPWORDS.values()) | {"cm", "mm", "ca", "circa", "approx", "environ", "aprox"}


def fold(text: str) -> str:
    """Lower-case and strip accents (é→e, ñ→n, œ→oe)."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def tokens(text: str) -> list[str]:
    """Split folded text into alphanumeric tokens."""
    return re.findall(r"[a-z0-9]+", fold(text))


def stem(token: str) -> str:
    """Fold EN/FR/ES plurals and final -e so that singular and plural forms meet (figurines→figurin)."""
    if len(token) <= 3 or token.isdigit():
        return token
    original = token
    if token.endswith("eaux"):
        return token[:-1]
    if token.endswith("aux"):
        return token[:-3] + "al"
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    if token.endswith("s") and not token.endswith("ss"):
        token = token[:-1]
    if token.endswith("e") and len(token) > 3:
        token = token[:-1]
    return original if token in ALL_STOPWORDS else token


def stems(text: str) -> list[str]:
    """Tokens of the text, stemmed."""
    return [stem(t) for t in tokens(text)]


_SHARED_STOPWORDS = {w for w in ALL_STOPWORDS if sum(w in words for words in STOPWORDS.values()) > 1}


def only_stopword(token: str, lang: str) -> bool:
    """True when a single token is a function word of the language (e.g. 'and', 'de')."""
    return token in STOPWORDS.get(lang, set())


def plausible_languages(text: str) -> set[str]:
    """Languages whose stop-word evidence is best (all three when there is none)."""
    counts = _language_counts(text)
    best = max(counts.values())
    return {lang for lang, count in counts.items() if count == best} if best else set(STOPWORDS)


def _language_counts(text: str) -> dict[str, float]:
    toks, shared = tokens(text), _SHARED_STOPWORDS
    counts = {lang: sum(0.5 if t in shared else 1.0 for t in toks if t in words) for lang, words in STOPWORDS.items()}
    counts["fr"] += len(re.findall(r"\b[dlj][’'][a-zà-ÿ]", text.lower()))
    return counts


def guess_language(text: str) -> str:
    """Guess en, fr or es from stop-word counts (English when unsure)."""
    counts = _language_counts(text)
    best = max(counts, key=lambda k: (counts[k], k == "en"))
    return best if counts[best] > 0 else "en"


# ---------------------------------------------------------------- concepts

@dataclass
class Concept:
    """A vocabulary entry: kind (type, material, technique, place), id, parents and display label."""

    kind: str
    id: str
    parents: list[str] = field(default_factory=list)
    label: str = ""
    distinctive: bool = False


@dataclass
class Vocabulary:
    """Phrase index from stemmed token tuples to concept ids, per language restriction."""

    concepts: dict[str, Concept] = field(default_factory=dict)
    phrases: dict[tuple[str, ...], list[tuple[str, Optional[str]]]] = field(default_factory=dict)
    periods: dict[tuple[str, ...], Period] = field(default_factory=dict)
    max_len: int = 1

    def add_line(self, line: str) -> None:
        """Add one `kind id > parents: term | term@lang` line."""
        head, terms = line.split(":", 1)
        parts = head.split(">")
        kind, cid = parts[0].split()
        distinctive = cid.endswith("*")
        cid = cid.rstrip("*")
        parents = [p.strip() for p in parts[1].split(",")] if len(parts) > 1 else []
        first = terms.split("|")[0].strip().split("@")[0]
        key = f"{kind}:{cid}"
        self.concepts[key] = Concept(kind, key, [f"{kind}:{p}" for p in parents], first, distinctive)
        for term in terms.split("|"):
            term, _, lang = term.strip().partition("@")
            self._add_phrase(term, key, lang or None)

    def _add_phrase(self, term: str, key: str, lang: Optional[str]) -> None:
        phrase = tuple(stems(term))
        if phrase:
            self.phrases.setdefault(phrase, []).append((key, lang))
            self.max_len = max(self.max_len, len(phrase))

    def ancestors(self, key: str) -> set[str]:
        """Return the concept's parents, grandparents and so on."""
        out: set[str] = set()
        todo = list(self.concepts[key].parents) if key in self.concepts else []
        while todo:
            parent = todo.pop()
            if parent not in out and parent in self.concepts:
                out.add(parent)
                todo.extend(self.concepts[parent].parents)
        return out


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """Build (once) the multilingual vocabulary."""
    vocab = Vocabulary()
    for block in (CONCEPTS, PLACES):
        for line in block.strip().splitlines():
            if line.strip():
                vocab.add_line(line.strip())
    for line in PERIODS.strip().splitlines():
        start, end, terms = line.split(None, 2)
        for term in terms.split("|"):
            vocab.periods[tuple(stems(term))] = Period(int(start), int(end))
    return vocab


def find_concepts(text: str, lang: Union[str, set[str], None] = None) -> list[tuple[str, str]]:
    """Return (concept key, matched text) for every phrase, longest match first; lang limits language-tagged terms."""
    vocab = vocabulary()
    langs = {lang} if isinstance(lang, str) else (lang or plausible_languages(text))
    toks, raw = stems(text), tokens(text)
    found, i = [], 0
    while i < len(toks):
        for size in range(min(vocab.max_len, len(toks) - i), 0, -1):
            hits = [k for k, only in vocab.phrases.get(tuple(toks[i:i + size]), []) if only is None or only in langs]
            if size == 1 and any(only_stopword(raw[i], one) for one in langs):
                hits = []
            if hits:
                found += [(k, " ".join(raw[i:i + size])) for k in hits]
                i += size
                break
        else:
            i += 1
    return found


def named_periods(text: str) -> list[tuple[Period, str]]:
    """Return periods named in the text (e.g. 'Old Babylonian', 'Inca', 'victorien')."""
    vocab = vocabulary()
    toks, raw, out, i = stems(text), tokens(text), [], 0
    while i < len(toks):
        for size in (3, 2, 1):
            period = vocab.periods.get(tuple(toks[i:i + size]))
            if period:
                out.append((period, " ".join(raw[i:i + size])))
                i += size
                break
        else:
            i += 1
    return out


# ---------------------------------------------------------------- dates

_BCE = r"(?:b\.?\s?c\.?\s?e?\.?|a\.?\s?e\.?\s?c\.?|a\.?\s?c\.?|av(?:ant)?\.?\s*j\.?\s*-?\s*c\.?|avant notre ere|antes de cristo|before christ|av\.? n\.? e\.?)"
_CE = r"(?:a\.?\s?d\.?|c\.?\s?e\.?|d\.?\s?c\.?|ap(?:res)?\.?\s*j\.?\s*-?\s*c\.?|de notre ere|de nuestra era|despues de cristo)"
_ERA = rf"(?P<era>{_BCE}|{_CE})?"
_SEP = r"\s*(?:-|–|—|to|a|à|al|au|until|and|et|y|/)\s*"
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def _roman(value: str) -> Optional[int]:
    if value.isdigit():
        return int(value)
    if not value or any(ch not in _ROMAN for ch in value):
        return None
    total = 0
    for a, b in zip(value, value[1:] + " "):
        total += -_ROMAN[a] if b in _ROMAN and _ROMAN[b] > _ROMAN[a] else _ROMAN[a]
    return total


def _is_bce(era: Optional[str]) -> bool:
    return bool(era) and re.fullmatch(_BCE, era.strip()) is not None


_ORD = r"(?:st|nd|rd|th|e|er|eme|re|o|a|º)?"
_CENT_WORD = r"(?:century|centuries|siecle|siecles|s\.)"
_CENTURY_RES = [
    re.compile(rf"\b(?P<a>\d{{1,2}}|[ivxl]+){_ORD}(?:{_SEP}(?P<b>\d{{1,2}}|[ivxl]+){_ORD})?\s*{_CENT_WORD}\s*{_ERA}"),
    re.compile(rf"\bsiglos?\s+(?P<a>\d{{1,2}}|[ivxl]+){_ORD}(?:{_SEP}(?P<b>\d{{1,2}}|[ivxl]+){_ORD})?\s*{_ERA}"),
]
_MILL_RES = [
    re.compile(rf"\b(?P<a>\d|[ivx]+){_ORD}(?:{_SEP}(?P<b>\d|[ivx]+){_ORD})?\s*(?:millennium|millennia|millenaire|milenio)\s*{_ERA}"),
    re.compile(rf"\bmilenio\s+(?P<a>\d|[ivx]+){_ORD}\s*{_ERA}"),
]
_RANGE_RE = re.compile(rf"\b(?P<a>\d{{1,5}})\s*{_ERA.replace('era', 'era1')}{_SEP}(?P<b>\d{{1,5}})\s*{_ERA}(?!\s*(?:cm|mm|m\b|g\b|kg))")
_YEAR_RE = re.compile(rf"\b(?P<a>\d{{1,5}})\s*{_ERA}(?!\s*(?:cm|mm|m\b|g\b|kg|%))")
_DECADE_RE = re.compile(r"\b(?:(?P<a>1[5-9]\d0|20[0-2]0)\s?'?s|(?:annees|anos|decada de)\s+(?:19)?(?P<b>[2-9]0))\b")


NOW_YEAR = 2025
_AGE_RE = re.compile(r"\b(?P<n>\d{2,5})\s*(?:years? old|ans d'age|ans|anos de antiguedad|anos)\b")


# Egypt's numbered dynasties (approximate years; 7th-10th and 13th-17th overlap), for "XVIIIe dynastie", "26th Dynasty".
_DYNASTIES = {
    1: (-3100, -2890), 2: (-2890, -2686), 3: (-2686, -2613), 4: (-2613, -2494), 5: (-2494, -2345),
    6: (-2345, -2181), 7: (-2181, -2160), 8: (-2181, -2160), 9: (-2160, -2025), 10: (-2160, -2025),
    11: (-2134, -1991), 12: (-1991, -1803), 13: (-1803, -1649), 14: (-1705, -1690), 15: (-1650, -1550),
    16: (-1650, -1580), 17: (-1580, -1550), 18: (-1550, -1292), 19: (-1292, -1189), 20: (-1189, -1077),
    21: (-1069, -945), 22: (-945, -715), 23: (-837, -728), 24: (-732, -720), 25: (-744, -656),
    26: (-664, -525), 27: (-525, -404), 28: (-404, -398), 29: (-398, -380), 30: (-380, -343), 31: (-343, -332),
}
_DYNASTY_RES = [
    re.compile(rf"\b(?P<a>\d{{1,2}}|[ivxl]+){_ORD}\s*(?:dynasty|dynastie|dinastia)\b"),
    re.compile(r"\b(?:dynasty|dynastie|dinastia)\s+(?P<a>\d{1,2}|[ivxl]+)\b"),
]


def _dynasties(text: str) -> tuple[list[tuple[Period, str]], str]:
    found = []
    for rx in _DYNASTY_RES:
        for m in rx.finditer(text):
            number = _roman(m.group("a"))
            if number in _DYNASTIES:
                found.append((Period(*_DYNASTIES[number]), m.group(0)))
        text = rx.sub(" ", text)
    return found, text


def _century(n: int, bce: bool) -> Period:
    return Period(-n * 100, -(n - 1) * 100 - 1) if bce else Period((n - 1) * 100 + 1, n * 100)


def _millennium(n: int, bce: bool) -> Period:
    return Period(-n * 1000, -(n - 1) * 1000 - 1) if bce else Period((n - 1) * 1000 + 1, n * 1000)


def _spans(text: str, regexes: list, unit) -> tuple[list[tuple[Period, str]], str]:
    found = []
    for rx in regexes:
        for m in rx.finditer(text):
            a, b = _roman(m.group("a")), _roman(m.group("b") or "") if "b" in rx.groupindex else None
            if not a or a > 21 or (b is not None and b > 21):
                continue
            bce = _is_bce(m.group("era"))
            first, last = unit(a, bce), unit(b or a, bce)
            found.append((Period(min(first.year_from, last.year_from), max(first.year_to, last.year_to)), m.group(0)))
        text = rx.sub(" ", text)
    return found, text


def _explicit_years(text: str) -> list[tuple[Period, str]]:
    found = []
    for m in _RANGE_RE.finditer(text):
        a, b = int(m.group("a")), int(m.group("b"))
        era1, era = m.group("era1"), m.group("era")
        if not (era or era1) and not (1000 <= a <= 2100 and 1000 <= b <= 2100):
            continue
        bce2 = _is_bce(era)
        bce1 = _is_bce(era1) if era1 else (bce2 and a >= b)
        ya, yb = (-a if bce1 else a), (-b if bce2 else b)
        found.append((Period(min(ya, yb), max(ya, yb)), m.group(0)))
    text = _RANGE_RE.sub(" ", text)
    for m in _YEAR_RE.finditer(text):
        value, era = int(m.group("a")), m.group("era")
        if era:
            year = -value if _is_bce(era) else value
        elif 1000 <= value <= 2100:
            year = value
        else:
            continue
        found.append((Period(year, year), m.group(0)))
    return found


def parse_period(text: str) -> Optional[tuple[Period, str]]:
    """Find dates in free text (years, ranges, centuries, millennia, decades, named periods) and return their span."""
    if not text:
        return None
    folded = fold(text).replace("’", "'")
    found, rest = _dynasties(folded)
    more, rest = _spans(rest, _MILL_RES, _millennium)
    found += more
    more, rest = _spans(rest, _CENTURY_RES, _century)
    found += more
    for m in _DECADE_RE.finditer(rest):
        start = int(m.group("a")) if m.group("a") else 1900 + int(m.group("b"))
        found.append((Period(start, start + 9), m.group(0)))
    rest = _DECADE_RE.sub(" ", rest)
    for m in _AGE_RE.finditer(rest):
        age = int(m.group("n"))
        found.append((Period(int(NOW_YEAR - age * 1.25), int(NOW_YEAR - age * 0.8)), m.group(0)))
    rest = _AGE_RE.sub(" ", rest)
    found += _explicit_years(rest)
    if not found:
        found = named_periods(text)
    if not found:
        return None
    span = Period(min(p.year_from for p, _ in found), max(p.year_to for p, _ in found))
    return span, ", ".join(s.strip() for _, s in found)


# ---------------------------------------------------------------- measurements

_DIMS = {
    "height": "height h haut hauteur alto altura alt high tall".split(),
    "diameter": "diameter diam diametre diametro d".split(),
    "length": "length long longueur largo longitud l".split(),
    "width": "width w larg largeur ancho anchura wide".split(),
}
_SIZE_RE = re.compile(r"(?P<pre>[a-z]+)?[\s.:=]*(?P<n>\d+(?:[.,]\d+)?)\s*(?P<u>cm|mm|m)\b\s*(?P<post>[a-z]+)?")


def _dim_of(word: Optional[str]) -> Optional[str]:
    return next((d for d, words in _DIMS.items() if word in words), None) if word else None


def parse_measurements(text: str) -> dict[str, float]:
    """Extract sizes in cm from text, e.g. '4 cm high', 'H. 12 cm', 'diamètre 3 cm' → {'height_cm': 4.0, ...}."""
    out: dict[str, float] = {}
    for m in _SIZE_RE.finditer(fold(text)):
        value = float(m.group("n").replace(",", "."))
        value *= {"cm": 1, "mm": 0.1, "m": 100}[m.group("u")]
        dim = _dim_of(m.group("post")) or _dim_of(m.group("pre")) or "size"
        out.setdefault(f"{dim}_cm", value)
    return out
