"""The plain-dict record exchanged with other systems: its keys, their types and normalisation."""

from __future__ import annotations

import math
from typing import Any

from registry.exchange.errors import ExchangeError

TEXT_KEYS: tuple[str, ...] = (
    "institution", "object_number", "object_type", "materials", "techniques", "measurements_text",
    "inscriptions", "distinguishing_features", "title", "subject", "date_period", "maker", "maker_qualifier",
    "description", "status", "loss_place", "case_reference", "loss_notes", "place_of_origin",
    "related_written_material", "related_objects",
)
FLOAT_KEYS: tuple[str, ...] = ("height_cm", "width_cm", "depth_cm", "diameter_cm", "weight_kg")
YEAR_KEYS: tuple[str, ...] = ("year_from", "year_to")
DATE_KEYS: tuple[str, ...] = ("loss_date", "documented_on")
PHOTO_KEYS: tuple[str, ...] = ("url", "sha256", "filename", "caption")
# One event of the provenance list (registry/objectid/provenance.py): text keys and the two years read from `date`.
PROVENANCE_TEXT_KEYS: tuple[str, ...] = ("owner", "place", "date", "method", "source")
PROVENANCE_KEYS: tuple[str, ...] = ("owner", "place", "date", "year_from", "year_to", "method", "source")

RECORD_KEYS: tuple[str, ...] = (
    "institution", "object_number", "object_type", "materials", "techniques", "measurements_text",
    "height_cm", "width_cm", "depth_cm", "diameter_cm", "weight_kg", "inscriptions", "distinguishing_features",
    "title", "subject", "date_period", "year_from", "year_to", "maker", "maker_qualifier", "description",
    "status", "loss_date", "loss_place", "case_reference", "loss_notes", "place_of_origin",
    "related_written_material", "related_objects", "documented_on", "red_list_categories", "photos", "provenance",
)


def empty_record() -> dict[str, Any]:
    """A record with every key at its empty value: "" for text, None for numbers and dates, [] for lists."""
    record: dict[str, Any] = {key: "" for key in TEXT_KEYS}
    record.update({key: None for key in (*FLOAT_KEYS, *YEAR_KEYS, *DATE_KEYS)})
    record.update(red_list_categories=[], photos=[], provenance=[])
    return {key: record[key] for key in RECORD_KEYS}


def normalize_record(record: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of `record` with every key present and typed as exchanged (the round-trip form).

    Missing text becomes "", missing numbers and dates None, missing lists []; unknown keys are dropped.

    :param record: a record dict, possibly partial.
    :raises ExchangeError: when a number is not a number, naming the record and the key.
    """
    label = record.get("object_number") or "(no object number)"
    normalized = empty_record()
    for key in TEXT_KEYS:
        normalized[key] = _text(record.get(key))
    for key in FLOAT_KEYS:
        normalized[key] = _float(record.get(key), label, key)
    for key in YEAR_KEYS:
        normalized[key] = _year(record.get(key), label, key)
    for key in DATE_KEYS:
        normalized[key] = _text(record.get(key)) or None
    normalized["red_list_categories"] = [_text(code) for code in record.get("red_list_categories") or []]
    normalized["photos"] = [{key: _text(photo.get(key)) for key in PHOTO_KEYS} for photo in record.get("photos") or []]
    normalized["provenance"] = [normalize_provenance_event(event, label) for event in record.get("provenance") or []]
    return normalized


def normalize_provenance_event(event: dict[str, Any], label: str) -> dict[str, Any]:
    """One provenance event with every key (PROVENANCE_KEYS) as exchanged; an empty method is "unknown".

    :raises ExchangeError: when the event is not an object or a year is not a year, naming the record.
    """
    if not isinstance(event, dict):
        raise ExchangeError(f"record {label}: each provenance event must be an object with {', '.join(PROVENANCE_TEXT_KEYS)}")
    normalized: dict[str, Any] = {key: _text(event.get(key)) for key in PROVENANCE_TEXT_KEYS}
    normalized["method"] = normalized["method"] or "unknown"
    for key in ("year_from", "year_to"):
        normalized[key] = _year(event.get(key), label, f"provenance {key}")
    return {key: normalized[key] for key in PROVENANCE_KEYS}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _float(value: Any, label: str, key: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ExchangeError(f"record {label}: {key} must be a number, not {value!r}") from None
    if not math.isfinite(number):
        raise ExchangeError(f"record {label}: {key} must be a finite number, not {value!r}")
    return number


def _year(value: Any, label: str, key: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and not value.is_integer():
        raise ExchangeError(f"record {label}: {key} must be a whole year, not {value!r}")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ExchangeError(f"record {label}: {key} must be a year (negative for BCE), not {value!r}") from None
