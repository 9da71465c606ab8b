"""Checks through the registry's own service and database, timed as a user gets them (``took_ms``).

bench/run.py times the engine with the registered photos' features held in a dict; a real check also
reads them from the database (up to 100 candidates of ~30 kB), and the 20 best records' fields. Here
the corpus's records are registered through ``services.objects.create_record`` into a new database (a
temporary SQLite file, or the one ``--database-url`` names: it must be empty), and query photos are
checked through ``services.checks.run_check``, as the CLI and the API do, then logged.

    python bench/service.py [--queries N] [--database-url URL] [--json FILE]    # ~1 minute

Prints each kind's ``took_ms`` median and p95 (registered objects and objects not registered), the part
of it spent reading features from the database, and the right record's rank as a check that the
database path finds what the engine does.
"""
from __future__ import annotations

import argparse
import json
import secrets
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402
from registry import create_app  # noqa: E402
from registry.extensions import db  # noqa: E402
from registry.matching import warm_up  # noqa: E402
from registry.services import checks  # noqa: E402
from registry.services.objects import create_record  # noqa: E402
from registry.services.photos import decode_query_upload, decode_upload  # noqa: E402

ACTOR = "bench"
RECORD_NUMBER = "BENCH-{:05d}"


def register_corpus(manifest: dict) -> dict[int, int]:
    """Register every corpus record (status stolen) with its photos; {corpus record id: database record id}."""
    ids = {}
    for r in manifest["records"]:
        photos = [decode_upload((corpus.DEFAULT_DIR / p["path"]).read_bytes(), Path(p["path"]).name) for p in r["photos"]]
        record = create_record("Bench Museum", {"object_number": RECORD_NUMBER.format(r["record_id"]), "object_type": "object",
                                                "title": f"Bench object {r['record_id']}"}, ACTOR, photos=photos,
                               filenames=[Path(p["path"]).name for p in r["photos"]],
                               status_fields={"status": "stolen", "loss_date": date(2026, 1, 1)})
        ids[r["record_id"]] = record.id
    return ids


class _TimedReads:
    """Wraps the service's feature reader to add up the time it takes."""

    def __init__(self, read) -> None:  # noqa: ANN001
        self.read, self.seconds = read, 0.0

    def __call__(self, photo_ids: list[int]) -> dict[int, bytes]:
        started = time.perf_counter()
        try:
            return self.read(photo_ids)
        finally:
            self.seconds += time.perf_counter() - started


def check_queries(queries: list[dict], ids: dict[int, int]) -> list[dict]:
    """Check each query photo through the service; its took_ms, database read time and right record's rank."""
    reads = _TimedReads(checks.load_features)
    checks.load_features = reads
    rows = []
    try:
        for q in queries:
            decoded = decode_query_upload((corpus.DEFAULT_DIR / q["path"]).read_bytes(), Path(q["path"]).name)
            reads.seconds = 0.0
            _, results = checks.run_check([checks.QueryPhoto(q["path"], decoded)], {}, ACTOR, "cli")
            found = [c["record_id"] for c in results[0]["candidates"]]
            right = ids.get(q["record_id"])
            rows.append({"kind": q["kind"], "registered": right is not None, "took_ms": results[0]["took_ms"],
                         "read_ms": 1e3 * reads.seconds,
                         "rank": found.index(right) + 1 if right in found else None,
                         "match": [c["record_id"] for c in results[0]["candidates"] if c["verdict"] == "match"]})
    finally:
        checks.load_features = reads.read
    return rows


def summary(rows: list[dict]) -> dict:
    """took_ms and read time (median, p95) of registered and unregistered objects' checks; R@1; strangers flagged."""
    out = {}
    for label, chosen in (("registered", [r for r in rows if r["registered"]]),
                          ("unregistered", [r for r in rows if not r["registered"]])):
        took, read = np.array([r["took_ms"] for r in chosen]), np.array([r["read_ms"] for r in chosen])
        out[label] = {"n": len(chosen), "took_ms_median": float(np.median(took)), "took_ms_p95": float(np.percentile(took, 95)),
                      "read_ms_median": float(np.median(read)), "read_ms_p95": float(np.percentile(read, 95))}
        if label == "registered":
            out[label]["R@1"] = float(np.mean([r["rank"] == 1 for r in chosen]))
        else:
            out[label]["flagged_match"] = int(sum(bool(r["match"]) for r in chosen))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=120, help="query photos checked (two thirds of registered objects)")
    parser.add_argument("--database-url", help="an empty database to register the corpus into (default: a temporary SQLite file)")
    parser.add_argument("--json", help="also write every check's figures to this file")
    args = parser.parse_args()
    manifest = corpus.load_or_build(corpus.DEFAULT_DIR)
    rng = np.random.default_rng(3)
    registered = [q for q in manifest["queries"] if q["record_id"] is not None]
    strangers = [q for q in manifest["queries"] if q["record_id"] is None]
    n_reg = args.queries * 2 // 3
    queries = ([registered[i] for i in rng.choice(len(registered), n_reg, replace=False)]
               + [strangers[i] for i in rng.choice(len(strangers), args.queries - n_reg, replace=False)])
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        app = create_app({"DATABASE_URL": url, "MEDIA_DIR": str(Path(tmp) / "media"), "SECRET_KEY": secrets.token_hex(16)})
        with app.app_context():
            db.create_all()
            warm_up()
            started = time.perf_counter()
            ids = register_corpus(manifest)
            print(f"registered {len(ids)} records in {time.perf_counter() - started:.0f} s ({url.split(':')[0]})", file=sys.stderr)
            rows = check_queries(queries, ids)
            db.session.remove()
            db.engine.dispose()
    result = summary(rows)
    print(json.dumps(result, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps({"summary": result, "checks": rows}, indent=1))


if __name__ == "__main__":
    main()
