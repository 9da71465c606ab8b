"""CSV exchange: the foundation's import columns plus the registry's extra ones, to and from record dicts."""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any

from registry.exchange.errors import CsvError, ExchangeError
from registry.exchange.record import (
    DATE_KEYS, FLOAT_KEYS, TEXT_KEYS, YEAR_KEYS, empty_record, normalize_provenance_event, normalize_record,
)
from registry.exchange.spreadsheet import restore_formula, write_csv

FOUNDATION_COLUMNS: tuple[str, ...] = (
    "object_number", "object_type", "materials", "techniques", "measurements", "inscriptions",
    "distinguishing_features", "title", "subject", "date_period", "maker", "description", "status", "photos",
)
EXTRA_COLUMNS: tuple[str, ...] = (
    "institution", "maker_qualifier", "year_from", "year_to", "height_cm", "width_cm", "depth_cm", "diameter_cm",
    "weight_kg", "loss_date", "loss_place", "case_reference", "loss_notes", "place_of_origin",
    "related_written_material", "related_objects", "documented_on", "red_list_categories", "provenance",
)
CSV_COLUMNS: tuple[str, ...] = FOUNDATION_COLUMNS + EXTRA_COLUMNS
REQUIRED_COLUMNS: tuple[str, ...] = ("object_number", "object_type")
LIST_SEPARATOR = ";"

_COLUMN_TO_KEY = {"measurements": "measurements_text"}


def records_to_csv(records: list[dict[str, Any]]) -> str:
    """Write records as CSV text with a header row of CSV_COLUMNS.

    The measurements column holds measurements_text; photos holds the photo file names and
    red_list_categories the category codes, each separated by ';'. Text cells a spreadsheet would
    run as a formula are prefixed with an apostrophe (registry.exchange.spreadsheet; csv_to_records removes it).

    :raises CsvError: when a number or year in a record is not one, naming the record.
    """
    rows = []
    for record in records:
        try:
            rows.append(_row(normalize_record(record)))
        except ExchangeError as error:
            raise CsvError(str(error)) from None
    return write_csv(CSV_COLUMNS, rows)


def _row(record: dict[str, Any]) -> dict[str, str]:
    row = {column: record[_COLUMN_TO_KEY.get(column, column)] for column in CSV_COLUMNS
           if _COLUMN_TO_KEY.get(column, column) in TEXT_KEYS}
    row.update({key: "" if record[key] is None else repr(record[key]) for key in FLOAT_KEYS})
    row.update({key: "" if record[key] is None else str(record[key]) for key in YEAR_KEYS})
    row.update({key: record[key] or "" for key in DATE_KEYS})
    row["red_list_categories"] = LIST_SEPARATOR.join(record["red_list_categories"])
    row["photos"] = LIST_SEPARATOR.join(photo["filename"] for photo in record["photos"] if photo["filename"])
    row["provenance"] = _provenance_cell(record["provenance"])
    return row


def _provenance_cell(events: list[dict[str, Any]]) -> str:
    """The provenance as a JSON array of {owner, place, date, year_from, year_to, method, source}."""
    return json.dumps(events, ensure_ascii=False) if events else ""


def csv_to_records(text: str) -> list[dict[str, Any]]:
    """Read CSV text (header row, then one object per row) into record dicts with every record key.

    Unknown columns are ignored and missing ones give empty values; photos come back as
    [{"filename": ...}] only. Text is kept exactly as written, so a round trip is exact.

    :raises CsvError: when a required column is missing or a number cell is not a number, naming the line.
    """
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    reader.fieldnames = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED_COLUMNS if name not in reader.fieldnames]
    if missing:
        raise CsvError(f"the CSV has no column {', '.join(missing)}; expected columns: {', '.join(CSV_COLUMNS)}")
    return [_record(row, reader.line_num) for row in reader]


def _record(row: dict[str, str | None], line: int) -> dict[str, Any]:
    cells = {column: restore_formula(value or "") for column, value in row.items() if column}
    record = empty_record()
    for column in CSV_COLUMNS:
        key = _COLUMN_TO_KEY.get(column, column)
        if key in TEXT_KEYS:
            record[key] = cells.get(column, "")
    for key in FLOAT_KEYS:
        record[key] = _number(cells.get(key, ""), float, key, line)
    for key in YEAR_KEYS:
        record[key] = _number(cells.get(key, ""), int, key, line)
    for key in DATE_KEYS:
        record[key] = cells.get(key) or None
    record["red_list_categories"] = _split(cells.get("red_list_categories", ""))
    record["photos"] = [{"filename": name} for name in _split(cells.get("photos", ""))]
    record["provenance"] = _provenance(cells.get("provenance", ""), line)
    return record


def _provenance(cell: str, line: int) -> list[dict[str, Any]]:
    if not cell.strip():
        return []
    try:
        events = json.loads(cell)
    except ValueError:
        events = None
    if not isinstance(events, list) or not all(isinstance(event, dict) for event in events):
        raise CsvError(f"line {line}, column provenance: write a JSON array of events, e.g. "
                       '[{"owner": "...", "place": "...", "date": "1932", "method": "purchase", "source": "..."}]')
    try:
        return [normalize_provenance_event(event, f"on line {line}") for event in events]
    except ExchangeError as error:
        raise CsvError(f"line {line}, column provenance: {error}") from None


def _number(cell: str, kind: type, column: str, line: int) -> Any:
    if not cell.strip():
        return None
    try:
        number = kind(cell.strip())
    except ValueError:
        number = None
    if number is None or not math.isfinite(number):
        expected = "a whole year (negative for BCE)" if kind is int else "a number"
        raise CsvError(f"line {line}, column {column}: {cell!r} is not {expected}")
    return number


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(LIST_SEPARATOR) if part.strip()]
