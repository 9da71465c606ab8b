"""Backup and restore round trip of the demo collection plus N records (issue 27 target: exact at 10 000).

    python bench/backup.py [--records 10000] [--database-url URL] [--restore-url URL]

Fills an empty database (default: a temporary SQLite file) with the demo collection (36 records, real drawn
photos and signatures) and N more records of one real JPEG each (its original, display copy and thumbnail in the
media folder; its signature's index key synthetic, so the index holds them), then times ``registry backup``,
``registry verify-backup`` and ``registry restore`` into an empty database (``--restore-url``, default another
temporary SQLite file; for PostgreSQL an empty database of your own) and an empty media folder, and compares:
rows per table, every photo file's SHA-256, and the answer of a check of a demo photo before and after. Prints JSON.
"""
from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image
from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from registry import create_app  # noqa: E402
from registry.extensions import db  # noqa: E402
from registry.matching import ALGORITHM_VERSION  # noqa: E402
from registry.matching.signature import KEY_WORDS  # noqa: E402
from registry.models import Institution, ObjectRecord, Photo, RecordChange, StoredSignature  # noqa: E402

CHUNK = 1000


def _jpeg(rng: np.random.Generator) -> bytes:
    pixels = np.repeat(np.linspace(0, 255, 320)[None, :, None] * rng.uniform(0.2, 1, 3), 240, axis=0)
    for _ in range(6):
        x, y = rng.integers(0, 280), rng.integers(0, 200)
        pixels[y:y + rng.integers(20, 120), x:x + rng.integers(20, 160)] = rng.integers(0, 256, 3)
    buffer = io.BytesIO()
    Image.fromarray(pixels.clip(0, 255).astype(np.uint8)).save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def fill(n: int, rng: np.random.Generator) -> None:
    """N records of one real photo each (stored through the media store), inserted in bulk."""
    from registry.imaging import decode_photo
    from registry.services.photos import media_store

    store = media_store()
    institution = Institution(name="Bench Museum")
    db.session.add(institution)
    db.session.flush()
    first = (db.session.scalar(select(func.max(ObjectRecord.id))) or 0) + 1
    first_photo = (db.session.scalar(select(func.max(Photo.id))) or 0) + 1
    for start in range(0, n, CHUNK):
        ids = list(range(start, min(n, start + CHUNK)))
        photos = [decode_photo(_jpeg(rng), "b.jpg") for _ in ids]
        for photo in photos:
            store.save(photo)
        db.session.execute(insert(ObjectRecord), [
            {"id": first + i, "institution_id": institution.id, "object_number": f"B-{i}", "object_type": "Vase",
             "materials": "clay", "description": f"Bench record {i}", "status": "stolen" if i % 2 else "inventory"}
            for i in ids])
        db.session.execute(insert(RecordChange), [
            {"record_id": first + i, "changed_by": "bench", "action": "created", "ip": "cli", "new_value": "{}"} for i in ids])
        db.session.execute(insert(Photo), [
            {"id": first_photo + i, "record_id": first + i, "sha256": p.sha256, "image_format": "JPEG", "width": p.width,
             "height": p.height} for i, p in zip(ids, photos)])
        keys = rng.integers(0, 2**63, size=(len(ids), KEY_WORDS), dtype=np.uint64).astype("<u8")
        db.session.execute(insert(StoredSignature), [
            {"photo_id": first_photo + i, "algorithm_version": ALGORITHM_VERSION, "index_key": keys[k].tobytes(),
             "features": b"", "hashes": {}} for k, i in enumerate(ids)])
        db.session.commit()


def check_answer(app, photo: bytes) -> list:
    from registry.services.checks import QueryPhoto, run_check
    from registry.services.photos import decode_query_upload

    with app.app_context():
        _, results = run_check([QueryPhoto("q.jpg", decode_query_upload(photo, "q.jpg"))], {}, "bench", "cli", all_statuses=True)
        db.session.remove()
    return [(c["record_id"], c["verdict"], c["score"]) for c in results[0]["candidates"]]


def timed_cli(app, *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(args=list(args))
    if result.exit_code != 0:
        raise SystemExit(f"registry {' '.join(args)} failed: {result.output}")
    return round(time.perf_counter() - started, 2), result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--database-url", help="an empty, disposable database (default: a temporary SQLite file)")
    parser.add_argument("--restore-url", help="another empty, disposable database to restore into")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = create_app({"DATABASE_URL": args.database_url or f"sqlite:///{tmp}/source.sqlite",
                             "MEDIA_DIR": f"{tmp}/media", "SECRET_KEY": "bench"})
        with source.app_context():
            db.create_all()
            from registry.demo import demo_photos, seed_demo
            from registry.demo.collection import DEMO_RECORDS

            started = time.perf_counter()
            seed_demo("bench")
            fill(args.records, np.random.default_rng(27))
            fill_seconds = round(time.perf_counter() - started, 1)
            db.session.remove()
        query = demo_photos(DEMO_RECORDS[0])[0][0]
        before = check_answer(source, query)
        with source.app_context():
            backup_s, backup_out = timed_cli(source, "backup", "--output", f"{tmp}/backup", "--json")
            again_s, again_out = timed_cli(source, "backup", "--output", f"{tmp}/backup", "--json")
            verify_s, _ = timed_cli(source, "verify-backup", f"{tmp}/backup")
            db.session.remove()
        target = create_app({"DATABASE_URL": args.restore_url or f"sqlite:///{tmp}/target.sqlite",
                             "MEDIA_DIR": f"{tmp}/restored-media", "SECRET_KEY": "bench"})
        with target.app_context():
            restore_s, restore_out = timed_cli(target, "restore", f"{tmp}/backup", "--json")
            db.session.remove()
        after = check_answer(target, query)
        summary = json.loads(backup_out)
        print(json.dumps({
            "database": source.config["SQLALCHEMY_DATABASE_URI"].split(":")[0], "records": 36 + args.records,
            "rows": summary["rows"], "photo_files": summary["photo_files"], "photo_mb": round(summary["photo_bytes"] / 1e6, 1),
            "fill_seconds": fill_seconds, "backup_seconds": backup_s, "second_backup_seconds": again_s,
            "second_backup_copied": json.loads(again_out)["copied"], "verify_seconds": verify_s, "restore_seconds": restore_s,
            "restore_exact": json.loads(restore_out)["ok"], "check_same_answer": before == after and bool(before),
        }, indent=1))


if __name__ == "__main__":
    main()
