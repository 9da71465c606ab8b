"""What a read replica costs and saves: index load from the standby and from the primary, and the check's wait for it.

    python bench/replica.py [--photos N]    # default 200 000; starts its own primary + standby (as root: as postgres)

Starts a PostgreSQL primary and a streaming standby in a temporary folder (tests/operations/streaming_pair.py), fills
the primary as bench/index_load.py does (N one-photo records, synthetic index keys), then times:
- a cold ``LiveIndex.sync()`` reading the standby, and one reading the primary;
- ``replica.begin_reads()`` on an idle primary (what every check adds: one query on each server);
- the same right after a commit on the primary: how long a check waits for the standby to replay it.
Prints JSON.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.index_load import fill  # noqa: E402
from registry import create_app, replica  # noqa: E402
from registry.extensions import db  # noqa: E402
from registry.matching import warm_up  # noqa: E402
from registry.models import Institution  # noqa: E402
from registry.services.index import LiveIndex  # noqa: E402
from tests.operations.streaming_pair import running_pair  # noqa: E402


def _ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"p50_ms": round(statistics.median(ordered) * 1000, 3),
            "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 3)}


def _timed_load(app, use_replica: bool) -> float:
    with app.app_context():
        replica_state = app.extensions["registry_replica"]
        if not use_replica:
            replica_state._unusable_until = float("inf")  # noqa: SLF001 (force the primary for this measure)
        started = time.perf_counter()
        index = LiveIndex()
        index.sync()
        took = time.perf_counter() - started
        assert index.reads_from == ("replica" if use_replica else "primary"), index.reads_from
        replica_state._unusable_until = 0.0  # noqa: SLF001
        return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=200_000)
    parser.add_argument("--trials", type=int, default=200)
    args = parser.parse_args()
    with running_pair() as pair, tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATABASE_URL": pair.url("registry", pair.primary_port),
                          "DATABASE_REPLICA_URL": pair.url("registry", pair.standby_port),
                          "REPLICA_MAX_WAIT_MS": 10_000, "MEDIA_DIR": tmp, "INSTANCE_PATH": tmp, "SECRET_KEY": "bench"})
        with app.app_context():
            db.create_all()
            fill(args.photos, np.random.default_rng(1))
        warm_up()  # compile the matching kernel before either load is timed
        load_replica, load_primary = _timed_load(app, True), _timed_load(app, False)
        idle, after_commit = [], []
        with app.app_context():
            for trial in range(args.trials):
                started = time.perf_counter()
                replica.begin_reads()
                idle.append(time.perf_counter() - started)
                db.session.add(Institution(name=f"Bench institution {trial}"))
                db.session.commit()
                started = time.perf_counter()
                assert replica.read_from_replica(replica.begin_reads())
                after_commit.append(time.perf_counter() - started)
        replica.dispose(app)
        print(json.dumps({
            "photos": args.photos,
            "index_load_from_standby_s": round(load_replica, 3),
            "index_load_from_primary_s": round(load_primary, 3),
            "begin_reads_idle": _ms(idle),
            "begin_reads_right_after_a_commit": _ms(after_commit),
        }, indent=2))


if __name__ == "__main__":
    main()
