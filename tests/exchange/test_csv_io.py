"""CSV exchange: the foundation's columns first, exact round trips, formula-safe cells, clear errors."""

from __future__ import annotations

import csv
import io

import pytest

from registry.exchange.csv_io import CSV_COLUMNS, csv_to_records, records_to_csv
from registry.exchange.errors import CsvError
from registry.exchange.record import RECORD_KEYS

FOUNDATION = ("object_number", "object_type", "materials", "techniques", "measurements", "inscriptions",
              "distinguishing_features", "title", "subject", "date_period", "maker", "description", "status", "photos")


def _without_photos(record: dict) -> dict:
    return {key: value for key, value in record.items() if key != "photos"}


def test_columns_start_with_the_foundation_import_columns():
    assert CSV_COLUMNS[: len(FOUNDATION)] == FOUNDATION
    assert len(set(CSV_COLUMNS)) == len(CSV_COLUMNS) == 33


def test_round_trip_is_exact_for_every_non_photo_key(make_record):
    records = [
        make_record("C-1"),
        make_record("C-2", year_from=-500, year_to=None, height_cm=None, weight_kg=None, loss_date=None,
                    documented_on=None, red_list_categories=[], photos=[], status=""),
        make_record("=C-3", title="=HYPERLINK(\"http://evil\")", maker="+1", subject="-", description="@cmd",
                    loss_notes="'=already quoted", related_objects="''x", inscriptions="'s-Hertogenbosch"),
    ]
    back = csv_to_records(records_to_csv(records))
    assert [_without_photos(r) for r in back] == [_without_photos(r) for r in records]
    assert all(tuple(r) == RECORD_KEYS for r in back)


def test_photos_come_back_as_file_names(make_record):
    [record] = csv_to_records(records_to_csv([make_record()]))
    assert record["photos"] == [{"filename": "seal front.jpg"}]


def test_cells_hold_the_documented_values(make_record):
    text = records_to_csv([make_record(title="=1+1")])
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["measurements"] == "H 3.5 cm; Diam. 1.8 cm"
    assert row["red_list_categories"] == "IQ-2003-01;IQ-2003-07"
    assert row["photos"] == "seal front.jpg"
    assert row["year_from"] == "-2112" and row["width_cm"] == repr(0.1 + 0.2)
    assert row["title"] == "'=1+1"


def test_foundation_only_csv_reads_with_empty_extras():
    text = ",".join(FOUNDATION) + "\r\nS-1,Cylinder seal,chlorite,,H 3 cm,,,,,,,,stolen,p1.jpg; p2.jpg\r\n"
    [record] = csv_to_records("\ufeff" + text)
    assert record["object_number"] == "S-1" and record["measurements_text"] == "H 3 cm"
    assert record["photos"] == [{"filename": "p1.jpg"}, {"filename": "p2.jpg"}]
    assert record["institution"] == "" and record["year_from"] is None and record["red_list_categories"] == []


def test_missing_required_column_is_named():
    with pytest.raises(CsvError, match="no column object_type"):
        csv_to_records("object_number,title\r\nA,B\r\n")


@pytest.mark.parametrize(("column", "value", "message"), [
    ("height_cm", "tall", "column height_cm: 'tall' is not a number"),
    ("year_from", "1650.5", "column year_from: '1650.5' is not a whole year"),
    ("weight_kg", "nan", "column weight_kg: 'nan' is not a number"),
])
def test_bad_numbers_name_line_and_column(column, value, message):
    text = f"object_number,object_type,{column}\r\nA-1,Vase,1\r\nA-2,Vase,{value}\r\n"
    with pytest.raises(CsvError, match=f"line 3, {message}"):
        csv_to_records(text)
