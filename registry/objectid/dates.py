"""Reading a year range out of a date or period written as text, for searching by date."""

from __future__ import annotations

import re

_BCE = re.compile(r"\b(?:bce|bc|b\.c\.(?:e\.)?|av\.?\s*j\.?-?c\.?|a\.\s*c\.|a\.?\s*de\s*c\.?)", re.IGNORECASE)
_CENTURY_WORD = re.compile(r"centur|siècle|siecle|siglo", re.IGNORECASE)
_ORDINAL = re.compile(r"(?<!\d)(\d{1,2})(?:st|nd|rd|th|e|ème|er|º|o)?(?!\d)", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(\d{1,4})(?!\d)")


def _century_range(century: int, bce: bool) -> tuple[int, int]:
    if bce:
        return (-century * 100, -(century - 1) * 100 - 1)
    return ((century - 1) * 100 + 1, century * 100)


def parse_year_range(text: str) -> tuple[int | None, int | None]:
    """Return (year_from, year_to) found in a date or period text; BCE years are negative.

    Examples: "c. 1650" -> (1650, 1650); "1500-1600" -> (1500, 1600); "18th century" -> (1701, 1800);
    "2000–1500 BC" -> (-2000, -1500). Returns (None, None) when no date can be read.
    """
    if not text:
        return (None, None)
    bce = bool(_BCE.search(text))
    if _CENTURY_WORD.search(text):
        centuries = [int(n) for n in _ORDINAL.findall(text) if 0 < int(n) <= 21]
        if centuries:
            ranges = [_century_range(century, bce) for century in centuries]
            return (min(r[0] for r in ranges), max(r[1] for r in ranges))
    years = [-int(y) if bce else int(y) for y in _YEAR.findall(text)]
    if not years:
        return (None, None)
    return (min(years), max(years))
