"""`registry import-objects`: counts, idempotence, rejected rows with reasons, nothing half-written."""

import csv
import json

import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import ObjectRecord, Photo, RecordChange
from registry.services.importer import CSV_COLUMNS


def _write_csv(path, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({column: row.get(column, "") for column in CSV_COLUMNS})
    return path


def _row(number, **overrides):
    row = {
        "object_number": number, "object_type": "Cylinder seal", "materials": "chlorite", "techniques": "carved",
        "measurements": "H 3.5 cm; Diam. 1.8 cm", "inscriptions": "Three lines of text", "distinguishing_features": "Chipped end",
        "title": f"Seal {number}", "subject": "Presentation scene", "date_period": "2300-2100 BC", "maker": "",
        "description": "A carved seal.", "status": "stolen", "photos": "",
    }
    row.update(overrides)
    return row


@pytest.fixture(autouse=True)
def museum(app):
    """The institution the imports go into (an import never creates one unless asked)."""
    from registry.services.objects import institution_named

    institution = institution_named("Museum of Testing")
    db.session.commit()
    return institution


@pytest.fixture
def photos_dir(tmp_path, make_image):
    folder = tmp_path / "photos"
    folder.mkdir()
    for seed in range(1, 5):
        (folder / f"p{seed}.jpg").write_bytes(make_image(seed))
    (folder / "broken.jpg").write_bytes(make_image(9)[:400])
    return folder


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _import(runner, csv_path, photos_dir, *extra):
    return runner.invoke(args=["import-objects", str(csv_path), "--photos", str(photos_dir), "--institution", "Museum of Testing", *extra])


def test_import_counts_created_updated_and_rejected(runner, tmp_path, photos_dir):
    csv_path = _write_csv(tmp_path / "objects.csv", [
        _row("S-1", photos="p1.jpg;p2.jpg"),
        _row("S-2", photos="p3.jpg", status="inventory"),
        _row("S-3", object_type=""),
        _row("S-4", status="misplaced"),
        _row("S-5", photos="missing.jpg"),
    ])
    result = _import(runner, csv_path, photos_dir, "--json")
    assert result.exit_code == 3, result.output  # rows were rejected
    report = json.loads(result.stdout)
    assert (report["created"], report["updated"], report["rejected"]) == (2, 0, 3)
    reasons = {r["row"]: r["reason"] for r in report["rejected_rows"]}
    assert "type of object is required" in reasons[4]
    assert "unknown status" in reasons[5]
    assert "missing.jpg: no such file" in reasons[6]
    record = db.session.scalar(select(ObjectRecord).where(ObjectRecord.object_number == "S-1"))
    assert record.status == "stolen" and record.height_cm == 3.5 and record.diameter_cm == 1.8
    assert record.year_from == -2300 and len(record.current_photos) == 2


def test_re_running_the_same_file_creates_nothing_twice(runner, tmp_path, photos_dir):
    csv_path = _write_csv(tmp_path / "objects.csv", [_row("S-1", photos="p1.jpg"), _row("S-2")])
    assert json.loads(_import(runner, csv_path, photos_dir, "--json").stdout)["created"] == 2
    again = json.loads(_import(runner, csv_path, photos_dir, "--json").stdout)
    assert (again["created"], again["updated"], again["unchanged"], again["rejected"]) == (0, 0, 2, 0)
    assert _count(ObjectRecord) == 2 and _count(Photo) == 1


def test_changed_rows_update_records_and_their_history(runner, tmp_path, photos_dir):
    _import(runner, _write_csv(tmp_path / "a.csv", [_row("S-1")]), photos_dir)
    changed = _write_csv(tmp_path / "b.csv", [_row("S-1", title="Seal of a scribe", status="recovered", photos="p4.jpg")])
    report = json.loads(_import(runner, changed, photos_dir, "--json").stdout)
    assert report["updated"] == 1 and report["created"] == 0
    fields = {c.field for c in db.session.scalars(select(RecordChange).where(RecordChange.action != "created"))}
    assert {"title", "status", "photos"} <= fields


def test_a_failing_row_leaves_nothing_half_written(runner, tmp_path, photos_dir):
    csv_path = _write_csv(tmp_path / "objects.csv", [_row("S-1", photos="p1.jpg;broken.jpg"), _row("S-2", photos="p2.jpg")])
    report = json.loads(_import(runner, csv_path, photos_dir, "--json").stdout)
    assert report["created"] == 1 and report["rejected"] == 1
    assert "broken.jpg" in report["rejected_rows"][0]["reason"]
    numbers = db.session.scalars(select(ObjectRecord.object_number)).all()
    assert numbers == ["S-2"]
    assert _count(Photo) == 1 and _count(RecordChange) == 2


def test_photo_paths_cannot_leave_the_photos_folder(runner, tmp_path, photos_dir, make_image):
    (tmp_path / "secret.jpg").write_bytes(make_image(5))
    csv_path = _write_csv(tmp_path / "objects.csv", [_row("S-1", photos="../secret.jpg")])
    report = json.loads(_import(runner, csv_path, photos_dir, "--json").stdout)
    assert report["rejected"] == 1 and "outside the photos folder" in report["rejected_rows"][0]["reason"]


def test_plain_output_names_each_rejected_row(runner, tmp_path, photos_dir):
    csv_path = _write_csv(tmp_path / "objects.csv", [_row("S-1"), _row("", title="x")])
    result = _import(runner, csv_path, photos_dir)
    assert "created: 1, updated: 0, unchanged: 0, rejected: 1" in result.stdout
    assert "row 3 (no object number): the object number (inventory number) is required" in result.stdout


def test_file_without_required_columns_is_refused(runner, tmp_path, photos_dir):
    bad = tmp_path / "bad.csv"
    bad.write_text("number,kind\n1,vase\n", encoding="utf-8")
    result = _import(runner, bad, photos_dir, "--json")
    assert result.exit_code != 0
    assert "no column object_number, object_type" in result.output
    assert _count(ObjectRecord) == 0


def test_institution_is_required(runner, tmp_path):
    csv_path = _write_csv(tmp_path / "objects.csv", [_row("S-1")])
    result = runner.invoke(args=["import-objects", str(csv_path), "--json"])
    assert "no institution" in json.loads(result.stdout)["rejected_rows"][0]["reason"]


def test_text_longer_than_its_column_is_rejected_with_its_row(runner, tmp_path, photos_dir):
    csv_path = _write_csv(tmp_path / "objects.csv", [_row("S-1"), _row("S-2", title="x" * 301), _row("L" * 101)])
    report = json.loads(_import(runner, csv_path, photos_dir, "--json").stdout)
    assert report["created"] == 1 and report["rejected"] == 2
    assert "longer than 300 characters" in report["rejected_rows"][0]["reason"]
    assert "longer than 100 characters" in report["rejected_rows"][1]["reason"]


def test_signatures_computed_ahead_are_the_ones_stored_and_none_is_left_over(runner, tmp_path, photos_dir, monkeypatch):
    from PIL import Image

    from registry import matching
    from registry.models import StoredSignature
    from registry.services import index

    computed_here = []
    compute = matching.compute_signature
    monkeypatch.setattr(matching, "compute_signature", lambda image: computed_here.append(1) or compute(image))
    csv_path = _write_csv(tmp_path / "objects.csv", [
        _row("A-1", photos="p1.jpg"), _row("A-2", object_type="", photos="p2.jpg"),  # rejected: its signature unused
        _row("A-3", photos="p3.jpg;p4.jpg"),
    ])
    result = _import(runner, csv_path, photos_dir, "--json")
    assert json.loads(result.output.splitlines()[-1])["created"] == 2
    assert len(computed_here) == 4  # each photo once, in the thread that runs ahead; the rejected row's too
    assert index._COMPUTED_AHEAD == {}
    for signature in db.session.scalars(select(StoredSignature)):
        photo = db.session.get(Photo, signature.photo_id)
        fresh = compute(Image.open(photos_dir / photo.original_filename).convert("RGB"))
        assert (signature.index_key, signature.features) == (fresh.index_key, fresh.features)


def test_an_import_leaves_the_signatures_another_import_computes_ahead(runner, tmp_path, photos_dir):
    from concurrent.futures import Future

    from registry.services import index

    anothers = Future()
    index._COMPUTED_AHEAD["f" * 64] = anothers  # another import's photo, in another thread of a web worker
    try:
        csv_path = _write_csv(tmp_path / "objects.csv", [_row("B-1", photos="p1.jpg"), _row("B-2", object_type="", photos="p2.jpg")])
        _import(runner, csv_path, photos_dir, "--json")
        assert index._COMPUTED_AHEAD == {"f" * 64: anothers} and not anothers.cancelled()
    finally:
        index._COMPUTED_AHEAD.clear()


def test_an_unknown_institution_is_refused_with_the_closest_names(runner, tmp_path, photos_dir):
    from registry.models import Institution
    from registry.services.objects import institution_named

    institution_named("Musée des Testeurs")
    db.session.commit()
    csv_path = _write_csv(tmp_path / "objects.csv", [_row("S-1"), _row("S-2")])
    result = runner.invoke(args=["import-objects", str(csv_path), "--photos", str(photos_dir), "--institution", "Musuem of Testing"])
    assert result.exit_code == 2, result.output
    assert "no institution named 'Musuem of Testing'; did you mean 'Museum of Testing'" in result.output
    assert "--create-institution" in result.output
    assert _count(ObjectRecord) == 0 and _count(Institution) == 2


def test_a_short_misspelling_still_gets_a_suggestion(app):
    from registry.services.institutions import closest_institution_names

    assert closest_institution_names("Musuem") == ["Museum of Testing"]
    assert closest_institution_names("museum  of testing") == ["Museum of Testing"]
    assert closest_institution_names("Völkerkundemuseum Zürich") == []


def test_rows_naming_an_unknown_institution_are_rejected_and_the_others_imported(runner, tmp_path, photos_dir):
    from registry.models import Institution

    csv_path = _write_csv(tmp_path / "objects.csv", [_row("S-1"), _row("S-2")])
    text = csv_path.read_text(encoding="utf-8").splitlines()
    with_column = [text[0] + ",institution", text[1] + ",Museum of Testing", text[2] + ",Museum of Tseting"]
    csv_path.write_text("\n".join(with_column) + "\n", encoding="utf-8")
    result = runner.invoke(args=["import-objects", str(csv_path), "--json"])
    assert result.exit_code == 3, result.output
    report = json.loads(result.stdout)
    assert (report["created"], report["rejected"]) == (1, 1)
    assert "did you mean 'Museum of Testing'" in report["rejected_rows"][0]["reason"]
    assert _count(Institution) == 1


def test_create_institution_creates_it(runner, tmp_path, photos_dir):
    from registry.models import Institution

    csv_path = _write_csv(tmp_path / "objects.csv", [_row("S-1")])
    result = runner.invoke(args=["import-objects", str(csv_path), "--photos", str(photos_dir), "--institution",
                                 "Museum of New Things", "--create-institution", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["created"] == 1
    assert db.session.scalar(select(Institution).where(Institution.name == "Museum of New Things")).records[0].object_number == "S-1"


def test_exit_codes_are_documented_in_the_help(runner):
    from registry import PROJECT_ROOT

    help_text = runner.invoke(args=["import-objects", "--help"]).output
    for line in ("0  every row was imported", "1  the import could not run or stopped", "2  wrong usage",
                 "3  the import ran to the end but one or more rows were rejected"):
        assert line in help_text
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert "--create-institution" in readme and "| 3 |" in readme


def test_an_unreadable_file_exits_1(runner, tmp_path, photos_dir):
    bad = tmp_path / "bad.csv"
    bad.write_text("number,kind\n1,vase\n", encoding="utf-8")
    assert _import(runner, bad, photos_dir).exit_code == 1
