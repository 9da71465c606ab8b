"""A printable catalogue of a selection of records (ICOM's "One Hundred Missing Objects" is the model): which records a
selection holds, within what the reader may see. No Flask."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from registry.messages import N_, ReadableError
from registry.models import Institution, ObjectRecord
from registry.objectid.standard import STATUSES
from registry.policy import Principal
from registry.replica import reads
from registry.services.search import RecordQuery, search_statement

MAX_OBJECTS = 200  # two objects a page: a 100-page booklet at most


class CatalogueError(ReadableError):
    """A selection that cannot be printed as asked; the message says why."""


@dataclass
class Selection:
    """What to print: a search's words, a status, an institution (each optional), and a title for the cover."""

    text: str = ""
    status: str = ""
    institution: str = ""
    title: str = ""


@dataclass
class Catalogue:
    """The records of a selection, in print order, and how many the selection holds in all."""

    selection: Selection
    records: list[ObjectRecord]
    total: int

    @property
    def truncated(self) -> bool:
        """True when the selection holds more records than one catalogue prints."""
        return self.total > len(self.records)


def select_records(selection: Selection, principal: Principal, limit: int = MAX_OBJECTS) -> Catalogue:
    """The records of a selection that `principal` may view (an inventory record only within their scope), newest first.

    :raises CatalogueError: for an unknown status or institution.
    """
    if selection.status and selection.status not in STATUSES:
        raise CatalogueError(N_("unknown status '%(status)s'"), status=selection.status)
    institution_id = None
    if selection.institution.strip():
        institution_id = reads().scalar(select(Institution.id).where(Institution.name == selection.institution.strip()))
        if institution_id is None:
            raise CatalogueError(N_("no institution is named '%(name)s'"), name=selection.institution.strip())
    query = RecordQuery(text=selection.text, status=selection.status, institution_id=institution_id)
    statement = search_statement(query, principal)
    total = reads().scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    records = list(reads().scalars(statement.limit(max(1, min(limit, MAX_OBJECTS)))))
    return Catalogue(selection, records, total or 0)


def institution_names() -> list[str]:
    """Every institution's name, for the selection form."""
    return list(reads().scalars(select(Institution.name).order_by(Institution.name)))
