"""How long a worker takes to load the photo index from the database (it does so as it starts: wsgi.py).

    python bench/index_load.py [--photos N] [--database-url URL]   # default 200 000 photos in a temporary SQLite file
    python bench/index_load.py --photos 10000000 --database-url URL --fill-in-database --keep   # 10 M, PostgreSQL
    python bench/index_load.py --photos 10000000 --database-url URL --reuse                     # again, no fill
    python bench/index_load.py --photos 1000000 --database-url URL --reuse --loads 1 --probes 6  # + reconcile, probes

Fills an empty database with N records of one photo each (half reported stolen), their signatures carrying
SYNTHETIC random index keys (the features are not read by a load), then times ``LiveIndex.sync()`` from
cold: the read of every live photo's key and its insertion into the two in-memory indexes, and the process's
resident memory it added. Also times the periodic comparison of an index with the database
(``database_digest()`` and ``LiveIndex.digest()``, what each worker ran every RECONCILE_EVERY_SECONDS until
the comparison went by photo-id range). ``--probes N`` also times N of each: a periodic round
(``LiveIndex.reconcile()``), ``GET /readyz`` and ``GET /metrics`` through the app's test client, and the SQL
each ran; it uses only what older registries have too, so the same script run from an older checkout
gives the "before" figures. Prints JSON.

``--fill-in-database`` (PostgreSQL) writes the rows with ``INSERT ... SELECT`` over ``generate_series``, a
million at a time, copying one record, photo and signature made through the models (so every column the
application needs is there): 10 M photos in minutes instead of hours through the driver. ``--keep`` leaves
the rows for a later ``--reuse`` (and for bench/preload.py); without it the tables are dropped at the end.
"""
from __future__ import annotations

import argparse
import ctypes
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from registry import create_app  # noqa: E402
from registry.extensions import db  # noqa: E402
from registry.matching import ALGORITHM_VERSION, warm_up  # noqa: E402
from registry.matching.signature import KEY_WORDS  # noqa: E402
from registry.models import Institution, ObjectRecord, Photo, StoredSignature  # noqa: E402
from registry.services.index import RECONCILE_EVERY_SECONDS, LiveIndex, database_digest  # noqa: E402

CHUNK = 50_000
SQL_CHUNK = 1_000_000


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


def fill_in_database(n: int) -> None:
    """N records, photos and signatures written by the database itself from one template of each (PostgreSQL);
    the keys are 48 bytes of three MD5s of the id (as random as a load needs: it never compares them)."""
    fill(1, np.random.default_rng(1))
    overrides = {
        ObjectRecord.__table__: {"id": "g", "object_number": "'B-' || g",
                                 "status": "CASE WHEN g % 2 = 1 THEN 'stolen' ELSE 'inventory' END"},
        Photo.__table__: {"id": "g", "record_id": "g", "sha256": "lpad(to_hex(g), 64, '0')"},
        StoredSignature.__table__: {"id": "g", "photo_id": "g", "index_key":
                                    "decode(md5(g::text) || md5((g + 1)::text) || md5((g + 2)::text), 'hex')"},
    }
    template_id = {ObjectRecord.__table__: 1, Photo.__table__: 1,
                   StoredSignature.__table__: db.session.scalar(select(StoredSignature.id))}
    for start in range(2, n + 1, SQL_CHUNK):
        end = min(n, start + SQL_CHUNK - 1)
        for table, columns in overrides.items():
            names = [c.name for c in table.columns]
            values = ", ".join(columns.get(name, f"t.{name}") for name in names)
            db.session.execute(text(
                f"INSERT INTO {table.name} ({', '.join(names)}) SELECT {values} "
                f"FROM generate_series({start}, {end}) AS g, {table.name} AS t WHERE t.id = {template_id[table]}"))
        db.session.commit()
        print(f"filled {end:,d} / {n:,d}", file=sys.stderr, flush=True)
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def rss_bytes() -> int:
    """This process's resident memory (Linux), after the C allocator has handed back what it kept of freed
    temporaries (the load's chunks): what stays is the index."""
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=200_000)
    parser.add_argument("--database-url", help="an empty, disposable database (default: a temporary SQLite file)")
    parser.add_argument("--fill-in-database", action="store_true", help="PostgreSQL: fill with INSERT ... SELECT")
    parser.add_argument("--keep", action="store_true", help="leave the rows in --database-url")
    parser.add_argument("--reuse", action="store_true", help="--database-url already holds --photos photos: no fill")
    parser.add_argument("--loads", type=int, default=3, help="timed loads (the median is reported)")
    parser.add_argument("--probes", type=int, default=0, help="also time this many reconcile rounds, /readyz, /metrics")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite"
        app = create_app({"DATABASE_URL": url, "MEDIA_DIR": tmp, "SECRET_KEY": "bench"})
        with app.app_context():
            started = time.perf_counter()
            if not args.reuse:
                db.create_all()
                if args.fill_in_database:
                    fill_in_database(args.photos)
                else:
                    fill(args.photos, np.random.default_rng(1))
            filled = time.perf_counter() - started
            warm_up()  # compiled once per machine (cached on disk): not part of a load
            timings, rss_added = [], []
            for _ in range(args.loads):
                index = None
                before = rss_bytes()
                index = LiveIndex()
                started = time.perf_counter()
                index.sync()
                timings.append(time.perf_counter() - started)
                rss_added.append(rss_bytes() - before)
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
                      "load_s_all": [round(t, 2) for t in timings],
                      "indexed": len(index.everything), "reported": len(index.reported),
                      "index_arrays_bytes_per_photo": round(_array_bytes(index) / len(index.everything), 1),
                      "rss_added_bytes_per_photo": round(float(np.median(rss_added)) / len(index.everything), 1),
                      "digest_database_ms_median": round(float(np.median(database_s)) * 1000, 1),
                      "digest_index_ms_median": round(float(np.median(index_s)) * 1000, 1),
                      "digest_every_s": RECONCILE_EVERY_SECONDS}
            if args.probes:
                report["probes"] = time_probes(app, index, args.probes)
            db.session.remove()
            if args.database_url and not args.keep:
                db.drop_all()
            db.engine.dispose()
    print(json.dumps(report, indent=1))


def time_probes(app, index: LiveIndex, n: int) -> dict:
    """Milliseconds (median, max) of a periodic comparison round, a /readyz and a /metrics of a worker whose index
    is ``index``, with the statements each ran and the slowest one's start."""
    from sqlalchemy import event

    app.extensions["registry_live_index"] = index
    client = app.test_client()
    statements: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()))

    def timed(run) -> dict:
        seconds, ran = [], []
        for _ in range(n):
            statements.clear()
            started = time.perf_counter()
            run()
            seconds.append(time.perf_counter() - started)
            ran.append(len(statements))
        return {"ms_median": round(float(np.median(seconds)) * 1000, 1), "ms_max": round(max(seconds) * 1000, 1),
                "statements_median": int(np.median(ran))}

    def probe(path: str):
        def get():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code, response.get_data(as_text=True)[:500])
        return get

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        report = {"reconcile_round": timed(index.reconcile)}
        comparisons = getattr(index, "comparisons", None)
        if comparisons is not None and comparisons.last is not None:
            report["reconcile_round"]["last_range"] = comparisons.last.ids.as_list()
        report["readyz"] = timed(probe("/readyz"))
        report["metrics"] = timed(probe("/metrics"))
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    db.session.remove()
    return report


def _array_bytes(index: LiveIndex) -> float:
    """Bytes of both in-memory indexes' arrays (every live photo, and the photos of lost objects)."""
    return sum(i.memory_bytes_per_photo() * len(i) for i in (index.everything, index.reported))


if __name__ == "__main__":
    main()
