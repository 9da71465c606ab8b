"""The audit trail as one list: record changes (with photos and tags), account, token and certificate events, and
checks (who checked, when, for which agency, the verdict and the top record), filtered by date, user and agency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import Select, select

from registry.extensions import db
from registry.exchange.spreadsheet import write_csv
from registry.models import AuditEvent, Check, RecordChange, User
from registry.models.matching import LOOKUP_CHANNEL

AUDIT_COLUMNS = ("at", "actor", "ip", "target_type", "target_id", "action", "field", "old_value", "new_value",
                 "agency", "verdict", "top_record")
# The strongest verdict first: a check's verdict is the strongest any of its photos got.
VERDICT_ORDER = ("match", "possible", "no_match")


@dataclass(frozen=True)
class AuditFilter:
    """Which entries to list; every part is optional and the parts combine with AND.

    `date_from` and `date_to` are UTC days, both included. `user` is found in the actor's name as logged (e-mail and
    role, or `cli:<login>`), ignoring case. `agency` keeps what people of that agency did: their checks (the agency is
    logged with each check) and the changes and events of accounts whose agency it is.
    """

    date_from: date | None = None
    date_to: date | None = None
    user: str = ""
    agency: str = ""
    action: str = ""  # exactly this action ("check" for checks)


def audit_trail(limit: int | None = None, filters: AuditFilter = AuditFilter()) -> list[dict[str, Any]]:
    """Every audit entry that passes the filters, newest first (at most `limit`)."""
    rows = [*_record_changes(filters, limit), *_events(filters, limit), *_checks(filters, limit)]
    merged = sorted(rows, key=lambda row: row["at"], reverse=True)
    return merged[:limit] if limit else merged


def _between(statement: Select, column, filters: AuditFilter) -> Select:
    if filters.date_from is not None:
        statement = statement.where(column >= datetime.combine(filters.date_from, time.min, timezone.utc))
    if filters.date_to is not None:
        statement = statement.where(column < datetime.combine(filters.date_to + timedelta(days=1), time.min, timezone.utc))
    return statement


def _actor_contains(column, text: str):
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")


def _filtered(statement: Select, at, actor, user_id, filters: AuditFilter) -> Select:
    statement = _between(statement, at, filters)
    if filters.user.strip():
        statement = statement.where(_actor_contains(actor, filters.user))
    if filters.agency.strip():
        agency_users = select(User.id).where(_actor_contains(User.agency, filters.agency))
        statement = statement.where(user_id.in_(agency_users))
    return statement


def _record_changes(filters: AuditFilter, limit: int | None) -> list[dict[str, Any]]:
    statement = _filtered(select(RecordChange), RecordChange.changed_at, RecordChange.changed_by, RecordChange.user_id, filters)
    if filters.action:
        statement = statement.where(RecordChange.action == filters.action)
    return [
        {"at": c.changed_at.isoformat(), "actor": c.changed_by, "ip": c.ip, "target_type": "record", "target_id": c.record_id,
         "action": c.action, "field": c.field, "old_value": c.old_value, "new_value": c.new_value,
         "agency": "", "verdict": "", "top_record": ""}
        for c in db.session.scalars(statement.order_by(RecordChange.id.desc()).limit(limit))
    ]


def _events(filters: AuditFilter, limit: int | None) -> list[dict[str, Any]]:
    statement = _filtered(select(AuditEvent), AuditEvent.at, AuditEvent.actor, AuditEvent.actor_user_id, filters)
    if filters.action:
        statement = statement.where(AuditEvent.action == filters.action)
    return [
        {"at": e.at.isoformat(), "actor": e.actor, "ip": e.ip, "target_type": e.target_type, "target_id": e.target_id,
         "action": e.action, "field": "", "old_value": e.old_value, "new_value": e.new_value,
         "agency": "", "verdict": "", "top_record": ""}
        for e in db.session.scalars(statement.order_by(AuditEvent.id.desc()).limit(limit))
    ]


def _checks(filters: AuditFilter, limit: int | None) -> list[dict[str, Any]]:
    if filters.action and filters.action != "check":
        return []
    statement = _between(select(Check), Check.created_at, filters)
    if filters.user.strip():
        statement = statement.where(_actor_contains(Check.actor, filters.user))
    if filters.agency.strip():
        statement = statement.where(_actor_contains(Check.agency, filters.agency))
    return [_check_row(check) for check in db.session.scalars(statement.order_by(Check.id.desc()).limit(limit))]


def _check_row(check: Check) -> dict[str, Any]:
    """A check as an audit entry: its verdict and top record, and what was asked in `new_value`."""
    candidates = [candidate for result in check.results or [] for candidate in result.get("candidates", [])]
    top = max(candidates, key=lambda candidate: candidate.get("score", 0.0), default=None)
    asked = f"{check.channel}; {len(check.query_photos or [])} photo(s); {check.records_searched} record(s) searched"
    return {
        "at": check.created_at.isoformat(), "actor": check.actor, "ip": "", "target_type": "check", "target_id": check.id,
        "action": "pre_registration_lookup" if check.channel == LOOKUP_CHANNEL else "check", "field": "", "old_value": None,
        "new_value": asked + ("; all statuses" if check.all_statuses else ""),
        "agency": check.agency or "",
        "verdict": check_verdict(candidates),
        "top_record": f"{top['institution']} {top['object_number']} (record {top['record_id']})" if top else "",
    }


def check_verdict(candidates: list[dict[str, Any]]) -> str:
    """The strongest verdict among a check's candidates ("no_match" when it had none)."""
    found = {candidate.get("verdict") for candidate in candidates}
    return next((verdict for verdict in VERDICT_ORDER if verdict in found), "no_match")


def audit_csv(rows: list[dict[str, Any]]) -> str:
    """The audit entries as CSV text (formula-like cells written with an apostrophe: registry.exchange.spreadsheet)."""
    return write_csv(AUDIT_COLUMNS, rows)
