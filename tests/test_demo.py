"""The demo collection: enough varied records with photos to search, loaded once."""

from sqlalchemy import func, select

from registry.extensions import db
from registry.models import ObjectRecord, Photo


def test_seed_demo_loads_a_varied_collection_once(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    records = db.session.scalars(select(ObjectRecord)).all()
    assert len(records) >= 30
    assert {"stolen", "missing", "looted", "recovered", "inventory"} <= {r.status for r in records}
    assert len({r.object_type for r in records}) >= 8
    assert all(r.current_photos for r in records)
    assert db.session.scalar(select(func.count()).select_from(Photo)) > len(records)
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "0 record(s) created" in again.output
    assert db.session.scalar(select(func.count()).select_from(ObjectRecord)) == len(records)
