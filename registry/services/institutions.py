"""Institutions that register objects and law-enforcement agencies: finding one by name (suggesting the names meant
by a misspelt one), and their contact details, created and changed by an admin with every change audited."""

from __future__ import annotations

import difflib
import json
import re
from typing import Any, Mapping

from sqlalchemy import select

from registry.extensions import db
from registry.input_guard import has_control_characters
from registry.messages import N_, ReadableError
from registry.models import Agency, Institution
from registry.models.objects import CONTACT_FIELDS
from registry.services.accounts import audit

SUGGESTIONS = 3  # closest names offered for an unknown one
SUGGESTION_CUTOFF = 0.6  # difflib's ratio below which a name is not offered ("Musuem" -> "Museum of X": 0.6+)


def normalise_name(name: str | None) -> str:
    """An institution's name as stored: runs of white space made one space, ends trimmed."""
    return " ".join((name or "").split())


def find_institution(name: str | None) -> Institution | None:
    """The institution with this name (after :func:`normalise_name`), or None."""
    name = normalise_name(name)
    return db.session.scalar(select(Institution).where(Institution.name == name)) if name else None


def closest_institution_names(name: str | None, limit: int = SUGGESTIONS) -> list[str]:
    """Names of existing institutions nearest to ``name`` (case and spacing ignored), best first."""
    wanted = normalise_name(name).casefold()
    names = list(db.session.scalars(select(Institution.name)))
    by_folded = {n.casefold(): n for n in names}
    close = difflib.get_close_matches(wanted, list(by_folded), n=limit, cutoff=SUGGESTION_CUTOFF)
    # a short misspelling of a long name ("Musuem" for "Museum of Testing") scores low as a whole: compare with
    # the name's opening words of the same length too
    if len(close) < limit:
        openings = {n[: len(wanted) + 2]: n for n in by_folded}
        for opening in difflib.get_close_matches(wanted, list(openings), n=limit, cutoff=SUGGESTION_CUTOFF + 0.1):
            if openings[opening] not in close:
                close.append(openings[opening])
    return [by_folded[n] for n in close[:limit]]


CREATE_WITH_THE_CLI = "pass --create-institution to create it"
CREATE_AS_ADMIN = "an administrator creates institutions under Administration > Institutions"


def unknown_institution_message(name: str, remedy: str = CREATE_WITH_THE_CLI) -> str:
    """Why an import into an institution that does not exist is refused, with the names probably meant (English:
    the CLI's and the API's import reports are in English)."""
    suggestions = closest_institution_names(name)
    hint = f"; did you mean {' or '.join(repr(s) for s in suggestions)}?" if suggestions else ""
    return f"no institution named {normalise_name(name)!r}{hint} ({remedy})"


class ContactError(ReadableError):
    """Contact details or a name that cannot be saved; the message says which and why."""

    def __init__(self, template: str, field: str | None = None, **params: Any) -> None:
        super().__init__(template, **params)
        self.field = field


NAME_LENGTH = 200
CONTACT_LENGTHS = {"postal_address": 1000, "phone": 50, "enquiry_email": 254, "website": 300}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()./-]{3,}$")
_WEBSITE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
KINDS: dict[str, type] = {"institution": Institution, "agency": Agency}


def clean_contact(values: Mapping[str, Any]) -> dict[str, str]:
    """The contact details trimmed and checked; raise ContactError naming the first wrong field."""
    clean = {name: str(values.get(name) or "").strip() for name in CONTACT_FIELDS}
    clean["postal_address"] = "\n".join(line.strip() for line in clean["postal_address"].splitlines() if line.strip())
    for name, value in clean.items():
        if has_control_characters(value.replace("\n", " ")):
            raise ContactError(N_("%(label)s contains a control character; remove it and send again"), name, label=name)
        if len(value) > CONTACT_LENGTHS[name]:
            raise ContactError(N_("%(label)s is longer than %(limit)s characters"), name, label=name,
                               limit=CONTACT_LENGTHS[name])
    if clean["enquiry_email"] and not _EMAIL.match(clean["enquiry_email"]):
        raise ContactError(N_("the enquiry e-mail address is not an e-mail address"), "enquiry_email")
    if clean["phone"] and not _PHONE.match(clean["phone"]):
        raise ContactError(N_("the phone number may hold only digits, spaces, + ( ) . / and -"), "phone")
    if clean["website"] and not _WEBSITE.match(clean["website"]):
        raise ContactError(N_("the website must be an address starting with https:// or http://"), "website")
    return clean


def _clean_name(kind: str, name: str, current: Institution | Agency | None) -> str:
    name = normalise_name(name)
    if not name:
        raise ContactError(N_("the name is required"), "name")
    if has_control_characters(name):
        raise ContactError(N_("%(label)s contains a control character; remove it and send again"), "name", label="name")
    if len(name) > NAME_LENGTH:
        raise ContactError(N_("%(label)s is longer than %(limit)s characters"), "name", label="name", limit=NAME_LENGTH)
    model = KINDS[kind]
    other = db.session.scalar(select(model).where(model.name == name))
    if other is not None and other is not current:
        raise ContactError(N_("%(name)s already exists"), "name", name=name)
    return name


def save_organisation(kind: str, current: Institution | Agency | None, name: str, contact: Mapping[str, Any],
                      actor: str, actor_user_id: int | None = None) -> Institution | Agency:
    """Create (``current`` None) or change an institution or agency, with its contact details; committed, and the
    change audited with the old and new values of every field that changed.

    :param kind: "institution" or "agency".
    """
    name = _clean_name(kind, name, current)
    values = {"name": name, **clean_contact(contact)}
    organisation = current if current is not None else KINDS[kind]()
    old = {field: getattr(organisation, field) or "" for field in values} if current is not None else {}
    changed = {field: value for field, value in values.items() if old.get(field, "") != value or current is None}
    if current is not None and not changed:
        return organisation
    for field, value in values.items():
        setattr(organisation, field, value)
    if current is None:
        db.session.add(organisation)
    db.session.flush()
    audit(actor, kind, organisation.id, f"{kind}_created" if current is None else f"{kind}_updated",
          old=json.dumps({f: old[f] for f in changed}, ensure_ascii=False) if current is not None else None,
          new=json.dumps(changed, ensure_ascii=False), actor_user_id=actor_user_id)
    db.session.commit()
    return organisation


def agency_named(name: str | None) -> Agency | None:
    """The agency with this name (as an officer's account names it), or None."""
    name = normalise_name(name)
    return db.session.scalar(select(Agency).where(Agency.name == name)) if name else None
