"""Institutions that register objects: finding one by name, and suggesting the names meant by a misspelt one."""

from __future__ import annotations

import difflib

from sqlalchemy import select

from registry.extensions import db
from registry.models import Institution

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
