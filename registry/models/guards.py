"""Evidence is never rewritten: history, audit events, checks and certificates refuse updates and deletes."""

from __future__ import annotations

from sqlalchemy import event

from registry.models.certificates import Certificate
from registry.models.matching import Check
from registry.models.objects import RecordChange
from registry.models.users import AuditEvent

APPEND_ONLY = (RecordChange, AuditEvent, Check, Certificate)


class EvidenceIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete a row kept as evidence."""


def _refuse(mapper, connection, target) -> None:
    raise EvidenceIsAppendOnly(f"{type(target).__name__} rows are append-only evidence and cannot be changed or deleted")


for model in APPEND_ONLY:
    event.listen(model, "before_update", _refuse)
    event.listen(model, "before_delete", _refuse)
