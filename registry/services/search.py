"""Finding records: one query builder used by the search page, the API and the CLI."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, or_, select, true
from sqlalchemy.orm import selectinload

from registry.models import Institution, ObjectRecord
from registry.policy import PUBLISHED_STATUSES, Principal, rule

TEXT_SEARCH_COLUMNS = (
    ObjectRecord.object_number,
    ObjectRecord.title,
    ObjectRecord.object_type,
    ObjectRecord.materials,
    ObjectRecord.techniques,
    ObjectRecord.inscriptions,
    ObjectRecord.distinguishing_features,
    ObjectRecord.subject,
    ObjectRecord.date_period,
    ObjectRecord.maker,
    ObjectRecord.description,
    ObjectRecord.case_reference,
    ObjectRecord.place_of_origin,
)


@dataclass
class RecordQuery:
    """What a person searches for; every part is optional and the parts combine with AND."""

    text: str = ""
    object_type: str = ""
    material: str = ""
    status: str = ""
    year_from: int | None = None
    year_to: int | None = None
    institution_id: int | None = None


def _contains(column, words: str):
    return column.ilike(f"%{_escape_like(words)}%", escape="\\")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def visible_to(principal: Principal):
    """The SQL condition for records a principal may view (published ones, plus the inventory in their scope)."""
    published = ObjectRecord.status.in_(PUBLISHED_STATUSES)
    verdict = rule("records.view_inventory", principal.role)
    if verdict == "yes":
        return true()
    if verdict == "own" and principal.institution_id is not None:
        return or_(published, ObjectRecord.institution_id == principal.institution_id)
    return published


def search_statement(query: RecordQuery, principal: Principal) -> Select[tuple[ObjectRecord]]:
    """Build the SELECT for a query, newest records first, with photos and institution loaded."""
    statement = select(ObjectRecord).join(Institution).options(
        selectinload(ObjectRecord.photos), selectinload(ObjectRecord.institution)
    ).where(visible_to(principal))
    for word in query.text.split():
        statement = statement.where(or_(*(_contains(column, word) for column in TEXT_SEARCH_COLUMNS)))
    if query.object_type:
        statement = statement.where(_contains(ObjectRecord.object_type, query.object_type.strip()))
    if query.material:
        statement = statement.where(_contains(ObjectRecord.materials, query.material.strip()))
    if query.status:
        statement = statement.where(ObjectRecord.status == query.status)
    if query.institution_id:
        statement = statement.where(ObjectRecord.institution_id == query.institution_id)
    # A record matches a date range when its own range overlaps it.
    if query.year_from is not None:
        statement = statement.where(or_(ObjectRecord.year_to >= query.year_from, ObjectRecord.year_from >= query.year_from))
    if query.year_to is not None:
        statement = statement.where(ObjectRecord.year_from <= query.year_to)
    return statement.order_by(ObjectRecord.updated_at.desc(), ObjectRecord.id.desc())
