"""CSV a spreadsheet opens without running anything: the one rule every CSV the registry writes goes through.

A cell starting with = + - @ (or a tab or carriage return before one) is run as a formula by spreadsheets (CSV
injection: `=HYPERLINK(...)`, `+cmd|' /C calc'!A0`). Such a cell is written with a leading apostrophe, which
spreadsheets show as text and `restore_formula` takes off again when the registry reads its own CSV back.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any, Iterable, Mapping

FORMULA_STARTS = frozenset("=+-@\t\r")
# A plain number (a year BCE, -500) is a number to a spreadsheet, not a formula: left as it is.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise_formula(value: Any) -> Any:
    """``value`` as a CSV cell a spreadsheet cannot run: a text starting like a formula gets a leading apostrophe.

    A text that already starts with an apostrophe before such a character (or before another apostrophe) gets one
    too, so that ``restore_formula`` gives every text back exactly. Other values (numbers, None) are returned as
    they are.
    """
    if not isinstance(value, str):
        return value
    if value[:1] in FORMULA_STARTS and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return "'" + value if restore_formula(value) != value else value


def restore_formula(cell: str) -> str:
    """The text a cell written by ``neutralise_formula`` stood for (its added apostrophe taken off)."""
    if len(cell) >= 2 and cell[0] == "'" and (cell[1] in FORMULA_STARTS or cell[1] == "'"):
        return cell[1:]
    return cell


def write_csv(columns: Iterable[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """CSV text with a header row of ``columns``, then one line per row, every cell through ``neutralise_formula``.

    :param rows: mappings from column name to value; missing columns are empty.
    """
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns))
    writer.writeheader()
    writer.writerows({column: neutralise_formula(value) for column, value in row.items()} for row in rows)
    return buffer.getvalue()
