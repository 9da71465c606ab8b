"""Bulk import of Object ID records from CSV: per-row validation, resumable, with a report of every row."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from registry.extensions import db
from registry.imaging import DecodedPhoto, PhotoRejected
from registry.objectid.standard import InvalidRecord, check_status
from registry.services import objects as record_service
from registry.services.photos import attach_photos, decode_upload

CSV_COLUMNS = (
    "object_number", "object_type", "materials", "techniques", "measurements", "inscriptions",
    "distinguishing_features", "title", "subject", "date_period", "maker", "description", "status", "photos",
)
REQUIRED_COLUMNS = ("object_number", "object_type")
_COLUMN_TO_FIELD = {"measurements": "measurements_text"}


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (unreadable, or required columns missing)."""


@dataclass
class RowRejection:
    """A row that was not imported, and why."""

    row: int
    object_number: str
    reason: str


@dataclass
class ImportReport:
    """What an import did: counts, and the reason for each rejected row."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejections: list[RowRejection] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The report as plain JSON-ready values."""
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len(self.rejections),
            "rejected_rows": [vars(r) for r in self.rejections],
        }


def read_rows(text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Parse CSV text into (header, [(line number, row)]); raise ImportFileError if required columns are missing."""
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise ImportFileError(
            f"the CSV has no column {', '.join(missing)}; expected columns: {', '.join(CSV_COLUMNS)}"
        )
    rows = [(reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}) for row in reader]
    return header, rows


def import_rows(
    rows: list[tuple[int, dict[str, str]]],
    photos_dir: Path | None,
    institution: str | None,
    actor: str,
    on_row: Callable[[], None] = lambda: None,
) -> ImportReport:
    """Import rows one by one, committing each; a rejected row leaves nothing of itself behind.

    Re-running the same rows creates nothing twice: a record is found by institution and object
    number and only its changed fields are updated (and written to its history).

    :param rows: (CSV line number, column -> value) pairs from read_rows.
    :param photos_dir: where the file names in the photos column are looked up.
    :param institution: the registering institution for rows without an `institution` column value.
    :param on_row: called after each row, for progress display.
    """
    report = ImportReport()
    for line, row in rows:
        try:
            outcome = _import_row(row, photos_dir, institution, actor)
            db.session.commit()
        except (InvalidRecord, PhotoRejected, ImportFileError) as exc:
            db.session.rollback()
            report.rejections.append(RowRejection(line, row.get("object_number", ""), str(exc)))
        else:
            setattr(report, outcome, getattr(report, outcome) + 1)
        on_row()
    return report


def _import_row(row: dict[str, str], photos_dir: Path | None, default_institution: str | None, actor: str) -> str:
    institution_name = row.get("institution") or default_institution
    if not institution_name:
        raise InvalidRecord("no institution: add an institution column or pass --institution")
    fields = {_COLUMN_TO_FIELD.get(name, name): row.get(name, "") for name in CSV_COLUMNS if name not in ("status", "photos")}
    status = check_status(row.get("status", ""))
    photos, names = _decoded_photos(row.get("photos", ""), photos_dir)
    institution = record_service.institution_named(institution_name)
    record = record_service.find_record(institution, fields["object_number"])
    if record is None:
        record_service.create_record(
            institution_name, fields, actor, photos, names, status_fields={"status": status}, commit=False
        )
        return "created"
    changed = record_service.update_record(record, fields, actor, commit=False)
    if status != record.status:
        changed += record_service.change_status(record, {"status": status}, actor, commit=False)
    changed += attach_photos(record, photos, names, actor)
    return "updated" if changed else "unchanged"


def _decoded_photos(cell: str, photos_dir: Path | None) -> tuple[list[DecodedPhoto], list[str]]:
    names = [name.strip() for name in cell.split(";") if name.strip()]
    if names and photos_dir is None:
        raise ImportFileError("the row names photos but no --photos folder was given")
    decoded = [decode_upload(_read_photo(photos_dir, name), Path(name).name) for name in names]
    return decoded, names


def _read_photo(photos_dir: Path, name: str) -> bytes:
    root = photos_dir.resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root):
        raise PhotoRejected(f"{name}: the photo path leads outside the photos folder")
    if not path.is_file():
        raise PhotoRejected(f"{name}: no such file in {photos_dir}")
    return path.read_bytes()


def iter_csv_text(path: Path) -> str:
    """Read a CSV file as UTF-8 (a byte-order mark is allowed)."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path} is not UTF-8 text (byte {exc.start}); save the CSV as UTF-8") from exc


