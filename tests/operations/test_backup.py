"""Backup, verify and restore (issue 27) on the test database: SQLite always, PostgreSQL when REGISTRY_DATABASE_URL
names one (CI runs the suite on both). Back up, change and delete, restore: every table's rows and every photo's
SHA-256 are as in the manifest, and a check gives the same answer as before."""

from __future__ import annotations

import json
import os

import pytest
from sqlalchemy import select, text

from registry import create_app
from registry.backup.manifest import Manifest
from registry.extensions import db
from registry.models import ObjectRecord
from tests.conftest import reset_postgres_schema
from tests.operations.conftest import another_view

pytestmark = pytest.mark.skipif(
    os.environ.get("REGISTRY_DATABASE_URL", "").startswith("postgres") and not __import__("shutil").which("pg_dump"),
    reason="pg_dump is not installed (apt-get install postgresql-client)")


@pytest.fixture
def registry_with_evidence(app, register, check_answer):
    """Three records (two reported stolen), a logged check whose photo is kept, and that check's answer."""
    register("B-1", [11, 12], status="stolen")
    register("B-2", [13], status="stolen")
    register("B-3", [14], status="inventory")
    answer = check_answer(another_view(11))
    assert answer and answer[0][1] == "match", answer
    return answer


def _run(runner, *args):
    result = runner.invoke(args=list(args))
    return result, (json.loads(result.stdout) if "--json" in args and result.stdout.strip().startswith("{") else None)


def _change_and_delete(app, register) -> None:
    """After the backup: a record edited, one added, a history row and a photo file lost."""
    from registry.services.objects import update_record
    from registry.services.photos import media_store

    record = db.session.scalar(select(ObjectRecord).where(ObjectRecord.object_number == "B-2"))
    update_record(record, {"title": "Changed after the backup"}, "test")
    register("B-4", [15], status="stolen")
    with db.engine.begin() as connection:
        connection.execute(text("DELETE FROM record_changes WHERE id = (SELECT min(id) FROM record_changes)"))
    store = media_store()
    lost = next(key for key in store.storage.keys() if key.startswith("originals/"))
    store.storage.delete(lost)
    db.session.remove()


def test_backup_then_change_and_delete_then_restore_is_exact(app, runner, register, registry_with_evidence,
                                                             check_answer, tmp_path):
    from registry.backup.archive import check_restored
    from registry.services.photos import media_store

    result, summary = _run(runner, "backup", "--output", str(tmp_path / "backup"), "--json")
    assert result.exit_code == 0, result.output
    manifest = Manifest.read(tmp_path / "backup")
    assert manifest.dialect == db.engine.dialect.name
    assert manifest.tables["object_records"] == 3 and manifest.tables["checks"] == 1
    assert summary["photo_files"] == len(manifest.media) >= 3 * 5  # 5 photos (4 registered, 1 checked) x 3 files
    assert {key.split("/")[0] for key in manifest.media} == {"originals", "display", "thumb"}

    _change_and_delete(app, register)
    assert not check_restored(db.engine, media_store().storage, manifest).ok  # the registry has moved on

    result, report = _run(runner, "restore", str(tmp_path / "backup"), "--json")
    assert result.exit_code != 0 and "not empty" in result.output  # refused without --force: nothing touched
    assert db.session.scalar(select(ObjectRecord).where(ObjectRecord.object_number == "B-4")) is not None

    result, report = _run(runner, "restore", str(tmp_path / "backup"), "--force", "--json")
    assert result.exit_code == 0, result.output
    assert report["ok"] and report["problems"] == [] and report["checked_files"] == len(manifest.media)
    db.session.remove()
    verification = check_restored(db.engine, media_store().storage, manifest)
    assert verification.ok, verification.problems  # every count and every photo hash as in the manifest
    assert sorted(media_store().storage.keys()) == sorted(manifest.media)  # the file added after the backup is gone
    assert db.session.scalar(select(ObjectRecord).where(ObjectRecord.object_number == "B-4")) is None
    assert db.session.scalar(select(ObjectRecord.title).where(ObjectRecord.object_number == "B-2")) == ""
    # the restore dropped the process's photo index: the same check, answered from the restored data, is the same
    assert check_answer(another_view(11)) == registry_with_evidence


def test_restore_into_an_empty_database_and_media_store(app, app_config, runner, registry_with_evidence, tmp_path,
                                                        check_answer):
    assert runner.invoke(args=["backup", "--output", str(tmp_path / "b.tar.gz")]).exit_code == 0
    manifest_tables = _tables_now()
    config = dict(app_config, MEDIA_DIR=str(tmp_path / "empty-media"))
    if db.engine.dialect.name == "sqlite":
        config["DATABASE_URL"] = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    else:
        db.session.remove()
        reset_postgres_schema()  # the same PostgreSQL database, emptied
    fresh = create_app(config)
    with fresh.app_context():
        result = fresh.test_cli_runner().invoke(args=["restore", str(tmp_path / "b.tar.gz")])
        assert result.exit_code == 0, result.output
        assert "as in the manifest" in result.output
        assert _tables_now() == manifest_tables
        from registry.services.checks import QueryPhoto, run_check
        from registry.services.photos import decode_query_upload

        _, results = run_check([QueryPhoto("suspect.jpg", decode_query_upload(another_view(11), "s.jpg"))], {}, "test",
                               "web", all_statuses=True)
        assert [(c["record_id"], c["verdict"], c["score"]) for c in results[0]["candidates"]] == registry_with_evidence
        db.session.remove()
        db.engine.dispose()


def _tables_now() -> dict[str, int]:
    from registry.backup.database import row_counts

    with db.engine.connect() as connection:
        return row_counts(connection)


def test_verify_backup_finds_a_damaged_photo_and_restore_refuses_it(app, runner, registry_with_evidence, tmp_path):
    folder = tmp_path / "backup"
    assert runner.invoke(args=["backup", "--output", str(folder)]).exit_code == 0
    result = runner.invoke(args=["verify-backup", str(folder)])
    assert result.exit_code == 0 and "sound" in result.output, result.output

    manifest = Manifest.read(folder)
    damaged = next(key for key in manifest.media if key.startswith("originals/"))
    (folder / "media" / damaged).write_bytes(b"not the photo")
    result, report = _run(runner, "verify-backup", str(folder), "--json")
    assert result.exit_code == 1 and not report["ok"]
    assert any(damaged in problem for problem in report["problems"])
    result = runner.invoke(args=["restore", str(folder), "--force"])
    assert result.exit_code != 0 and "does not match its manifest" in result.output


def test_a_damaged_database_copy_is_found(app, runner, registry_with_evidence, tmp_path):
    folder = tmp_path / "backup"
    assert runner.invoke(args=["backup", "--output", str(folder)]).exit_code == 0
    manifest = Manifest.read(folder)
    with (folder / manifest.database_file).open("r+b") as copy:
        copy.seek(200)
        copy.write(b"\xff" * 64)
    result, report = _run(runner, "verify-backup", str(folder), "--json")
    assert result.exit_code == 1 and any("database copy" in problem for problem in report["problems"])


def test_a_second_backup_copies_only_new_photos(app, runner, register, registry_with_evidence, tmp_path):
    first, second = tmp_path / "monday", tmp_path / "tuesday"
    _, one = _run(runner, "backup", "--output", str(first), "--json")
    assert one["copied"] == one["photo_files"] and one["kept"] == one["linked"] == 0
    register("B-9", [19])
    _, again = _run(runner, "backup", "--output", str(first), "--json")  # the same folder, brought up to date
    assert (again["copied"], again["kept"]) == (3, one["photo_files"])
    _, linked = _run(runner, "backup", "--output", str(second), "--link-dest", str(first), "--json")
    assert (linked["copied"], linked["linked"]) == (0, again["photo_files"])
    key = next(iter(Manifest.read(second).media))
    assert (second / "media" / key).stat().st_ino == (first / "media" / key).stat().st_ino  # one file on disk
    assert runner.invoke(args=["verify-backup", str(second)]).exit_code == 0
