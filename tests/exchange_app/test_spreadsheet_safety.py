"""Every CSV the registry writes goes through one rule against spreadsheet formulas (issue 24, finding 4)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from registry.exchange.csv_io import csv_to_records
from registry.exchange.spreadsheet import neutralise_formula, restore_formula
from registry.services.objects import create_record, update_record

PAYLOADS = ['=HYPERLINK("http://x.example","click")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(A1:A9)",
            "\t=1+1", "\r=1+1"]
REGISTRY = Path(__file__).resolve().parents[2] / "registry"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_formula_gets_an_apostrophe_and_comes_back_exactly(payload):
    assert neutralise_formula(payload) == "'" + payload
    assert restore_formula(neutralise_formula(payload)) == payload


@pytest.mark.parametrize("text", ["-500", "+3.5", "-1e5", "plain", "'quoted", "''=twice", "it's", "", "'"])
def test_plain_numbers_and_other_texts_come_back_exactly(text):
    assert restore_formula(neutralise_formula(text)) == text
    assert neutralise_formula("-500") == "-500"  # a year BCE stays a number for the spreadsheet


def test_no_csv_is_written_outside_the_shared_function():
    writers = [str(path.relative_to(REGISTRY)) for path in REGISTRY.rglob("*.py")
               if re.search(r"csv\.(writer|DictWriter)\(", path.read_text(encoding="utf-8"))]
    assert writers == ["exchange/spreadsheet.py"]


def _formula_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row
            if cell and (cell[0] in "=+@\t\r" or cell[0] == "-" and not re.fullmatch(r"-[\d.e]+", cell))]


def _hostile_record(actor: str = "test"):
    return create_record("Museum of Testing", {"object_number": PAYLOADS[0], "object_type": PAYLOADS[1], "title": PAYLOADS[2],
                                        "materials": PAYLOADS[3], "year_from": -500, "year_to": -400},
                         actor, status_fields={"status": "stolen", "loss_place": "=1+1", "case_reference": "@A1"})


def test_the_api_record_export_neutralises_formulas(client, api_headers):
    _hostile_record()
    text = client.get("/api/v1/exports/records?format=csv", headers=api_headers("admin")).get_data(as_text=True)
    assert not _formula_cells(text)
    record = csv_to_records(text)[0]
    assert (record["object_number"], record["object_type"], record["title"], record["materials"]) == tuple(PAYLOADS[:4])
    assert (record["year_from"], record["loss_place"], record["case_reference"]) == (-500, "=1+1", "@A1")


def test_the_cli_record_export_neutralises_formulas(runner):
    _hostile_record()
    result = runner.invoke(args=["export", "--format", "csv"])
    assert result.exit_code == 0 and PAYLOADS[1] in result.stdout
    assert not _formula_cells(result.stdout)


def test_the_audit_export_neutralises_formulas_in_every_column(client, login_as):
    record = _hostile_record(actor=PAYLOADS[0])
    update_record(record, {"title": PAYLOADS[3]}, PAYLOADS[1])
    login_as("admin")
    text = client.get("/admin/audit.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    changed = next(row for row in rows if row["field"] == "title")
    assert (changed["actor"], changed["old_value"], changed["new_value"]) == tuple("'" + p for p in PAYLOADS[1:4])
    assert any(row["actor"] == "'" + PAYLOADS[0] for row in rows)
    assert not _formula_cells(text)
