"""The audit trail as one list: record changes (with photos and tags) and account, token and certificate events."""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import select

from registry.extensions import db
from registry.exchange.csv_io import FORMULA_STARTS
from registry.models import AuditEvent, RecordChange

AUDIT_COLUMNS = ("at", "actor", "ip", "target_type", "target_id", "action", "field", "old_value", "new_value")


def audit_trail(limit: int | None = None) -> list[dict[str, Any]]:
    """Every audit entry, newest first."""
    records = [
        {"at": c.changed_at.isoformat(), "actor": c.changed_by, "ip": c.ip, "target_type": "record", "target_id": c.record_id,
         "action": c.action, "field": c.field, "old_value": c.old_value, "new_value": c.new_value}
        for c in db.session.scalars(select(RecordChange).order_by(RecordChange.id.desc()).limit(limit))
    ]
    events = [
        {"at": e.at.isoformat(), "actor": e.actor, "ip": e.ip, "target_type": e.target_type, "target_id": e.target_id,
         "action": e.action, "field": "", "old_value": e.old_value, "new_value": e.new_value}
        for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit))
    ]
    merged = sorted(records + events, key=lambda row: row["at"], reverse=True)
    return merged[:limit] if limit else merged


def audit_csv(rows: list[dict[str, Any]]) -> str:
    """The audit entries as CSV text."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=AUDIT_COLUMNS)
    writer.writeheader()
    writer.writerows({key: _spreadsheet_safe(value) for key, value in row.items()} for row in rows)
    return buffer.getvalue()


def _spreadsheet_safe(value: Any) -> Any:
    """A text a spreadsheet would run as a formula, written with a leading apostrophe (as the record CSV does)."""
    return "'" + value if isinstance(value, str) and value[:1] in FORMULA_STARTS else value
