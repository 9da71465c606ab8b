"""How long a worker takes to load the photo index from the database (it does so as it starts: wsgi.py).

    python bench/index_load.py [--photos N] [--database-url URL]   # default 200 000 photos in a temporary SQLite file

Fills an empty database with N records of one photo each (half reported stolen), their signatures carrying
SYNTHETIC random index keys (the features are not read by a load), then times ``LiveIndex.sync()`` from
cold: the read of every live photo's key and its insertion into the two in-memory indexes. Also times the
periodic comparison of an index with the database (``database_digest()`` and ``LiveIndex.digest()``, what each
worker runs every RECONCILE_EVERY_SECONDS). Prints JSON.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from registry import create_app  # noqa: E402
from registry.extensions import db  # noqa: E402
from registry.matching import ALGORITHM_VERSION, warm_up  # noqa: E402
from registry.matching.signature import KEY_WORDS  # noqa: E402
from registry.models import Institution, ObjectRecord, Photo, StoredSignature  # noqa: E402
from registry.services.index import RECONCILE_EVERY_SECONDS, LiveIndex, database_digest  # noqa: E402

CHUNK = 50_000


def fill(n: int, rng: np.random.Generator) -> None:
    """N records, photos and signatures, inserted in bulk."""
    institution = Institution(name="Bench Museum")
    db.session.add(institution)
    db.session.flush()
    for start in range(0, n, CHUNK):
        ids = range(start + 1, min(n, start + CHUNK) + 1)
        db.session.execute(insert(ObjectRecord), [
            {"id": i, "institution_id": institution.id, "object_number": f"B-{i}", "object_type": "Vase",
             "status": "stolen" if i % 2 else "inventory"} for i in ids])
        db.session.execute(insert(Photo), [
            {"id": i, "record_id": i, "sha256": f"{i:064x}", "image_format": "JPEG", "width": 640, "height": 480} for i in ids])
        keys = rng.integers(0, 2**63, size=(len(ids), KEY_WORDS), dtype=np.uint64).astype("<u8")
        db.session.execute(insert(StoredSignature), [
            {"photo_id": i, "algorithm_version": ALGORITHM_VERSION, "index_key": keys[k].tobytes(), "features": b"",
             "hashes": {}} for k, i in enumerate(ids)])
        db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=200_000)
    parser.add_argument("--database-url", help="an empty, disposable database (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite"
        app = create_app({"DATABASE_URL": url, "MEDIA_DIR": tmp, "SECRET_KEY": "bench"})
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            fill(args.photos, np.random.default_rng(1))
            filled = time.perf_counter() - started
            warm_up()  # compiled once per machine (cached on disk): not part of a load
            timings = []
            for _ in range(3):
                index = LiveIndex()
                started = time.perf_counter()
                index.sync()
                timings.append(time.perf_counter() - started)
            database_s, index_s = [], []
            for _ in range(3):
                started = time.perf_counter()
                expected = database_digest()
                database_s.append(time.perf_counter() - started)
                started = time.perf_counter()
                held = index.digest()
                index_s.append(time.perf_counter() - started)
            assert held == expected, (held, expected)
            report = {"photos": args.photos, "database": db.engine.dialect.name, "fill_s": round(filled, 1),
                      "load_s_median": round(float(np.median(timings)), 3),
                      "load_s_per_million": round(float(np.median(timings)) * 1_000_000 / args.photos, 2),
                      "indexed": len(index.everything), "reported": len(index.reported),
                      "digest_database_ms_median": round(float(np.median(database_s)) * 1000, 1),
                      "digest_index_ms_median": round(float(np.median(index_s)) * 1000, 1),
                      "digest_every_s": RECONCILE_EVERY_SECONDS}
            db.session.remove()
            if args.database_url:
                db.drop_all()
            db.engine.dispose()
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
