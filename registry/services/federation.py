"""Pulling other registries' published lost records into this one, as read-only foreign records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import select

from registry.extensions import db
from registry.federation import client
from registry.federation.entries import WITHDRAWN
from registry.models import FederationSource, ObjectRecord
from registry.objectid.standard import LOSS_FIELDS, LOSS_STATUSES, InvalidRecord
from registry.offline_bank.signing import SigningKeyError, parse_public_key
from registry.services import objects as record_service
from registry.services.foreign import writing_foreign_records
from registry.services.importer import FIELD_KEYS
from registry.services.photos import attach_photos, decode_upload

FOREIGN_STATUSES = LOSS_STATUSES | {"recovered"}


class FederationError(ValueError):
    """A source that cannot be added or pulled; the message says why."""


@dataclass
class PullReport:
    """What one pull of one source did."""

    source: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    rejected: list[dict[str, str]] = field(default_factory=list)
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready values."""
        return {"source": self.source, "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "withdrawn": self.withdrawn, "rejected": self.rejected, "error": self.error}


def add_source(name: str, url: str, public_key: str, actor: str) -> FederationSource:
    """Register another registry to pull from.

    :raises FederationError: for a name in use, an address that is not http(s) or a key that cannot be read.
    """
    name = name.strip()
    if not name or len(name) > 60:
        raise FederationError("give the registry a short name (1 to 60 characters)")
    if db.session.scalar(select(FederationSource).where(FederationSource.name == name)):
        raise FederationError(f"a registry named {name!r} is already added")
    try:
        parse_public_key(public_key)
        feed = client.feed_url(url)
    except (SigningKeyError, client.FeedRefused) as exc:
        raise FederationError(str(exc)) from exc
    source = FederationSource(name=name, url=feed, public_key=public_key.strip(), added_by=actor, last_result={})
    db.session.add(source)
    db.session.commit()
    return source


def sources(name: str | None = None) -> list[FederationSource]:
    """The registries pulled from (the one named, or all)."""
    statement = select(FederationSource).order_by(FederationSource.name)
    if name:
        statement = statement.where(FederationSource.name == name)
    return list(db.session.scalars(statement))


def pull(source: FederationSource, actor: str) -> PullReport:
    """Pull what changed at `source` since the last pull: each page's signature and each entry's hash verified,
    each entry written (and committed) on its own; a pull repeated changes nothing (idempotent)."""
    report = PullReport(source.name)
    try:
        for entries in client.verified_pages(source.url, source.cursor, parse_public_key(source.public_key)):
            for entry in entries:
                _pull_entry(source, entry, actor, report)
                source.cursor = max(source.cursor, entry.date_modified)
            db.session.commit()
    except (client.FeedRefused, SigningKeyError) as exc:
        db.session.rollback()
        report.error = str(exc)
    source.last_pulled_at = datetime.now(timezone.utc)
    source.last_result = report.as_dict()
    db.session.commit()
    return report


def _pull_entry(source: FederationSource, entry: client.FeedEntry, actor: str, report: PullReport) -> None:
    if entry.content is None:
        report.rejected.append({"entry": entry.entry_id, "reason": entry.problem})
        return
    existing = db.session.scalar(select(ObjectRecord).where(ObjectRecord.source_id == source.id,
                                                            ObjectRecord.source_url == entry.entry_id))
    try:
        with writing_foreign_records():
            outcome = _write_entry(source, entry, existing, f"{actor} (pull from {source.name})")
        db.session.commit()
    except (InvalidRecord, client.FeedRefused, ValueError) as exc:
        db.session.rollback()
        report.rejected.append({"entry": entry.entry_id, "reason": str(exc)})
        return
    setattr(report, outcome, getattr(report, outcome) + 1)


def _write_entry(source: FederationSource, entry: client.FeedEntry, existing: ObjectRecord | None, actor: str) -> str:
    content = entry.content or {}
    if content.get("status") == WITHDRAWN:
        if existing is None or existing.status == "inventory":
            return "unchanged"
        record_service.change_status(existing, {"status": "inventory"}, actor, commit=False)
        return "withdrawn"
    if content.get("status") not in FOREIGN_STATUSES:
        raise ValueError(f"unknown status {content.get('status')!r}")
    record = content.get("record") or {}
    fields = _fields(record)
    status = {"status": content["status"], **{name: record.get(name) or "" for name in LOSS_FIELDS}}
    status["loss_date"] = _date(record.get("loss_date"))
    if existing is None:
        photos = [decode_upload(client.fetch_photo(p), "") for p in content.get("photos") or []]
        created = record_service.create_record(f"{record.get('institution') or '?'} (via {source.name})", fields, actor,
                                               photos, status_fields=status, commit=False)
        created.source_id, created.source_url = source.id, entry.entry_id
        created.source_institution = record.get("institution") or ""
        return "created"
    changes = record_service.update_record(existing, fields, actor, commit=False)
    if any((getattr(existing, name) or None) != (value or None) for name, value in status.items()):
        changes += record_service.change_status(existing, status, actor, commit=False)
    present = {photo.sha256 for photo in existing.current_photos}
    new = [decode_upload(client.fetch_photo(p), "") for p in content.get("photos") or [] if p.get("sha256") not in present]
    changes += attach_photos(existing, new, [""] * len(new), actor)
    return "updated" if changes else "unchanged"


def _fields(record: dict[str, Any]) -> dict[str, Any]:
    fields = {key: record.get(key) for key in FIELD_KEYS}
    fields["documented_on"] = _date(record.get("documented_on"))
    return {key: ("" if value is None and key not in _OPTIONAL else value) for key, value in fields.items()}


_OPTIONAL = {"height_cm", "width_cm", "depth_cm", "diameter_cm", "weight_kg", "year_from", "year_to", "documented_on"}


def _date(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None
