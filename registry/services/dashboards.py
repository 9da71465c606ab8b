"""What each role's dashboard shows: a registrar's records and what to finish, an officer's agency checks and hits,
a dealer's checks, certificates and alerts. Read-only queries; no Flask."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, or_, select

from registry.extensions import db
from registry.models import Certificate, CertificateAlert, Check, ObjectRecord, Photo, RecordChange, RedListRow
from registry.objectid.standard import LOSS_STATUSES
from registry.policy import PUBLISHED_STATUSES

RECOMMENDED_VIEWS = 3  # the Object ID sheet asks for three or more views (front, back, three-quarter)
RECENT = 10


@dataclass
class PendingRecord:
    """A record of the institution that still needs something, and what."""

    record: ObjectRecord
    needs: list[str]  # "views" (fewer than RECOMMENDED_VIEWS photos), "case_reference" (a loss without one)


@dataclass
class RegistrarWork:
    """A registrar's institution: its records by status, the latest changes, and records to finish."""

    counts: dict[str, int]
    recent_records: list[ObjectRecord]
    recent_changes: list[RecordChange]
    pending: list[PendingRecord]
    pending_total: int


@dataclass
class OfficerWork:
    """A law-enforcement officer's agency: its latest checks, and those that found a match or possible match."""

    agency: str
    checks: list[Check]
    hits: list[tuple[Check, dict[str, Any]]]  # the check and its strongest candidate
    checks_total: int


@dataclass
class DealerWork:
    """A dealer's own checks, certificates and the alerts raised on them."""

    checks: list[Check]
    certificates: list[Certificate]
    alerts: list[CertificateAlert] = field(default_factory=list)


def registrar_work(institution_id: int | None) -> RegistrarWork:
    """The work of a registrar's institution (nothing for an account without one)."""
    if institution_id is None:
        return RegistrarWork({}, [], [], [], 0)
    mine = and_(ObjectRecord.institution_id == institution_id, ObjectRecord.deleted_at.is_(None))
    counts = dict(db.session.execute(select(ObjectRecord.status, func.count()).where(mine).group_by(ObjectRecord.status)).all())
    recent_records = db.session.scalars(select(ObjectRecord).where(mine).order_by(ObjectRecord.updated_at.desc(),
                                                                                 ObjectRecord.id.desc()).limit(RECENT)).all()
    recent_changes = db.session.scalars(select(RecordChange).join(ObjectRecord).where(mine)
                                        .order_by(RecordChange.changed_at.desc(), RecordChange.id.desc()).limit(RECENT)).all()
    pending, total = _pending(institution_id)
    return RegistrarWork(counts, list(recent_records), list(recent_changes), pending, total)


def _pending(institution_id: int) -> tuple[list[PendingRecord], int]:
    views = (select(Photo.record_id, func.count().label("views")).where(Photo.removed_at.is_(None))
             .group_by(Photo.record_id).subquery())
    few_views = func.coalesce(views.c.views, 0) < RECOMMENDED_VIEWS
    no_reference = and_(ObjectRecord.status.in_(sorted(LOSS_STATUSES)), ObjectRecord.case_reference == "")
    statement = (select(ObjectRecord, func.coalesce(views.c.views, 0))
                 .outerjoin(views, views.c.record_id == ObjectRecord.id)
                 .where(ObjectRecord.institution_id == institution_id, ObjectRecord.deleted_at.is_(None),
                        or_(few_views, no_reference)))
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    # losses first: a stolen object without a case reference is the most urgent thing to finish
    rows = db.session.execute(statement.order_by(no_reference.desc(), ObjectRecord.updated_at.desc()).limit(RECENT)).all()
    pending = []
    for record, view_count in rows:
        needs = (["case_reference"] if record.status in LOSS_STATUSES and not record.case_reference else [])
        needs += ["views"] if view_count < RECOMMENDED_VIEWS else []
        pending.append(PendingRecord(record, needs))
    return pending, total


def _strongest(check: Check) -> dict[str, Any] | None:
    order = {"match": 0, "possible": 1}
    found = [c for result in check.results or [] for c in result.get("candidates", []) if c.get("verdict") in order]
    return min(found, key=lambda c: (order[c["verdict"]], -float(c.get("score", 0)))) if found else None


def officer_work(agency: str, user_id: int) -> OfficerWork:
    """The agency's latest checks (the officer's own when the account names no agency) and its hits among them."""
    scope = Check.agency == agency if agency else Check.user_id == user_id
    total = db.session.scalar(select(func.count()).select_from(Check).where(scope))
    checks = list(db.session.scalars(select(Check).where(scope).order_by(Check.id.desc()).limit(200)))
    hits = [(check, best) for check in checks if (best := _strongest(check)) is not None][:RECENT]
    return OfficerWork(agency, checks[:RECENT], hits, total)


def dealer_work(user_id: int) -> DealerWork:
    """The dealer's own latest checks and certificates, and the alerts on those certificates."""
    checks = db.session.scalars(select(Check).where(Check.user_id == user_id).order_by(Check.id.desc()).limit(RECENT)).all()
    certificates = db.session.scalars(select(Certificate).where(Certificate.user_id == user_id)
                                      .order_by(Certificate.id.desc()).limit(RECENT)).all()
    alerts = db.session.scalars(select(CertificateAlert).join(Certificate).where(Certificate.user_id == user_id)
                                .order_by(CertificateAlert.id.desc()).limit(RECENT)).all()
    return DealerWork(list(checks), list(certificates), list(alerts))


def landing_figures() -> dict[str, int]:
    """What the landing page says the registry holds: published losses, institutions, Red Lists."""
    published = db.session.scalar(select(func.count()).select_from(ObjectRecord)
                                  .where(ObjectRecord.status.in_(sorted(PUBLISHED_STATUSES - {"recovered"}))))
    institutions = db.session.scalar(select(func.count(func.distinct(ObjectRecord.institution_id))))
    red_lists = db.session.scalar(select(func.count()).select_from(RedListRow))
    return {"reported": published or 0, "institutions": institutions or 0, "red_lists": red_lists or 0}


def alert_record(alert: CertificateAlert) -> ObjectRecord | None:
    """The record an alert is about."""
    return db.session.get(ObjectRecord, alert.record_id)

