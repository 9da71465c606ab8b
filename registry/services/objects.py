"""Creating, editing and changing the status of Object ID records, with every change written to history."""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import date
from typing import Any, Iterator

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from registry.extensions import db
from registry.imaging import DecodedPhoto
from registry.clean_text import has_forbidden_characters
from registry.models import Institution, ObjectRecord, Photo, RecordChange
from registry.messages import N_, ReadableError
from registry.models.objects import utcnow
from registry.objectid.dates import parse_year_range
from registry.objectid.measurements import parse_measurements
from registry.objectid.provenance import clean_provenance
from registry.objectid.standard import (
    LOSS_FIELDS,
    LOSS_STATUSES,
    TRACKED_FIELDS,
    InvalidRecord,
    check_status,
    check_year_range,
)
from registry.services.events import record_status_changed
from registry.services.foreign import refuse_foreign
from registry.services.index import note_record_changed
from registry.services.photos import attach_photos

INSTITUTION_NAME_LENGTH = Institution.__table__.columns["name"].type.length
# Larger than any movable cultural object (a 100 m sculpture, a 10 000 t monolith): beyond, a unit was mistaken,
# and 1e308 made a public page fail (issue 24).
LARGEST_MEASURE = {"height_cm": 10_000.0, "width_cm": 10_000.0, "depth_cm": 10_000.0, "diameter_cm": 10_000.0,
                   "weight_kg": 10_000_000.0}
RECORD_FIELDS = tuple(name for name in TRACKED_FIELDS if name not in ("status", *LOSS_FIELDS))


class RecordChanged(ReadableError):
    """Someone else saved the record after the version a write started from; nothing of that write was kept.

    `your_version` is the version the write started from (the one its author said, else the one the server read),
    `current_version` the record's version now.
    """

    def __init__(self, record_id: int, your_version: int, current_version: int | None) -> None:
        super().__init__(N_("someone else saved this record after version %(your_version)s (it is now at version "
                            "%(current_version)s); nothing of your change was saved: start again from the current record"),
                         your_version=your_version, current_version=current_version)
        self.record_id = record_id
        self.your_version = your_version
        self.current_version = current_version


class ObjectNumberTaken(InvalidRecord):
    """The institution already has a record with this object number (the API answers 409: a conflict with what is
    stored, not a malformed request)."""


def expect_version(record: ObjectRecord, version: int | None) -> None:
    """Refuse a write started from another version of the record than the one stored now.

    :param version: the version the writer read; None when it did not say, and then only a change made between
        the server's own read and its write is refused (by the version every UPDATE of the row carries).
    :raises RecordChanged: when the record has moved on since `version`.
    """
    if version is not None and version != record.version:
        raise RecordChanged(record.id, version, record.version)


def current_version(record_id: int) -> int | None:
    """The version of a record as committed now (None if there is no such record)."""
    return db.session.scalar(select(ObjectRecord.version).where(ObjectRecord.id == record_id))


@contextmanager
def refusing_stale_writes(record: ObjectRecord, version: int | None = None) -> Iterator[None]:
    """Turn a lost race into RecordChanged, with the session rolled back.

    Every UPDATE of a record says which version it changes (the model's version_id_col); when another transaction
    committed a change since our read, the UPDATE matches no row and SQLAlchemy raises StaleDataError, at whichever
    flush or commit sends it. Wrap the whole write, commit included.

    :param version: the version the writer started from, if it said (else the one read here is reported).
    """
    record_id = record.id
    your_version = version if version is not None else record.version
    try:
        yield
    except StaleDataError as exc:
        db.session.rollback()
        raise RecordChanged(record_id, your_version, current_version(record_id)) from exc


def institution_named(name: str) -> Institution:
    """Return the institution with this name, creating it (not committed) if new."""
    name = " ".join((name or "").split())
    if not name:
        raise InvalidRecord(N_("the registering institution is required"), "institution")
    if has_forbidden_characters(name):
        raise InvalidRecord(N_("%(label)s contains a control character; remove it and send again"), "institution",
                            label="institution")
    if len(name) > INSTITUTION_NAME_LENGTH:
        raise InvalidRecord(N_("%(label)s is longer than %(limit)s characters"), "institution",
                            label="institution", limit=INSTITUTION_NAME_LENGTH)
    institution = db.session.scalar(select(Institution).where(Institution.name == name))
    if institution is None:
        institution = Institution(name=name)
        db.session.add(institution)
        db.session.flush()
    return institution


def find_record(institution: Institution, object_number: str) -> ObjectRecord | None:
    """The record with this object number at this institution, if any."""
    return db.session.scalar(
        select(ObjectRecord).where(
            ObjectRecord.institution_id == institution.id, ObjectRecord.object_number == object_number
        )
    )


def raise_number_of_deleted_record(record: ObjectRecord) -> None:
    """Refuse to reuse a deleted record's number: checks and certificates that named it must not come to mean
    another object (services/deletion.py)."""
    raise InvalidRecord(N_("object number '%(number)s' belonged to a record of %(institution)s that was deleted; "
                           "the number of a deleted record is not used again"), "object_number",
                        number=record.object_number, institution=record.institution.name)


def normalise_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Clean a record's field values and derive what can be derived.

    Strips text, fills the year range from the date text and the numeric measurements from the
    measurement text where they were not given, and checks the Object ID rules.
    """
    clean = {name: (value.strip() if isinstance(value, str) else value) for name, value in fields.items()}
    if not clean.get("object_number"):
        raise InvalidRecord(N_("the object number (inventory number) is required"), "object_number")
    if not clean.get("object_type"):
        raise InvalidRecord(N_("the type of object is required"), "object_type")
    if clean.get("year_from") is None and clean.get("year_to") is None and clean.get("date_period"):
        clean["year_from"], clean["year_to"] = parse_year_range(clean["date_period"])
    parsed = parse_measurements(clean.get("measurements_text") or "")
    for name, value in parsed.items():
        if clean.get(name) is None:
            clean[name] = value
    if "provenance" in clean:
        clean["provenance"] = clean_provenance(clean["provenance"])
    _check_lengths(clean)
    _check_characters(clean)
    check_year_range(clean.get("year_from"), clean.get("year_to"))
    for name in ("height_cm", "width_cm", "depth_cm", "diameter_cm", "weight_kg"):
        if clean.get(name) is not None and clean[name] <= 0:
            raise InvalidRecord(N_("%(label)s must be a positive number"), name, label=TRACKED_FIELDS[name].lower())
        if clean.get(name) is not None and not clean[name] <= LARGEST_MEASURE[name]:
            raise InvalidRecord(N_("%(label)s is larger than %(limit)s: check the unit"), name,
                                label=TRACKED_FIELDS[name].lower(), limit=int(LARGEST_MEASURE[name]))
    return clean


def _check_characters(values: dict[str, Any]) -> None:
    """Control characters are refused at every door (pages and API: input_guard; imports: here): one in one record
    made the Atom feed and the LIDO export fail for everyone (issue 24)."""
    for name, value in values.items():
        texts = [value] if isinstance(value, str) else _event_texts(value) if name == "provenance" else []
        if any(has_forbidden_characters(text) for text in texts):
            raise InvalidRecord(N_("%(label)s contains a control character; remove it and send again"), name,
                                label=TRACKED_FIELDS.get(name, name))


def _event_texts(events: list[dict[str, Any]] | None) -> list[str]:
    return [value for event in events or [] for value in event.values() if isinstance(value, str)]


def _check_lengths(values: dict[str, Any]) -> None:
    """Text longer than its column holds is refused here (SQLite would keep it, PostgreSQL would fail)."""
    for name, value in values.items():
        column = ObjectRecord.__table__.columns.get(name)
        limit = getattr(column.type, "length", None) if column is not None else None
        if limit and isinstance(value, str) and len(value) > limit:
            raise InvalidRecord(N_("%(label)s is longer than %(limit)s characters"), name,
                                label=TRACKED_FIELDS.get(name, name), limit=limit)


def create_record(
    institution_name: str,
    fields: dict[str, Any],
    actor: str,
    photos: list[DecodedPhoto] = (),
    filenames: list[str] = (),
    status_fields: dict[str, Any] | None = None,
    commit: bool = True,
) -> ObjectRecord:
    """Register a new object with its photos, in one transaction: the record and every photo, or nothing.

    :param institution_name: the registering institution (created if new).
    :param fields: Object ID field values keyed by column name.
    :param actor: who is registering it, for the history.
    :param status_fields: optional status and loss details (status, loss_date, loss_place, ...).
    :raises InvalidRecord: when a rule is broken or the object number is taken at that institution.
    """
    institution = institution_named(institution_name)
    clean = normalise_fields(fields)
    existing = find_record(institution, clean["object_number"])
    if existing is not None and existing.deleted_at is not None:
        raise_number_of_deleted_record(existing)
    if existing is not None:
        raise ObjectNumberTaken(N_("object number '%(number)s' is already registered by %(institution)s"),
                                "object_number", number=clean["object_number"], institution=institution.name)
    record = ObjectRecord(institution=institution, created_by=actor, updated_by=actor)
    _apply(record, {name: clean.get(name) for name in RECORD_FIELDS if name in clean})
    status = _clean_status_fields(status_fields or {})
    _apply(record, status)
    db.session.add(record)
    record.changes.append(
        RecordChange(changed_by=actor, action="created", field="", new_value=json.dumps(_snapshot(record), sort_keys=True))
    )
    # The photos' files are written to the media store before the transaction commits. If it rolls back, the
    # files stay with no row pointing at them: harmless, as each is named by its SHA-256 (the same photo sent
    # again reuses its file, and nothing is ever served without a row).
    attach_photos(record, list(photos), list(filenames) or [""] * len(photos), actor)
    if record.status in LOSS_STATUSES:
        record_status_changed.send(record, old_status=None, new_status=record.status)
    if commit:
        db.session.commit()
    return record


def update_record(record: ObjectRecord, fields: dict[str, Any], actor: str, commit: bool = True,
                  version: int | None = None) -> list[str]:
    """Change a record's Object ID fields, writing one history entry per changed field.

    :param version: the version of the record the change was made from (see :func:`expect_version`).
    :return: the names of the fields that changed.
    :raises RecordChanged: when someone else saved the record since `version` (or since it was read here).
    """
    refuse_foreign(record)
    expect_version(record, version)
    with refusing_stale_writes(record, version):
        clean = normalise_fields({**_current_values(record, fields), **fields})
        if clean["object_number"] != record.object_number:
            other = find_record(record.institution, clean["object_number"])
            if other is not None and other.id != record.id:
                raise InvalidRecord(N_("object number '%(number)s' is already used by another record"), "object_number", number=clean["object_number"])
        changed = _record_changes(record, {name: clean.get(name) for name in RECORD_FIELDS if name in clean}, actor, "updated")
        if commit:
            db.session.commit()
    return changed


def edit_record(
    record: ObjectRecord,
    fields: dict[str, Any],
    actor: str,
    photos: list[DecodedPhoto] = (),
    filenames: list[str] = (),
    version: int | None = None,
) -> tuple[list[str], list[Photo]]:
    """Change a record's fields and add photos in one transaction: all of it is saved, or none.

    :param version: the version of the record the editor started from.
    :return: the names of the fields that changed, and the photos added.
    :raises RecordChanged: when someone else saved the record since `version`; nothing is written.
    """
    expect_version(record, version)
    with refusing_stale_writes(record, version):
        changed = update_record(record, fields, actor, commit=False)
        added = attach_photos(record, list(photos), list(filenames) or [""] * len(photos), actor)
        db.session.commit()
    return changed, added


def _current_values(record: ObjectRecord, changes: dict[str, Any]) -> dict[str, Any]:
    """The record's values for the fields a partial update leaves out; derived ones are derived again from new text."""
    current = {name: getattr(record, name) for name in RECORD_FIELDS}
    if "date_period" in changes and not {"year_from", "year_to"} & changes.keys():
        current["year_from"] = current["year_to"] = None
    if "measurements_text" in changes:
        for name in ("height_cm", "width_cm", "depth_cm", "diameter_cm", "weight_kg"):
            if name not in changes:
                current[name] = None
    return current


def change_status(record: ObjectRecord, status_fields: dict[str, Any], actor: str, commit: bool = True,
                  version: int | None = None) -> list[str]:
    """Report a record stolen, missing, looted or recovered (or back in inventory), with the loss details.

    :param version: the version of the record the report was made from (see :func:`expect_version`).
    :raises RecordChanged: when someone else saved the record since `version` (or since it was read here).
    """
    refuse_foreign(record)
    expect_version(record, version)
    with refusing_stale_writes(record, version):
        clean = _clean_status_fields(status_fields)
        old_status = record.status
        changed = _record_changes(record, clean, actor, "status")
        if "status" in changed:
            note_record_changed(record)
            record_status_changed.send(record, old_status=old_status, new_status=record.status)
        if commit:
            db.session.commit()
    return changed


def _clean_status_fields(status_fields: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {"status": check_status(status_fields.get("status") or "inventory")}
    for name in LOSS_FIELDS:
        value = status_fields.get(name)
        clean[name] = value.strip() if isinstance(value, str) else value
    if clean["status"] in LOSS_STATUSES and clean.get("loss_date") and clean["loss_date"] > date.today():
        raise InvalidRecord(N_("the date of loss cannot be in the future"), "loss_date")
    for name in ("loss_place", "case_reference", "loss_notes"):
        clean[name] = clean.get(name) or ""
    _check_lengths(clean)
    _check_characters(clean)
    return clean


def _record_changes(record: ObjectRecord, values: dict[str, Any], actor: str, action: str) -> list[str]:
    changed = []
    for name, new in values.items():
        old = getattr(record, name)
        if _as_text(old) == _as_text(new):
            continue
        record.changes.append(
            RecordChange(changed_by=actor, action=action, field=name, old_value=_as_text(old), new_value=_as_text(new))
        )
        setattr(record, name, new)
        changed.append(name)
    if changed:
        record.updated_at = utcnow()
        record.updated_by = actor
    return changed


def _apply(record: ObjectRecord, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(record, name, value)


def _as_text(value: Any) -> str | None:
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _snapshot(record: ObjectRecord) -> dict[str, str | None]:
    snapshot = {name: _as_text(getattr(record, name)) for name in TRACKED_FIELDS}
    snapshot["institution"] = record.institution.name
    return {name: value for name, value in snapshot.items() if value is not None}
