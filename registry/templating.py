"""Template filters and globals: statuses, measurements and dates shown the same way on every page."""

from __future__ import annotations

from flask import Flask

from registry.objectid.measurements import from_cm, from_kg
from registry.objectid.standard import LOSS_STATUSES, MEASUREMENT_FIELDS, STATUS_LABELS, TEXT_FIELDS


# The main menu: (endpoint, label). A feature adds its page here when it registers its blueprint.
NAV_LINKS: list[tuple[str, str]] = [
    ("check.check_page", "Check an object"),
    ("objects.search", "Records"),
    ("objects.register", "Register an object"),
    ("redlists_ui.index", "Red Lists"),
]


def format_year(year: int | None) -> str:
    """A year for people: negative years as BCE."""
    if year is None:
        return ""
    return f"{-year} BCE" if year < 0 else str(year)


def measurement_lines(record) -> list[tuple[str, str]]:
    """The record's measurements in the unit it was entered in, with the cm/kg value alongside."""
    lines = []
    for name, label in MEASUREMENT_FIELDS.items():
        value = getattr(record, name)
        if value is not None:
            shown = from_cm(value, record.length_unit)
            suffix = "" if record.length_unit == "cm" else f" ({value:g} cm)"
            lines.append((label, f"{shown:g} {record.length_unit}{suffix}"))
    if record.weight_kg is not None:
        shown = from_kg(record.weight_kg, record.weight_unit)
        suffix = "" if record.weight_unit == "kg" else f" ({record.weight_kg:g} kg)"
        lines.append(("Weight", f"{shown:g} {record.weight_unit}{suffix}"))
    return lines


def init_app(app: Flask) -> None:
    """Register the filters and globals."""
    app.jinja_env.filters["year"] = format_year
    app.jinja_env.globals.update(
        STATUS_LABELS=STATUS_LABELS,
        LOSS_STATUSES=LOSS_STATUSES,
        TEXT_FIELDS=TEXT_FIELDS,
        measurement_lines=measurement_lines,
        nav_links=NAV_LINKS,
    )
