"""Provenance and ownership history: the events by which an object passed from owner to owner (no Flask here).

A record holds a list of events, oldest first as the registrar wrote them. Each event is a plain dict:
``owner``, ``place``, ``date`` (as written: "1932", "c. 1650", "1950-1962", "18th century", "2000–1500 BC",
"1962-05-03"), ``year_from`` and ``year_to`` (read from the date, for LIDO and sorting), ``method`` (how the owner
acquired the object, one of ACQUISITION_METHODS) and ``source`` (the document or reference that proves it).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from registry.messages import N_
from registry.objectid.dates import parse_year_range
from registry.objectid.standard import InvalidRecord

ACQUISITION_METHODS: dict[str, str] = {
    "unknown": "Unknown",
    "purchase": "Purchase",
    "gift": "Gift",
    "bequest": "Bequest",
    "inheritance": "Inheritance",
    "excavation": "Excavation",
    "field collection": "Field collection",
    "confiscation": "Confiscation",
    "exchange": "Exchange",
    "transfer": "Transfer",
    "restitution": "Restitution",
}
EVENT_TEXT_LIMITS: dict[str, int] = {"owner": 300, "place": 300, "date": 200, "source": 2000}
EVENT_KEYS: tuple[str, ...] = ("owner", "place", "date", "year_from", "year_to", "method", "source")
MOST_EVENTS = 100
# An ISO date or month (1962-05-03, 1962-05): only its year counts, or its day and month would be read as years.
_ISO_DAY = re.compile(r"\b(\d{4})-\d{2}(?:-\d{2})?\b")


def event_years(date_text: str) -> tuple[int | None, int | None]:
    """The year range of an event's date as written (None, None when no year can be read)."""
    return parse_year_range(_ISO_DAY.sub(r"\1", date_text or ""))


def is_blank(event: dict[str, Any]) -> bool:
    """An event with nothing written in it (an unused row of a form)."""
    return not any(str(event.get(key) or "").strip() for key in EVENT_TEXT_LIMITS) and event.get("method") in (None, "", "unknown")


def clean_provenance(events: Any) -> list[dict[str, Any]]:
    """Check and tidy a record's provenance: blank events dropped, text stripped, years read from each date.

    :param events: a list of event dicts (see the module docstring); ``year_from``/``year_to`` given are ignored.
    :raises InvalidRecord: naming the event (counting from 1) and what is wrong with it, field ``provenance``.
    """
    if events is None:
        return []
    if not isinstance(events, list) or not all(isinstance(event, dict) for event in events):
        raise InvalidRecord(N_("provenance must be a list of events"), "provenance")
    cleaned = []
    for number, event in enumerate(events, start=1):
        if is_blank(event):
            continue
        cleaned.append(_clean_event(event, number))
    if len(cleaned) > MOST_EVENTS:
        raise InvalidRecord(N_("a provenance holds at most %(limit)s events"), "provenance", limit=MOST_EVENTS)
    return cleaned


def _clean_event(event: dict[str, Any], number: int) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for key, limit in EVENT_TEXT_LIMITS.items():
        value = event.get(key)
        if value is not None and not isinstance(value, str):
            raise InvalidRecord(N_("provenance event %(number)s: %(key)s must be text"), "provenance", number=number, key=key)
        clean[key] = " ".join((value or "").split()) if key != "source" else (value or "").strip()
        if len(clean[key]) > limit:
            raise InvalidRecord(N_("provenance event %(number)s: %(key)s is longer than %(limit)s characters"), "provenance",
                                number=number, key=key, limit=limit)
    method = (event.get("method") or "unknown").strip().lower() if isinstance(event.get("method") or "", str) else None
    if method not in ACQUISITION_METHODS:
        raise InvalidRecord(N_("provenance event %(number)s: unknown way of acquiring '%(method)s': use one of %(allowed)s"),
                            "provenance", number=number, method=event.get("method"), allowed=", ".join(ACQUISITION_METHODS))
    if not (clean["owner"] or clean["date"] or clean["place"]):
        raise InvalidRecord(N_("provenance event %(number)s: say who owned the object, or when or where"), "provenance",
                            number=number)
    clean["method"] = method
    clean["year_from"], clean["year_to"] = _years(clean["date"], number)
    return {key: clean[key] for key in EVENT_KEYS}


def _years(date_text: str, number: int) -> tuple[int | None, int | None]:
    if not date_text:
        return None, None
    year_from, year_to = event_years(date_text)
    if year_from is None:
        raise InvalidRecord(N_("provenance event %(number)s: no year can be read from the date '%(date)s'; write it as "
                               "e.g. 1932, c. 1650, 1950-1962, 18th century or 1962-05-03"), "provenance",
                            number=number, date=date_text)
    if year_from > date.today().year:
        raise InvalidRecord(N_("provenance event %(number)s: the date '%(date)s' is in the future"), "provenance",
                            number=number, date=date_text)
    return year_from, year_to
