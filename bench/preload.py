"""Worker start and shared index memory under gunicorn, with and without ``--preload`` (issue 27, 10 M photos).

    python bench/index_load.py --photos 10000000 --database-url URL --fill-in-database --keep   # once
    python bench/preload.py --database-url URL [--workers 2] [--modes preload,fork]

For each mode, starts ``gunicorn -w N [--preload] wsgi:app`` on loopback against a database that already holds
the photos (bench/index_load.py --keep) and times, from the moment gunicorn is launched:

* ``first_ready_s``: the first answer of ``/healthz`` (a worker answers only once its app, index included, is
  loaded: wsgi.py loads the index as the app is made);
* ``all_ready_s``: the moment every worker has answered (pids from the access log, 4 clients polling at once).

Then reads ``/proc/PID/smaps_rollup`` of the master and of each worker: RSS, PSS (each shared page counted
1/n in each of the n processes sharing it) and USS (pages of that process alone: Private_Clean +
Private_Dirty). With ``--preload`` the master loads the index once and the workers are forked from it: if the
index's arrays are copy-on-write friendly, each worker's USS stays small and its PSS about the index's size
divided by the number of processes. Measured again after ``--traffic`` rounds of ``/readyz`` through every worker
(each replays index events and compares digests with the database) and after one photo's index event (each
worker then removes and re-adds that photo: writes to a few pages of the arrays). ``--json FILE`` writes all.

The reconciler's period is set to an hour (REGISTRY_INDEX_RECONCILE_SECONDS) so that its minute-by-minute digest
does not land inside a measurement; gunicorn's --timeout is raised to 300 s: without --preload a worker that
loads 10 M photos is silent for longer than the README's 60 s would allow on a loaded machine.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HOST = "127.0.0.1"
MB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def smaps(pid: int) -> dict[str, float]:
    """RSS, PSS, USS and shared memory of a process, in MB (from /proc/PID/smaps_rollup)."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0]) * 1024
    return {"rss_mb": round(fields["Rss"] / MB, 1), "pss_mb": round(fields["Pss"] / MB, 1),
            "uss_mb": round((fields["Private_Clean"] + fields["Private_Dirty"]) / MB, 1),
            "shared_mb": round((fields["Shared_Clean"] + fields["Shared_Dirty"]) / MB, 1)}


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def memory(master: int) -> dict:
    workers = children(master)
    per = {str(pid): smaps(pid) for pid in workers}
    return {"master": smaps(master), "workers": per,
            "total_pss_mb": round(smaps(master)["pss_mb"] + sum(w["pss_mb"] for w in per.values()), 1)}


def pids_answered(access_log: Path) -> set[int]:
    pids = set()
    for line in access_log.read_text(errors="replace").splitlines():
        head = line.split(" ", 1)[0].strip("<>")
        if head.isdigit():
            pids.add(int(head))
    return pids


def poll(base: str, path: str, seconds: float) -> None:
    session = requests.Session()
    session.trust_env = False
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            session.get(base + path, timeout=60)
        except requests.RequestException:
            time.sleep(0.05)


def wait_for_workers(base: str, process: subprocess.Popen, access_log: Path, workers: int, limit: float,
                     started: float) -> tuple[float | None, float | None]:
    """Seconds from launch to the first /healthz answer and to every worker's first answer (None: not within
    ``limit``)."""
    first = None
    session = requests.Session()
    session.trust_env = False
    with ThreadPoolExecutor(4) as pool:
        while time.monotonic() - started < limit:
            if process.poll() is not None:
                sys.exit(f"gunicorn exited while starting: see {access_log.parent / 'gunicorn.log'}")
            answers = list(pool.map(lambda _: _healthy(session, base), range(4)))
            if any(answers):
                first = first or time.monotonic() - started
                if len(pids_answered(access_log)) >= workers:
                    return first, time.monotonic() - started
            else:
                time.sleep(0.1)
    return first, None


def _healthy(session: requests.Session, base: str) -> bool:
    try:
        return session.get(base + "/healthz", timeout=5).status_code == 200
    except requests.RequestException:
        return False


def run_mode(args, preload: bool, logs: Path) -> dict:
    port = free_port()
    base = f"http://{HOST}:{port}"
    access_log = logs / f"access-{'preload' if preload else 'fork'}.log"
    access_log.write_text("")
    env = dict(os.environ, REGISTRY_DATABASE_URL=args.database_url, REGISTRY_SECRET_KEY="bench",
               REGISTRY_MEDIA_DIR=str(logs / "media"), REGISTRY_INDEX_RECONCILE_SECONDS="3600")
    command = [sys.executable, "-m", "gunicorn", "-w", str(args.workers), "--timeout", "300", "-b", f"{HOST}:{port}",
               "--access-logfile", str(access_log), "--access-logformat", "%(p)s %(U)s %(s)s"]
    command += ["--preload"] if preload else []
    command += ["wsgi:app"]
    error_log = open(logs / "gunicorn.log", "a")  # noqa: SIM115 (closed with the process)
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=error_log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        first, every = wait_for_workers(base, process, access_log, args.workers, args.start_limit, started)
        report = {"mode": "--preload" if preload else "no --preload (each worker loads)", "workers": args.workers,
                  "first_ready_s": first and round(first, 1), "all_ready_s": every and round(every, 1),
                  "load_average": _load(), "memory_ready": memory(process.pid)}
        if every is None:  # not every worker within --start-limit: their memory as it is, and no more
            return report
        with ThreadPoolExecutor(4) as pool:  # /readyz through every worker: event replay, digests, index copies of ids
            list(pool.map(lambda _: poll(base, "/readyz", args.traffic), range(4)))
        report["memory_after_readyz"] = memory(process.pid)
        note_one_photo_changed(args.database_url)
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda _: poll(base, "/readyz", 5), range(4)))
        report["memory_after_one_event"] = memory(process.pid)
        report["workers_answered"] = len(pids_answered(access_log))
        return report
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        error_log.close()


def note_one_photo_changed(url: str) -> None:
    """An index event for photo 2 (a stolen record's: in both indexes), as an edit would write."""
    from registry import create_app
    from registry.extensions import db
    from registry.services.index import note_photo_changed
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "MEDIA_DIR": tempfile.gettempdir()})
    with app.app_context():
        note_photo_changed(3)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a database filled by bench/index_load.py --keep")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--modes", default="preload,fork", help="preload, fork, or both (comma-separated)")
    parser.add_argument("--traffic", type=float, default=20.0, help="seconds of /readyz polling before the second reading")
    parser.add_argument("--start-limit", type=float, default=600.0, help="seconds allowed for every worker to answer")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    reports = []
    with tempfile.TemporaryDirectory() as tmp:
        logs = Path(tmp)
        (logs / "media").mkdir()
        for mode in args.modes.split(","):
            reports.append(run_mode(args, mode == "preload", logs))
            print(json.dumps(reports[-1], indent=1), flush=True)
    if args.json:
        args.json.write_text(json.dumps(reports, indent=1))


if __name__ == "__main__":
    main()
