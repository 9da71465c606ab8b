"""Finding records: one query builder used by the search page, the API and the CLI."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import selectinload

from registry.messages import N_, ReadableError
from registry.models import Institution, ObjectRecord
from registry.policy import PUBLISHED_STATUSES, Principal, rule
from registry.services.objects import LARGEST_MEASURE

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


# The sizes a search can bound: each name's column (normalised to cm or kg when the record is saved) and the largest
# value a record may hold (a bound beyond it is a mistaken unit, as for a record's own measurement).
SIZE_COLUMNS = {"height": ObjectRecord.height_cm, "width": ObjectRecord.width_cm, "depth": ObjectRecord.depth_cm,
                "weight": ObjectRecord.weight_kg}
SIZE_UNITS = {"height": "cm", "width": "cm", "depth": "cm", "weight": "kg"}
SIZE_LIMITS = {name: LARGEST_MEASURE[f"{name}_{unit}"] for name, unit in SIZE_UNITS.items()}


class InvalidSearch(ReadableError):
    """A search that cannot be run as asked (a size range that runs backwards, a bound out of range).

    `field` names the offending parameter (`height_min`, `weight_max`...), so a door can show the message beside it.
    """

    def __init__(self, template: str, field: str, **params) -> None:
        super().__init__(template, **params)
        self.field = field


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
    # {"height": (min, max), ...} in cm (kg for weight); either bound may be None. See check_size_ranges.
    sizes: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)


# One sentence per size, so that each language can say the size's name in its own words.
_BACKWARDS = {
    "height": N_("the minimum height (%(low)s) is above the maximum (%(high)s)"),
    "width": N_("the minimum width (%(low)s) is above the maximum (%(high)s)"),
    "depth": N_("the minimum depth (%(low)s) is above the maximum (%(high)s)"),
    "weight": N_("the minimum weight (%(low)s) is above the maximum (%(high)s)"),
}


def check_size_ranges(sizes: dict[str, tuple[float | None, float | None]]) -> None:
    """Refuse size bounds that are not numbers from 0 to the largest a record may hold, or a range that runs backwards.

    :param sizes: {"height": (min, max), ...}, bounds in cm (kg for weight), None for an open end.
    :raises InvalidSearch: naming the first offending parameter (e.g. ``height_max``) in its `field`; the message
        does not repeat it, as each door names it its own way (beside the field, in the JSON details, as an option).
    """
    for name, bounds in sizes.items():
        if name not in SIZE_COLUMNS:
            raise InvalidSearch(N_("unknown size '%(name)s': use height, width, depth or weight"), name, name=name)
        for end, value in zip(("min", "max"), bounds):
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise InvalidSearch(N_("enter a number"), f"{name}_{end}")
            if not 0 <= value <= SIZE_LIMITS[name]:
                raise InvalidSearch(N_("enter a value from 0 to %(limit)s %(unit)s"), f"{name}_{end}",
                                    limit=int(SIZE_LIMITS[name]), unit=SIZE_UNITS[name])
        low, high = bounds
        if low is not None and high is not None and low > high:
            raise InvalidSearch(_BACKWARDS[name], f"{name}_max", low=f"{low:g}", high=f"{high:g}")


def size_bounds(values: dict, suffix_unit: bool = False) -> dict[str, tuple[float | None, float | None]]:
    """Collect {"height": (min, max), ...} from flat parameters named ``height_min``, ``height_max``... (or, with
    `suffix_unit`, ``height_cm_min``...); sizes with neither bound are left out."""
    sizes = {}
    for name in SIZE_COLUMNS:
        stem = f"{name}_{SIZE_UNITS[name]}" if suffix_unit else name
        low, high = values.get(f"{stem}_min"), values.get(f"{stem}_max")
        if low is not None or high is not None:
            sizes[name] = (low, high)
    return sizes


def _contains(column, words: str):
    return column.ilike(f"%{_escape_like(words)}%", escape="\\")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def visible_to(principal: Principal):
    """The SQL condition for records a principal may view (published ones, plus the inventory in their scope)."""
    published = ObjectRecord.status.in_(PUBLISHED_STATUSES)
    not_deleted = ObjectRecord.deleted_at.is_(None)  # a deleted record is a tombstone: seen by nobody
    verdict = rule("records.view_inventory", principal.role)
    if verdict == "yes":
        return not_deleted
    if verdict == "own" and principal.institution_id is not None:
        return and_(not_deleted, or_(published, ObjectRecord.institution_id == principal.institution_id))
    return and_(not_deleted, published)


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
    check_size_ranges(query.sizes)
    for name, (low, high) in query.sizes.items():
        # A record that does not give this measurement cannot be said to fall within the range: it is left out.
        if low is not None:
            statement = statement.where(SIZE_COLUMNS[name] >= low)
        if high is not None:
            statement = statement.where(SIZE_COLUMNS[name] <= high)
    # A record matches a date range when its own range overlaps it.
    if query.year_from is not None:
        statement = statement.where(or_(ObjectRecord.year_to >= query.year_from, ObjectRecord.year_from >= query.year_from))
    if query.year_to is not None:
        statement = statement.where(ObjectRecord.year_from <= query.year_to)
    return statement.order_by(ObjectRecord.updated_at.desc(), ObjectRecord.id.desc())
