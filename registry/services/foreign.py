"""Foreign records (pulled from another registry) are read-only here: only a pull from their source writes them."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

from registry.messages import N_
from registry.objectid.standard import InvalidRecord

_PULLING: ContextVar[bool] = ContextVar("pulling_foreign_records", default=False)


@contextmanager
def writing_foreign_records() -> Iterator[None]:
    """While a federation pull writes the records it pulled (the only writer of foreign records)."""
    token = _PULLING.set(True)
    try:
        yield
    finally:
        _PULLING.reset(token)


def refuse_foreign(record) -> None:
    """Refuse a change to a record another registry publishes: it follows its source at each pull.

    :raises InvalidRecord: saying where the record comes from.
    """
    if record.source_id is not None and not _PULLING.get():
        raise InvalidRecord(N_("this record comes from another registry (%(source)s) and cannot be changed here; "
                               "it follows its source at each pull"), source=record.source_url)
