"""An import row whose record another user saves while the row is written: read again and written once more, or
reported as rejected with a reason; never a crash, never half a row."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import ObjectRecord
from registry.services import objects
from registry.services.importer import CHANGED_WHILE_IMPORTED, import_records


@pytest.fixture(autouse=True)
def museum(app):
    objects.institution_named("Museum of Testing")
    db.session.commit()


def _seal(number: str, title: str) -> dict:
    return {"object_number": number, "object_type": "Cylinder seal", "title": title, "status": "stolen"}


def _saved_meanwhile(monkeypatch, save_elsewhere, record_id: int, times: int) -> None:
    """Another user saves the record `times` times, each between the import's read of it and its write."""
    normalise = objects.normalise_fields
    left = [times]

    def racing(fields):
        if left[0] > 0:
            left[0] -= 1
            save_elsewhere(record_id, description=f"saved by a colleague ({times - left[0]})")
        return normalise(fields)

    monkeypatch.setattr(objects, "normalise_fields", racing)


def test_a_row_that_loses_one_race_is_written_again(app, monkeypatch, save_elsewhere):
    assert import_records([(2, _seal("R-1", "First import"))], None, "Museum of Testing", "test").created == 1
    record = db.session.scalar(select(ObjectRecord).where(ObjectRecord.object_number == "R-1"))
    _saved_meanwhile(monkeypatch, save_elsewhere, record.id, times=1)
    report = import_records([(2, _seal("R-1", "Second import"))], None, "Museum of Testing", "test")
    assert (report.updated, report.rejections) == (1, [])
    db.session.expire_all()
    # written again over the colleague's save, as re-running the file would: the file's values win, in the history
    assert (record.title, record.description, record.version) == ("Second import", "", 3)
    changes = {c.field: (c.old_value, c.new_value) for c in record.changes if c.action == "updated"}
    assert changes == {"title": ("First import", "Second import"), "description": ("saved by a colleague (1)", None)}


def test_a_row_that_loses_twice_is_rejected_with_a_reason(app, monkeypatch, save_elsewhere):
    import_records([(2, _seal("R-2", "First import")), (3, _seal("R-3", "Other"))], None, "Museum of Testing", "test")
    record = db.session.scalar(select(ObjectRecord).where(ObjectRecord.object_number == "R-2"))
    _saved_meanwhile(monkeypatch, save_elsewhere, record.id, times=2)
    report = import_records([(2, _seal("R-2", "Second import")), (3, _seal("R-3", "Other, changed"))], None, "Museum of Testing", "test")
    assert report.updated == 1 and [(r.row, r.object_number, r.reason) for r in report.rejections] == [(2, "R-2", CHANGED_WHILE_IMPORTED)]
    db.session.expire_all()
    assert record.title == "First import" and record.description == "saved by a colleague (2)"
