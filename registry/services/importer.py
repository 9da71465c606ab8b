"""Bulk import of Object ID records (CSV or LIDO): per-record validation, resumable, with a report of every record."""

from __future__ import annotations

import csv
import hashlib
import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote, urlsplit

from flask import current_app
from sqlalchemy.orm.exc import StaleDataError

from registry import matching
from registry.clean_text import strip_forbidden_in
from registry.exchange.csv_io import CSV_COLUMNS, REQUIRED_COLUMNS, csv_to_records
from registry.exchange.errors import ExchangeError
from registry.exchange.lido import read_lido_document
from registry.extensions import db
from registry.imaging import DecodedPhoto, PhotoRejected
from registry.objectid.standard import LOSS_FIELDS, InvalidRecord, check_status
from registry.services import objects as record_service
from registry.services.index import compute_signature_ahead, forget_signatures_ahead
from registry.services.institutions import (
    CREATE_WITH_THE_CLI,
    find_institution,
    normalise_name,
    unknown_institution_message,
)
from registry.services.photos import attach_photos, decode_upload, media_store
from registry.services.redlists import TaggingError, active_tags, tag_record

# The record fields an import writes (the rest of an exchanged record: institution, status and loss, photos, tags).
FIELD_KEYS = (
    "object_number", "object_type", "materials", "techniques", "measurements_text", "height_cm", "width_cm", "depth_cm",
    "diameter_cm", "weight_kg", "inscriptions", "distinguishing_features", "title", "subject", "date_period", "year_from",
    "year_to", "maker", "maker_qualifier", "description", "place_of_origin", "related_written_material", "related_objects",
    "documented_on",
)


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (unreadable, or required columns missing)."""


@dataclass
class RowRejection:
    """A record that was not imported, and why (`row`: the CSV data row, header = 1; or the LIDO record's position)."""

    row: int
    object_number: str
    reason: str


@dataclass
class ImportReport:
    """What an import did: counts, the reason for each rejected record, and warnings about what was left out."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejections: list[RowRejection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The report as plain JSON-ready values."""
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len(self.rejections),
            "rejected_rows": [vars(r) for r in self.rejections],
            "warnings": self.warnings,
        }


def read_csv_records(text: str) -> list[tuple[int, dict[str, Any]]]:
    """Parse CSV text into (row number, exchange record) pairs; raise ImportFileError if required columns are missing."""
    header = [name.strip() for name in next(csv.reader(io.StringIO(text)), [])]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise ImportFileError(f"the CSV has no column {', '.join(missing)}; expected columns: {', '.join(CSV_COLUMNS)}")
    try:
        records = csv_to_records(text)
    except ExchangeError as exc:
        raise ImportFileError(str(exc)) from exc
    return [(index + 2, record) for index, record in enumerate(records)]


UNREADABLE = "_unreadable"  # key of a record that could not be read: its reason (reported as that record's rejection)
NOTES = "_notes"  # key of what was read from an unusual place (reported as warnings)


def read_lido_records(data: bytes) -> list[tuple[int, dict[str, Any]]]:
    """Parse a LIDO document into (position, exchange record) pairs; raise ImportFileError for a bad document.

    A record that cannot be read is not a bad document: it comes as {object_number, UNREADABLE: reason},
    rejected on its own by import_records while the others are imported.
    """
    try:
        readings = read_lido_document(data)
    except ExchangeError as exc:
        raise ImportFileError(str(exc)) from exc
    return [(reading.position, {**reading.record, NOTES: reading.notes} if reading.record is not None
             else {"object_number": "", "photos": [], UNREADABLE: reading.error}) for reading in readings]


def import_records(
    records: list[tuple[int, dict[str, Any]]],
    photos_dir: Path | None,
    institution: str | None,
    actor: str,
    on_row: Callable[[], None] = lambda: None,
    photos_required: bool = True,
    create_institutions: bool = False,
    unknown_institution_remedy: str = CREATE_WITH_THE_CLI,
) -> ImportReport:
    """Import records one by one, committing each; a rejected record leaves nothing of itself behind.

    Re-running the same file creates nothing twice: a record is found by institution and object number
    and only its changed fields are updated (and written to its history).

    :param photos_dir: where photo file names are looked up (photos already in the registry are also found by hash).
    :param institution: the registering institution for records that do not name one.
    :param photos_required: reject a record whose photo cannot be found (CSV); otherwise warn and go on (LIDO links).
    :param create_institutions: create an institution a record names that does not exist; otherwise the record is
        rejected, with the closest existing names (a misspelt name would create a second institution and duplicates).
    :param unknown_institution_remedy: what the rejection tells the user to do to create it.
    """
    report = ImportReport()
    institutions = _InstitutionRule(create_institutions, unknown_institution_remedy)
    with _SignaturesAhead(records, photos_dir) as ahead:
        for row, (position, record) in enumerate(records):
            ahead.start_through(row + SIGNATURES_AHEAD)
            record = _without_forbidden_characters(position, record, report)
            try:
                institutions.check(record.get("institution") or institution)
                outcome = _import_and_commit(record, photos_dir, institution, actor, photos_required, report)
            except (StaleDataError, record_service.RecordChanged):
                db.session.rollback()
                report.rejections.append(RowRejection(position, record.get("object_number", ""), CHANGED_WHILE_IMPORTED))
            except (InvalidRecord, PhotoRejected, ImportFileError, ExchangeError, ValueError) as exc:
                db.session.rollback()
                report.rejections.append(RowRejection(position, record.get("object_number", ""), str(exc)))
            else:
                setattr(report, outcome, getattr(report, outcome) + 1)
            on_row()
    return report


def _without_forbidden_characters(position: int, record: dict[str, Any], report: ImportReport) -> dict[str, Any]:
    """The record with the characters XML 1.0 forbids taken out of its text, and a warning naming the row and the
    fields they were taken from (the record is kept: a stray control character is a copy-paste accident)."""
    clean, fields = strip_forbidden_in(record)
    if fields:
        report.warnings.append(f"row {position} ({clean.get('object_number', '')}): removed control characters (or "
                               f"U+FFFE, U+FFFF) that XML cannot carry from {', '.join(fields)}")
    return clean


class _InstitutionRule:
    """Refuses records of institutions that do not exist, unless asked to create them."""

    def __init__(self, create: bool, remedy: str) -> None:
        self.create, self.remedy, self.known = create, remedy, set()

    def check(self, name: str | None) -> None:
        name = normalise_name(name)
        if self.create or not name or name in self.known:
            return  # no name: the row says why when it is read
        if find_institution(name) is None:
            raise InvalidRecord(unknown_institution_message(name, self.remedy))
        self.known.add(name)


CHANGED_WHILE_IMPORTED = ("someone else was saving this record at the same time, twice; nothing of this row was "
                          "written: import the file again to apply it")


def _import_and_commit(record: dict[str, Any], photos_dir: Path | None, institution: str | None, actor: str,
                       photos_required: bool, report: ImportReport) -> str:
    """Import one record and commit it; when another user saved the same record between our read and our write
    (its version moved on: StaleDataError), roll back, read it again and write the row once more.

    Writing the row again is what re-running the file does (the file's values win, and both changes are in the
    record's history); a second lost race is raised for the caller to report.
    """
    warnings = len(report.warnings)
    try:
        return _import_once(record, photos_dir, institution, actor, photos_required, report)
    except (StaleDataError, record_service.RecordChanged):
        db.session.rollback()
        del report.warnings[warnings:]  # the second attempt says them again
    return _import_once(record, photos_dir, institution, actor, photos_required, report)


def _import_once(record: dict[str, Any], photos_dir: Path | None, institution: str | None, actor: str,
                 photos_required: bool, report: ImportReport) -> str:
    outcome = _import_record(record, photos_dir, institution, actor, photos_required, report)
    db.session.commit()
    return outcome


SIGNATURES_AHEAD = 4  # rows whose photos' signatures another thread computes while this one writes


class _SignaturesAhead:
    """A thread that decodes the photos of the rows ahead and computes their signatures (what registering a photo
    costs most), while this thread validates and writes the rows before them: an import's photos took ~80 ms
    each in one thread. What the thread computes is only taken for the same bytes (services.index)."""

    def __init__(self, records: list[tuple[int, dict[str, Any]]], photos_dir: Path | None) -> None:
        self.records, self.photos_dir, self.started = records, photos_dir, 0
        self.sha256s: list[str] = []  # of the photos started
        self.app = current_app._get_current_object()
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="signatures-ahead")

    def __enter__(self) -> _SignaturesAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        forget_signatures_ahead(self.sha256s)
        self.pool.shutdown(wait=True, cancel_futures=True)

    def start_through(self, row: int) -> None:
        """Start the photos of every record up to ``row``."""
        while self.photos_dir is not None and self.started <= min(row, len(self.records) - 1):
            for photo in self.records[self.started][1].get("photos") or []:
                self._start(photo)
            self.started += 1

    def _start(self, photo: dict[str, Any]) -> None:
        try:
            path = _photo_file(photo, self.photos_dir)
        except PhotoRejected:
            return  # its row will say why
        if path is None:
            return
        data = path.read_bytes()
        sha256 = hashlib.sha256(data).hexdigest()
        self.sha256s.append(sha256)
        compute_signature_ahead(sha256, lambda: self._signature(data, path.name), self.pool)

    def _signature(self, data: bytes, name: str) -> matching.PhotoSignature:
        with self.app.app_context():  # the app's limits on photo size
            return matching.compute_signature(decode_upload(data, name).image)


def _import_record(record: dict[str, Any], photos_dir: Path | None, default_institution: str | None, actor: str,
                   photos_required: bool, report: ImportReport) -> str:
    if record.get(UNREADABLE):
        raise ImportFileError(record[UNREADABLE])
    report.warnings.extend(record.get(NOTES) or [])
    institution_name = record.get("institution") or default_institution
    if not institution_name:
        raise InvalidRecord("no institution: add an institution column or pass --institution")
    fields = _fields(record)
    status_fields = _status_fields(record)
    photos, names = _photos(record, photos_dir, photos_required, report)
    institution = record_service.institution_named(institution_name)
    existing = record_service.find_record(institution, fields["object_number"])
    if existing is None:
        created = record_service.create_record(institution_name, fields, actor, photos, names, status_fields=status_fields, commit=False)
        _tag(created, record, actor, report)
        return "created"
    if existing.deleted_at is not None:
        record_service.raise_number_of_deleted_record(existing)
    changes = record_service.update_record(existing, fields, actor, commit=False)
    if _status_changed(existing, status_fields):
        changes += record_service.change_status(existing, status_fields, actor, commit=False)
    changes += attach_photos(existing, photos, names, actor)
    changes += _tag(existing, record, actor, report)
    return "updated" if changes else "unchanged"


def _fields(record: dict[str, Any]) -> dict[str, Any]:
    fields = {key: record.get(key) for key in FIELD_KEYS if key in record}
    fields["documented_on"] = _date(record.get("documented_on"), "documented_on")
    for key in FIELD_KEYS:
        if fields.get(key) is None and key not in ("height_cm", "width_cm", "depth_cm", "diameter_cm", "weight_kg",
                                                   "year_from", "year_to", "documented_on"):
            fields[key] = ""
    # A file that gives no provenance leaves the record's as it is (few systems export it; none may erase it).
    if record.get("provenance"):
        fields["provenance"] = record["provenance"]
    return fields


def _status_fields(record: dict[str, Any]) -> dict[str, Any]:
    fields = {"status": check_status(record.get("status") or "")}
    for name in LOSS_FIELDS:
        fields[name] = record.get(name) or ("" if name != "loss_date" else None)
    fields["loss_date"] = _date(record.get("loss_date"), "loss_date")
    return fields


def _status_changed(existing, status_fields: dict[str, Any]) -> bool:
    return any((getattr(existing, name) or None) != (value or None) for name, value in status_fields.items())


def _date(value: Any, name: str) -> date | None:
    if not value:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise InvalidRecord(f"{name} must be a date as YYYY-MM-DD, not {value!r}", name) from exc


def _photos(record: dict[str, Any], photos_dir: Path | None, required: bool, report: ImportReport) -> tuple[list[DecodedPhoto], list[str]]:
    decoded, names = [], []
    for photo in record.get("photos") or []:
        names_tried = _photo_names(photo)
        name = names_tried[0] if names_tried else ""
        data = _photo_bytes(photo, photos_dir)
        if data is None:
            problem = _missing_photo(photo, photos_dir)
            if required:
                raise ImportFileError(problem) if not photos_dir else PhotoRejected(problem)
            report.warnings.append(f"{record.get('object_number')}: photo not imported ({problem})")
            continue
        decoded.append(decode_upload(data, Path(name).name if name else ""))
        names.append(Path(name).name if name else "")
    return decoded, names


def _missing_photo(photo: dict[str, Any], photos_dir: Path | None) -> str:
    name = (photo.get("filename") or "").strip() or (photo.get("url") or "").strip() or "a photo"
    if not (photo.get("filename") or "").strip() and _is_web_link(photo.get("url") or ""):
        return f"{name}: a web link, not fetched (the registry downloads nothing); put the file in the photos folder"
    if photos_dir:
        return f"{name}: no such file in {photos_dir}"
    return f"{name}: the record names photos but no --photos folder was given"


def _is_web_link(link: str) -> bool:
    return urlsplit(link.strip()).scheme.lower() in ("http", "https", "ftp")


def _photo_names(photo: dict[str, Any]) -> list[str]:
    """Where in the photos folder a photo may be: its file name, else its link read as a relative path or file:
    URL, then its last part (an export often links images/x.jpg while the files lie side by side). A web link
    is never fetched."""
    name = (photo.get("filename") or "").strip()
    if name:
        return [name]
    link = (photo.get("url") or "").strip()
    parts = urlsplit(link)
    if not link or parts.scheme.lower() not in ("", "file"):
        return []
    path = unquote(parts.path if parts.scheme else link).lstrip("/")
    return [path, Path(path).name] if path else []


def _photo_file(photo: dict[str, Any], photos_dir: Path | None) -> Path | None:
    """The photo's file in ``photos_dir``, if it names one that is there; PhotoRejected if its path leads out."""
    if photos_dir is None:
        return None
    root = photos_dir.resolve()
    for name in _photo_names(photo):
        path = (root / name).resolve()
        if not path.is_relative_to(root):
            raise PhotoRejected(f"{name}: the photo path leads outside the photos folder")
        if path.is_file():
            return path
    return None


def _photo_bytes(photo: dict[str, Any], photos_dir: Path | None) -> bytes | None:
    path = _photo_file(photo, photos_dir)
    if path is not None:
        return path.read_bytes()
    sha = (photo.get("sha256") or "").strip().lower()
    if len(sha) == 64:
        from registry.imaging.validate import ALLOWED_FORMATS

        for extension in ALLOWED_FORMATS.values():
            stored = media_store().read_original(sha, extension)
            if stored is not None:
                return stored
    return None


def _tag(record_row, record: dict[str, Any], actor: str, report: ImportReport) -> list[str]:
    present = {tag.category.code for tag in active_tags(record_row)}
    added = []
    for code in record.get("red_list_categories") or []:
        if code in present:
            continue
        try:
            tag_record(record_row, code, actor, commit=False)
        except TaggingError as exc:
            report.warnings.append(f"{record.get('object_number')}: {exc}")
        else:
            added.append(code)
    return added


def read_text_file(path: Path) -> str:
    """Read a CSV file as UTF-8 (a byte-order mark is allowed)."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path} is not UTF-8 text (byte {exc.start}); save the CSV as UTF-8") from exc
