"""Red Lists in the database: import and export, categories for look-up, tagging records, categories for a check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from registry.extensions import db
from registry.messages import N_, ReadableError
from registry.models import CategoryRow, CategoryTag, ObjectRecord, RecordChange, RedListRow
from registry.models.objects import utcnow
from registry.redlists import Category, CategoryFit, RedListSet, lists_compared, look_up, suggest
from registry.redlists.loader import FORMAT_ID, category_to_data, parse, red_list_to_data

# The fields of a check's description that are compared with every stored category.
DESCRIBING_FIELDS = ("description", "object_type", "materials")
# A category reached only through a matching record's tag scores like this, times the match score.
TAGGED_ON_MATCH_WEIGHT = 1.0
ADVICE = (
    "The object may fall into a Red List category of objects at risk of looting and illicit trade. "
    "It may be legal, but do not buy, sell or let it pass without documents proving its lawful origin "
    "and export (export licence, provenance records)."
)


class TaggingError(ReadableError):
    """A tag that cannot be added or removed; the message says why."""


@dataclass
class ImportCounts:
    """What a Red List import did."""

    red_lists_created: int = 0
    red_lists_updated: int = 0
    categories_created: int = 0
    categories_updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        """Plain JSON-ready values."""
        return dict(vars(self))


def known_red_list_slugs() -> list[str]:
    """Slugs of the Red Lists already stored (a categories-only file may refer to them)."""
    return list(db.session.scalars(select(RedListRow.slug)))


def import_red_list_set(red_set: RedListSet) -> ImportCounts:
    """Store a validated set in one transaction: Red Lists by slug, categories by code (created or updated)."""
    counts = ImportCounts()
    lists = {row.slug: row for row in db.session.scalars(select(RedListRow))}
    for red_list in red_set.red_lists:
        data = red_list_to_data(red_list)
        row = lists.get(red_list.slug)
        if row is None:
            row = RedListRow(slug=red_list.slug)
            db.session.add(row)
            lists[red_list.slug] = row
            counts.red_lists_created += 1
        elif row.data == data:
            counts.unchanged += 1
            continue
        else:
            counts.red_lists_updated += 1
        row.name, row.region, row.year, row.status, row.data = red_list.name, red_list.region, red_list.year, red_list.status, data
        row.updated_at = utcnow()
    db.session.flush()
    existing = {row.code: row for row in db.session.scalars(select(CategoryRow))}
    for category in red_set.categories:
        data = category_to_data(category, with_list=True, demo=False)
        row = existing.get(category.code)
        if row is None:
            row = CategoryRow(code=category.code)
            db.session.add(row)
            counts.categories_created += 1
        elif row.data == data:
            counts.unchanged += 1
            continue
        else:
            counts.categories_updated += 1
        row.red_list = lists[category.red_list]
        row.name_en, row.data = category.name("en"), data
        row.updated_at = utcnow()
    db.session.commit()
    return counts


def stored_red_list_set() -> RedListSet:
    """Everything stored, as the domain's RedListSet (for export and look-up)."""
    lists = db.session.scalars(select(RedListRow).order_by(RedListRow.region, RedListRow.year)).all()
    categories = db.session.scalars(select(CategoryRow).order_by(CategoryRow.code)).all()
    return parse(
        {"format": FORMAT_ID, "red_lists": [row.data for row in lists], "categories": [row.data for row in categories]},
        source="database",
    )


def stored_categories() -> list[Category]:
    """All stored categories as domain objects."""
    return stored_red_list_set().categories


def fit_as_dict(fit: CategoryFit, lang: str = "en") -> dict[str, Any]:
    """A category fit as the JSON the check and look-up answer with."""
    return {
        "red_list": fit.category.red_list,
        "code": fit.category.code,
        "name": fit.category.name(lang),
        "score": round(float(fit.score), 4),
        "may_fall_into": fit.may_fall_into,
        "evidence": list(fit.evidence),
        "reasons": list(fit.reasons),
    }


def red_lists_with_categories(red_set: RedListSet | None = None) -> list[dict[str, Any]]:
    """The stored Red Lists that have categories: those a look-up or a described check compares an object with."""
    red_set = red_set or stored_red_list_set()
    return lists_compared(red_set.red_lists, red_set.categories)


def look_up_categories(query: dict[str, Any]) -> list[CategoryFit]:
    """Rank the stored categories against what is known of an object (dealer look-up)."""
    return look_up(stored_categories(), query)


def record_description(record: ObjectRecord) -> dict[str, Any]:
    """A record's Object ID fields in the shape the Red List suggestion expects."""
    return {
        "object_type": record.object_type, "materials": record.materials, "techniques": record.techniques,
        "title": record.title, "subject": record.subject, "description": record.description,
        "inscriptions": record.inscriptions, "distinguishing_features": record.distinguishing_features,
        "date_period": record.date_period, "year_from": record.year_from, "year_to": record.year_to,
        **{name: getattr(record, name) for name in ("height_cm", "width_cm", "depth_cm", "diameter_cm") if getattr(record, name)},
    }


def active_tags(record: ObjectRecord) -> list[CategoryTag]:
    """The categories a record is tagged with now."""
    return list(db.session.scalars(
        select(CategoryTag).options(selectinload(CategoryTag.category))
        .where(CategoryTag.record_id == record.id, CategoryTag.removed_at.is_(None)).order_by(CategoryTag.id)
    ))


def tag_codes_by_record(record_ids: list[int]) -> dict[int, list[str]]:
    """The category codes each record is tagged with now, for many records in one query."""
    codes: dict[int, list[str]] = {record_id: [] for record_id in record_ids}
    rows = db.session.execute(
        select(CategoryTag.record_id, CategoryRow.code).join(CategoryRow)
        .where(CategoryTag.record_id.in_(record_ids), CategoryTag.removed_at.is_(None)).order_by(CategoryTag.id)
    )
    for record_id, code in rows:
        codes[record_id].append(code)
    return codes


def suggestions_for_record(record: ObjectRecord, limit: int = 5) -> list[CategoryFit]:
    """Categories that fit the record's description and are not already tagged."""
    tagged = {tag.category.code for tag in active_tags(record)}
    return [fit for fit in suggest(stored_categories(), record_description(record), limit=limit + len(tagged)) if fit.code not in tagged][:limit]


def tag_record(record: ObjectRecord, code: str, actor: str, commit: bool = True) -> CategoryTag:
    """Tag a record with a category (a person's decision), written to the record's history."""
    category = db.session.scalar(select(CategoryRow).where(CategoryRow.code == code))
    if category is None:
        raise TaggingError(N_("there is no Red List category with code '%(code)s'"), code=code)
    if any(tag.category_id == category.id for tag in active_tags(record)):
        raise TaggingError(N_("the record is already tagged with %(code)s"), code=code)
    tag = CategoryTag(record=record, category=category, tagged_by=actor)
    db.session.add(tag)
    record.changes.append(RecordChange(changed_by=actor, action="tag_added", field="red_list_category", new_value=f"{code} {category.name_en}"))
    if commit:
        db.session.commit()
    return tag


def untag_record(record: ObjectRecord, code: str, actor: str) -> None:
    """Remove a category tag from a record (the tag stays, marked removed), written to the history."""
    tag = next((t for t in active_tags(record) if t.category.code == code), None)
    if tag is None:
        raise TaggingError(N_("the record is not tagged with %(code)s"), code=code)
    tag.removed_at, tag.removed_by = utcnow(), actor
    record.changes.append(RecordChange(changed_by=actor, action="tag_removed", field="red_list_category", old_value=f"{code} {tag.category.name_en}"))
    db.session.commit()


def tagged_records(code: str) -> list[ObjectRecord]:
    """Records currently tagged with a category."""
    return list(db.session.scalars(
        select(ObjectRecord).join(CategoryTag, CategoryTag.record_id == ObjectRecord.id).join(CategoryRow)
        .where(CategoryRow.code == code, CategoryTag.removed_at.is_(None), ObjectRecord.deleted_at.is_(None))
        .order_by(ObjectRecord.id)
    ))


def categories_for_check(
    query_fields: dict[str, Any], candidates: Iterable[dict[str, Any]], categories: list[Category], limit: int = 5
) -> list[dict[str, Any]]:
    """The Red List categories a checked object may fall into.

    From its description (when one was given), and from the tags of the records it matches.
    """
    found: dict[str, dict[str, Any]] = {}
    if describes_object(query_fields):
        for fit in suggest(categories, query_fields, limit=limit):
            found[fit.code] = fit_as_dict(fit)
    for candidate in candidates:
        if candidate["verdict"] == "no_match":
            continue
        for tag in _tags_of(candidate["record_id"]):
            reason = f"tagged on matching record {candidate['object_number']} ({candidate['verdict']})"
            score = round(TAGGED_ON_MATCH_WEIGHT * float(candidate["score"]), 4)
            entry = found.setdefault(tag.category.code, {
                "red_list": tag.category.red_list.slug, "code": tag.category.code, "name": tag.category.name_en,
                "score": score, "may_fall_into": True, "evidence": [], "reasons": [],
            })
            if "tagged record" not in entry["evidence"]:
                entry["evidence"].append("tagged record")
            entry["score"] = max(entry["score"], score)
            if reason not in entry["reasons"]:
                entry["reasons"].append(reason)
    return sorted(found.values(), key=lambda e: (-e["score"], e["code"]))[:limit]


def describes_object(query_fields: dict[str, Any]) -> bool:
    """Did a check describe the object in words, so that every stored category was compared with it?"""
    return any(query_fields.get(name) for name in DESCRIBING_FIELDS)


def red_lists_compared(query_fields: dict[str, Any], results: Iterable[dict[str, Any]]) -> list[RedListRow]:
    """The Red Lists whose categories a check compared: every list that has categories when the object was described,
    and the lists of the categories tagged on the records it matched. A list without categories is never compared.
    """
    slugs = {category["red_list"] for result in results for category in result.get("red_list_categories", [])
             if category.get("red_list")}
    with_categories = select(RedListRow).where(RedListRow.categories.any())
    statement = with_categories if describes_object(query_fields) else with_categories.where(RedListRow.slug.in_(slugs))
    return list(db.session.scalars(statement.order_by(RedListRow.year, RedListRow.slug)))


def _tags_of(record_id: int) -> list[CategoryTag]:
    return list(db.session.scalars(
        select(CategoryTag).options(selectinload(CategoryTag.category).selectinload(CategoryRow.red_list))
        .where(CategoryTag.record_id == record_id, CategoryTag.removed_at.is_(None))
    ))
