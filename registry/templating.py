"""Template filters and globals: statuses, measurements and dates shown the same way, in the page's language, on every page.

The English labels are written once in registry/objectid/standard.py and registry/policy.py (no Flask there);
the mappings below give their translatable form, looked up at display time. Record contents are never translated.
"""

from __future__ import annotations

import json

import math

from datetime import date, datetime
from typing import Any

from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from registry.auth.access import ENDPOINT_ACTIONS, current_principal
from registry.errors import DATABASE_UNAVAILABLE, MEDIA_FULL, MEDIA_UNWRITABLE
from registry.input_guard import MESSAGE as FORBIDDEN_CHARACTERS
from registry.objectid.measurements import from_cm, from_kg
from registry.policy import allowed
from registry.objectid.standard import LOSS_STATUSES, MEASUREMENT_FIELDS, STATUS_LABELS, TEXT_FIELDS, TRACKED_FIELDS
from registry.services.redlists import ADVICE

# The main menu: (endpoint, label). A feature adds its page here when it registers its blueprint; each reader sees
# only the entries their role may use (visible_nav_links).
NAV_LINKS: list[tuple[str, Any]] = [
    ("check.check_page", _l("Check an object")),
    ("objects.search", _l("Records")),
    ("objects.register", _l("Register an object")),
    ("redlists_ui.index", _l("Red Lists")),
    ("catalogue.choose", _l("Catalogue")),
]

# registry/objectid/standard.py STATUS_LABELS, translatable.
STATUS_TEXT: dict[str, Any] = {
    "inventory": _l("In inventory"),
    "stolen": _l("Stolen"),
    "missing": _l("Missing"),
    "looted": _l("Looted"),
    "recovered": _l("Recovered"),
}

# registry/policy.py ROLE_LABELS, translatable.
ROLE_TEXT: dict[str, Any] = {
    "anonymous": _l("Visitor (not signed in)"),
    "dealer": _l("Dealer / auction house"),
    "law_enforcement": _l("Law enforcement (police, customs)"),
    "registrar": _l("Museum registrar"),
    "admin": _l("Administrator"),
}

# Every field label of a record (registry/objectid/standard.py TRACKED_FIELDS and TEXT_FIELDS), plus the
# pseudo-fields of the history (photos, Red List tags) and the measured fields named in a check's evidence.
FIELD_TEXT: dict[str, Any] = {
    "object_number": _l("Object number"),
    "object_type": _l("Type of object"),
    "materials": _l("Materials"),
    "techniques": _l("Techniques"),
    "measurements_text": _l("Measurements (as written)"),
    "inscriptions": _l("Inscriptions and markings"),
    "distinguishing_features": _l("Distinguishing features"),
    "title": _l("Title"),
    "subject": _l("Subject"),
    "date_period": _l("Date or period"),
    "maker": _l("Maker"),
    "maker_qualifier": _l("Attribution"),
    "description": _l("Description"),
    "place_of_origin": _l("Place of origin / discovery"),
    "related_written_material": _l("Related written material"),
    "related_objects": _l("Related objects"),
    "height_cm": _l("Height"),
    "width_cm": _l("Width"),
    "depth_cm": _l("Depth"),
    "diameter_cm": _l("Diameter"),
    "weight_kg": _l("Weight"),
    "length_unit": _l("Length unit"),
    "weight_unit": _l("Weight unit"),
    "year_from": _l("Year from"),
    "year_to": _l("Year to"),
    "documented_on": _l("Date documented"),
    "provenance": _l("Provenance and ownership history"),
    "status": _l("Status"),
    "loss_date": _l("Date of loss"),
    "loss_place": _l("Place of loss"),
    "case_reference": _l("Police / case reference"),
    "loss_notes": _l("Notes on the loss"),
    "photos": _l("Photos"),
    "red_list_category": _l("Red List category"),
}

# What happened to a record, as written in its history (registry/services/*: RecordChange.action).
CHANGE_TEXT: dict[str, Any] = {
    "created": _l("created"),
    "updated": _l("updated"),
    "status": _l("status changed"),
    "photo_added": _l("photo added"),
    "photo_removed": _l("photo removed"),
    "tag_added": _l("tag added"),
    "tag_removed": _l("tag removed"),
    "deleted": _l("record deleted"),
    "photo_purged": _l("photo files purged"),
}

# A check's verdict on one candidate, and a certificate's outcome.
VERDICT_TEXT: dict[str, Any] = {
    "match": _l("Match"),
    "possible": _l("Possible match"),
    "no_match": _l("No match"),
}

# Whether a published Red List is the current edition (registry/redlists/model.py RedList.status).
RED_LIST_STATUS_TEXT: dict[str, Any] = {
    "current": _l("current"),
    "superseded": _l("superseded"),
}

# A kind of evidence that agreed with a Red List category (registry/redlists/lookup.py CategoryFit.evidence).
EVIDENCE_TEXT: dict[str, Any] = {
    "type": _l("object type"),
    "material": _l("material"),
    "period": _l("period"),
    "region": _l("region of origin"),
    "technique": _l("technique"),
    "tagged record": _l("tag of a matching record"),
}

# The door a check came through.
CHANNEL_TEXT: dict[str, Any] = {
    "web": _l("web page"),
    "api": _l("API"),
    "cli": _l("command line"),
    "lookup": _l("pre-registration lookup"),
}

# registry/objectid/standard.py MAKER_QUALIFIERS: how sure the attribution is.
MAKER_QUALIFIER_TEXT: dict[str, Any] = {
    "by": _l("by"),
    "attributed to": _l("attributed to"),
    "workshop of": _l("workshop of"),
    "circle of": _l("circle of"),
    "school of": _l("school of"),
    "follower of": _l("follower of"),
    "manner of": _l("manner of"),
    "after": _l("after"),
}

# How an owner acquired an object (registry/objectid/provenance.py ACQUISITION_METHODS), translatable.
ACQUISITION_METHOD_TEXT: dict[str, Any] = {
    "unknown": _l("Unknown"),
    "purchase": _l("Purchase"),
    "gift": _l("Gift"),
    "bequest": _l("Bequest"),
    "inheritance": _l("Inheritance"),
    "excavation": _l("Excavation"),
    "field collection": _l("Field collection"),
    "confiscation": _l("Confiscation"),
    "exchange": _l("Exchange"),
    "transfer": _l("Transfer"),
    "restitution": _l("Restitution"),
}

# Fixed English sentences written outside the page blueprints (services, access rules, error handlers) that the
# pages show; keyed by the exact English text so a change there falls back to English instead of breaking.
KNOWN_MESSAGES: dict[str, Any] = {
    ADVICE: _l(
        "The object may fall into a Red List category of objects at risk of looting and illicit trade. "
        "It may be legal, but do not buy, sell or let it pass without documents proving its lawful origin "
        "and export (export licence, provenance records)."
    ),
    "Your account may not do this.": _l("Your account may not do this."),
    "Only a registrar of the record's institution may change it.": _l("Only a registrar of the record's institution may change it."),
    "This page has no access rule yet.": _l("This page has no access rule yet."),
    "The upload is too large. Send fewer or smaller photos.": _l("The upload is too large. Send fewer or smaller photos."),
    "An unexpected error occurred; it has been logged.": _l("An unexpected error occurred; it has been logged."),
    DATABASE_UNAVAILABLE: _l(
        "The registry cannot reach its database at the moment. Please try again in a few minutes; "
        "what you were sending may not have been saved."
    ),
    MEDIA_UNWRITABLE: _l(
        "The registry cannot store photos at the moment: its photo storage cannot be written. "
        "Nothing was saved. Please try again later, or tell the registry's administrator."
    ),
    MEDIA_FULL: _l("The registry's photo storage is full. Nothing was saved. Please tell the registry's administrator."),
    FORBIDDEN_CHARACTERS: _l("Text may not contain control characters such as NUL (\\0) or U+0001-U+001F other than tab and "
                             "line breaks, nor U+FFFE, U+FFFF or unpaired surrogates; remove them and send again."),
}

# Titles and default explanations of the HTTP errors the pages can show (Werkzeug's are English).
ERROR_TITLES: dict[int, Any] = {
    400: _l("Bad request"),
    403: _l("Forbidden"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("Upload too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
    503: _l("Service unavailable"),
    507: _l("Storage full"),
}
ERROR_EXPLANATIONS: dict[int, Any] = {
    400: _l("The request could not be understood."),
    403: _l("You may not see this page."),
    404: _l("There is no such page, or you may not see it. Check the address."),
    405: _l("This page cannot be used this way."),
    409: _l("The request conflicts with the current state of the registry."),
    413: _l("The upload is too large. Send fewer or smaller photos."),
    429: _l("Too many attempts. Wait a moment and try again."),
    500: _l("An unexpected error occurred; it has been logged."),
    503: _l("The registry is not available at the moment. Please try again in a few minutes."),
    507: _l("The registry's photo storage is full. Nothing was saved. Please tell the registry's administrator."),
}


def visible_nav_links() -> list[tuple[str, Any]]:
    """The menu entries the current reader's role may use (no "Register an object" for a dealer or a visitor)."""
    principal = current_principal()
    return [(endpoint, label) for endpoint, label in NAV_LINKS if allowed(principal, ENDPOINT_ACTIONS[endpoint])]


def _label(mapping: dict, key: Any, fallback: Any = None) -> str:
    value = mapping.get(key)
    if value is None:
        return str(key if fallback is None else fallback)
    return str(value)


def status_label(status: str) -> str:
    """A record status (inventory, stolen...) in the page's language."""
    return _label(STATUS_TEXT, status, STATUS_LABELS.get(status, status))


def role_label(role: str) -> str:
    """A user role in the page's language."""
    return _label(ROLE_TEXT, role, (role or "").replace("_", " "))


def field_label(name: str) -> str:
    """The label of a record field in the page's language."""
    return _label(FIELD_TEXT, name, TRACKED_FIELDS.get(name, TEXT_FIELDS.get(name, name)))


def change_label(action: str) -> str:
    """What a history entry did (created, updated, photo added...) in the page's language."""
    return _label(CHANGE_TEXT, action, (action or "").replace("_", " "))


def verdict_label(verdict: str) -> str:
    """A check verdict or certificate outcome (match, possible, no_match) in the page's language."""
    return _label(VERDICT_TEXT, verdict, (verdict or "").replace("_", " "))


def channel_label(channel: str) -> str:
    """The door a check came through (web, api, cli) in the page's language."""
    return _label(CHANNEL_TEXT, channel)


def red_list_status(status: str) -> str:
    """Whether a Red List is current or superseded, in the page's language."""
    return _label(RED_LIST_STATUS_TEXT, status)


def evidence_label(kind: str) -> str:
    """A kind of evidence behind a Red List fit (type, material, period...) in the page's language."""
    return _label(EVIDENCE_TEXT, kind)


def maker_qualifier_label(qualifier: str) -> str:
    """An attribution qualifier (attributed to, workshop of...) in the page's language."""
    return _label(MAKER_QUALIFIER_TEXT, qualifier) if qualifier else ""


def acquisition_method_label(method: str) -> str:
    """How an owner acquired an object, in the page's language."""
    return _label(ACQUISITION_METHOD_TEXT, method or "unknown")


def history_value(value: str | None, field: str) -> str:
    """A value as a record's history keeps it, as a person reads it: a provenance (kept as JSON) one event a line."""
    if field != "provenance" or not value:
        return value or ""
    try:
        events = json.loads(value)
    except ValueError:
        return value
    return "\n".join(" · ".join(part for part in (event.get("date"), event.get("owner"), event.get("place"),
                                                 acquisition_method_label(event.get("method")), event.get("source")) if part)
                     for event in events if isinstance(event, dict))


def known_message(message: Any) -> str:
    """A fixed English sentence from outside the pages, translated when it is one we know; else as given."""
    return _label(KNOWN_MESSAGES, str(message), message) if message is not None else ""


def error_title(error) -> str:
    """The heading of an error page."""
    code = getattr(error, "code", None) or 500
    return _label(ERROR_TITLES, code, getattr(error, "name", None) or ERROR_TITLES[500])


def error_message(error, message: Any) -> str:
    """The explanation of an error page: our own translated text for Werkzeug's generic English descriptions."""
    code = getattr(error, "code", None) or 500
    text = str(message or "")
    generic = getattr(type(error), "description", None) if error is not None else None
    if (not text or text == generic) and code in ERROR_EXPLANATIONS:
        return str(ERROR_EXPLANATIONS[code])
    return known_message(text)


def format_year(year: int | None) -> str:
    """A year for people: negative years as BCE."""
    if year is None:
        return ""
    return gettext("%(year)s BCE", year=-year) if year < 0 else str(year)


def format_number(value: float | int | None, decimals: int | None = None) -> str:
    """A number in the page's language (decimal comma in French and Spanish); `decimals` fixes the digits shown."""
    if value is None:
        return ""
    if not math.isfinite(value) or abs(value) >= 1e15:  # Babel cannot round such a number (a 500 on a public page)
        return f"{value:g}"
    pattern = None if decimals is None else ("0." + "0" * decimals if decimals else "0")
    return format_decimal(value, format=pattern)


def _as_datetime(value: datetime | date | str | None) -> datetime | date | None:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return value


def format_when(value: datetime | str | None, with_seconds: bool = False) -> Markup | str:
    """A date and time in the page's language, in UTC (the pages say so); ISO strings (certificates, audit) accepted."""
    moment = _as_datetime(value)
    if moment is None:
        return str(value or "")
    if not isinstance(moment, datetime):
        return format_date(moment, "medium")
    return format_datetime(moment, "medium" if with_seconds else "short")


def format_day(value: date | datetime | str | None) -> str:
    """A date (no time) in the page's language."""
    moment = _as_datetime(value)
    if moment is None:
        return str(value or "")
    return format_date(moment, "medium")


def measurement_lines(record) -> list[tuple[str, str]]:
    """The record's measurements in the unit it was entered in, with the cm/kg value alongside."""
    lines = []
    for name in MEASUREMENT_FIELDS:
        value = getattr(record, name)
        if value is not None:
            shown = from_cm(value, record.length_unit)
            suffix = "" if record.length_unit == "cm" else f" ({format_number(value)} cm)"
            lines.append((field_label(name), f"{format_number(shown)} {record.length_unit}{suffix}"))
    if record.weight_kg is not None:
        shown = from_kg(record.weight_kg, record.weight_unit)
        suffix = "" if record.weight_unit == "kg" else f" ({format_number(record.weight_kg)} kg)"
        lines.append((field_label("weight_kg"), f"{format_number(shown)} {record.weight_unit}{suffix}"))
    return lines


def init_app(app: Flask) -> None:
    """Register the filters and globals."""
    app.jinja_env.filters.update(
        year=format_year,
        number=format_number,
        when=format_when,
        day=format_day,
        status_label=status_label,
        role_label=role_label,
        field_label=field_label,
        change_label=change_label,
        verdict_label=verdict_label,
        channel_label=channel_label,
        maker_qualifier=maker_qualifier_label,
        acquisition_method=acquisition_method_label,
        history_value=history_value,
        red_list_status=red_list_status,
        evidence_label=evidence_label,
        known_message=known_message,
    )
    app.jinja_env.globals.update(
        STATUS_LABELS=STATUS_TEXT,
        LOSS_STATUSES=LOSS_STATUSES,
        TEXT_FIELDS=TEXT_FIELDS,
        measurement_lines=measurement_lines,
        nav_links=visible_nav_links,
        error_title=error_title,
        error_message=error_message,
    )
