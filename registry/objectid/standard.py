"""The Object ID categories and the record statuses the registry knows."""

from __future__ import annotations

from registry.messages import N_, ReadableError

STATUSES: tuple[str, ...] = ("inventory", "stolen", "missing", "looted", "recovered")
LOSS_STATUSES: frozenset[str] = frozenset({"stolen", "missing", "looted"})
STATUS_LABELS: dict[str, str] = {
    "inventory": "In inventory",
    "stolen": "Stolen",
    "missing": "Missing",
    "looted": "Looted",
    "recovered": "Recovered",
}

MAKER_QUALIFIERS: tuple[str, ...] = (
    "",
    "by",
    "attributed to",
    "workshop of",
    "circle of",
    "school of",
    "follower of",
    "manner of",
    "after",
)

# The text fields of a record, in Object ID order, with the label shown to people.
TEXT_FIELDS: dict[str, str] = {
    "object_type": "Type of object",
    "materials": "Materials",
    "techniques": "Techniques",
    "measurements_text": "Measurements (as written)",
    "inscriptions": "Inscriptions and markings",
    "distinguishing_features": "Distinguishing features",
    "title": "Title",
    "subject": "Subject",
    "date_period": "Date or period",
    "maker": "Maker",
    "maker_qualifier": "Attribution",
    "description": "Description",
    "place_of_origin": "Place of origin / discovery",
    "related_written_material": "Related written material",
    "related_objects": "Related objects",
}

MEASUREMENT_FIELDS: dict[str, str] = {
    "height_cm": "Height",
    "width_cm": "Width",
    "depth_cm": "Depth",
    "diameter_cm": "Diameter",
}

LOSS_FIELDS: dict[str, str] = {
    "loss_date": "Date of loss",
    "loss_place": "Place of loss",
    "case_reference": "Police / case reference",
    "loss_notes": "Notes on the loss",
}

# Every field whose change is written to a record's history, with its label.
TRACKED_FIELDS: dict[str, str] = {
    "object_number": "Object number",
    **TEXT_FIELDS,
    **MEASUREMENT_FIELDS,
    "weight_kg": "Weight",
    "length_unit": "Length unit",
    "weight_unit": "Weight unit",
    "year_from": "Year from",
    "year_to": "Year to",
    "documented_on": "Date documented",
    "provenance": "Provenance and ownership history",
    "status": "Status",
    **LOSS_FIELDS,
}


class InvalidRecord(ReadableError):
    """A record that breaks an Object ID rule; the message says which and how to fix it.

    `field` names the offending field where there is one, so a form can show the message beside it.
    """

    def __init__(self, template: str, field: str | None = None, **params) -> None:
        super().__init__(template, **params)
        self.field = field


def check_status(status: str) -> str:
    """Return the status if known, else raise InvalidRecord naming the allowed values."""
    status = (status or "").strip().lower() or "inventory"
    if status not in STATUSES:
        raise InvalidRecord(N_("unknown status '%(status)s': use one of %(allowed)s"), "status", status=status, allowed=", ".join(STATUSES))
    return status


def check_year_range(year_from: int | None, year_to: int | None) -> None:
    """Raise InvalidRecord when the year range runs backwards."""
    if year_from is not None and year_to is not None and year_from > year_to:
        raise InvalidRecord(N_("the year range runs backwards (%(year_from)s is after %(year_to)s)"), "year_to", year_from=year_from, year_to=year_to)
