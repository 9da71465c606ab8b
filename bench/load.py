"""Load and faults (issue 22): gunicorn and PostgreSQL on loopback under a mix of checks, registrations, edits and
status changes from bounded client threads; then every acknowledged write reconciled with the database, and every
worker's photo index with the database.

    .venv/bin/python bench/load.py --database-url postgresql://loadtest:loadtest@127.0.0.1:5433/loadtest --reset-database
    .venv/bin/python bench/load.py --database-url postgresql://loadtest:loadtest@127.0.0.1:5433/loadtest --reset-database \\
        --db-outage 10 --db-stop-cmd 'pg_ctlcluster 15 load stop -m immediate' --db-start-cmd 'pg_ctlcluster 15 load start'

The database must be a disposable PostgreSQL database (``--reset-database`` erases its ``public`` schema; without
it, it must be empty), on a server you may stop for the fault phase: not one others use. One way, as root:

    pg_createcluster 15 load --port 5433 && pg_ctlcluster 15 load start
    su postgres -c "psql -p 5433 -c \\"CREATE ROLE loadtest LOGIN PASSWORD 'loadtest'\\""
    su postgres -c "psql -p 5433 -c 'CREATE DATABASE loadtest OWNER loadtest'"

What it does (~2 minutes with the defaults, 60 s of it under load; the clients stop by themselves at the deadline):
1. Draws every photo first (registry/demo/images.py; distinct objects, 3 views each, and a slightly edited copy
   to check with), migrates the database (``registry db upgrade``), creates a registrar and a law-enforcement
   officer with an API token per client (services/accounts.py) and seeds stolen records (services/objects.py).
2. Starts ``gunicorn -w 3 --timeout 60 -b 127.0.0.1:PORT wsgi:app`` (README's production command) in the repository
   with REGISTRY_DATABASE_URL, REGISTRY_MEDIA_DIR (a temporary folder) and REGISTRY_SECRET_KEY, and no other
   REGISTRY_* variable. Its access log records each request's worker pid. No rate limit applies to the API (only
   the sign-in form's POST is limited), so none is raised.
3. ``--clients`` threads send, until ``--seconds`` have passed, a weighted mix: checks (POST /api/v1/checks) with
   edited photos of seeded stolen records, of stolen records another client registered moments before, and of
   unregistered objects; registrations with 3 photos (one multipart POST /api/v1/records when the API documents
   it, else the record then its photos); edits (GET, then PATCH with its version as If-Match or ``version``); and
   status changes stolen <-> recovered (GET, then POST .../status with the version). Edits and status changes go
   mostly to the same few records, so that clients really collide: a 409 there is an expected answer.
   Mix weights: MIX below. A client waits BACKOFF after a 503 or no answer. Each request carries an id
   (X-Load-Request, in the access log) that its write stores where it can: a check's photo name, an edit's text,
   a status change's loss notes, so the reconciliation finds each write by request, not only by count.
4. ``--db-outage S``: after a third of the run, ``--db-stop-cmd``, S seconds, ``--db-start-cmd``; the load goes on.
   Requests sent while it is down must all be 503; no request the outage touches may get a 500 or no answer; each
   kind must succeed again within seconds of the start command, with gunicorn left as it is.
5. Reconciles, with the load over: each record, photo, history entry (record_changes) and check-log entry exactly
   once per acknowledged write, none for a refused one (409, 4xx); a write answered 5xx or not answered is "in
   doubt": it may be there, but whole and once (those found are listed with when they were sent). Every touched
   record's version is one more than its writes in the history and no version was answered to two writes (a lost
   update would show there). ``/readyz`` of each worker: the digest of its index against one computed here from
   the tables (count and id sum of live photos with a current signature, and of lost objects' photos), and the
   drift its reconciler repaired (must stay 0). Then a check through each worker (told apart by the access log's
   pid) with a photo of each of a sample of stolen records: each must answer that record as ``match``. Without
   /readyz (an older registry), only that check stands for the index, and the report says so.

Prints requests/s, p50/p95/p99 and answers by status per kind of request, the outage's answers and recovery, the
reconciliation, and every 500 with its traceback from gunicorn's log; ``--json FILE`` writes all of it.
Exit status 1 when the issue's criteria fail (a 500, a lost or duplicated write, a photo missing from a worker).
"""
from __future__ import annotations

import argparse
import hashlib
import io
import itertools
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"  # every request goes to loopback only
REQUEST_TIMEOUT = 90.0  # beyond gunicorn's --timeout 60: a worker killed for time shows as a reset, not as ours
BACKOFF = 0.25  # seconds a client waits after a 503 or no answer, so an outage is not a busy loop
MIX = {"check": 45, "register": 15, "edit": 25, "status": 15}
HOT_RECORDS = 6  # the few records every client edits and reports, to make conflicts happen
CHECK_SEEDS = 20  # seeded stolen records checked with edited photos, never changed
LOSS = {"stolen", "missing", "looted"}
ACCEPTED = {"check": {200}, "register": {201}, "photos": {201}, "edit": {200, 409}, "status": {200, 409},
            "read": {200}, "readyz": {200}, "verify": {200}}


# ---------------------------------------------------------------------------------------------- photos

def _jpeg(image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def _drawn(seed: int):
    from registry.demo.images import MATERIAL_COLOURS, SHAPES, draw_object

    materials = sorted(MATERIAL_COLOURS)
    return draw_object(seed, SHAPES[seed % len(SHAPES)], materials[(seed // len(SHAPES)) % len(materials)])


def _edited(image) -> bytes:
    """A slightly edited copy, as a suspect's photo: cropped, brighter, smaller, recompressed."""
    from PIL import ImageEnhance

    w, h = image.size
    cropped = image.crop((int(w * 0.04), int(h * 0.03), int(w * 0.98), int(h * 0.99)))
    return _jpeg(ImageEnhance.Brightness(cropped).enhance(1.08).resize((600, 600)), 80)


def draw_record(seed: int) -> tuple[list[bytes], bytes]:
    """Three photos of one drawn object (front, closer, turned a quarter) and an edited copy of the first to check with."""
    image = _drawn(seed)
    w, h = image.size
    closer = image.crop((int(w * 0.08), int(h * 0.05), int(w * 0.95), int(h * 0.97))).resize((560, 560))
    return [_jpeg(image, 90), _jpeg(closer, 88), _jpeg(image.rotate(90), 90)], _edited(image)


def draw_unregistered(seed: int) -> bytes:
    """A photo of an object no record has."""
    return _edited(_drawn(seed))


# ---------------------------------------------------------------------------------------------- ledger

@dataclass
class Sample:
    """One request as the client saw it: monotonic start/end, status code or exception name."""

    kind: str
    started: float
    ended: float
    outcome: int | str
    request_id: str


@dataclass
class Ledger:
    """What the server acknowledged, refused, or left in doubt, per kind of write."""

    creates: list[dict] = field(default_factory=list)  # object_number, outcome, record_id, sha256s, photo_ids
    edits: list[dict] = field(default_factory=list)  # record_id, text, outcome, version
    statuses: list[dict] = field(default_factory=list)  # record_id, status, outcome, version
    checks: list[dict] = field(default_factory=list)  # outcome, expected record (or None), answer
    errors_500: list[dict] = field(default_factory=list)  # request id, kind, body


def in_doubt(outcome: int | str) -> bool:
    """A write not answered, or answered 5xx: it may have been committed."""
    return isinstance(outcome, str) or outcome >= 500


def exception_name(exc: BaseException) -> str:
    """requests' exception with its innermost cause, e.g. ConnectionError:RemoteDisconnected."""
    names, seen = [type(exc).__name__], set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        nxt = getattr(current, "reason", None)
        if not isinstance(nxt, BaseException):
            nxt = current.__cause__ or current.__context__
        if nxt is None and current.args and isinstance(current.args[0], BaseException):
            nxt = current.args[0]
        current = nxt
        if current is not None:
            names.append(type(current).__name__)
    return f"{names[0]}:{names[-1]}" if len(names) > 1 else names[0]


# ---------------------------------------------------------------------------------------------- the load

class Load:
    """Shared state of one run: the server's address, tokens, photos, records registered so far, samples, ledger."""

    def __init__(self, args, base: str, tokens: dict, seeded: dict, pool: list, unregistered: list[bytes]) -> None:
        self.args, self.base, self.tokens = args, base, tokens
        self.hot, self.check_seeds = seeded["hot"], seeded["check"]
        self.pool, self.unregistered = pool, unregistered
        self.run_id = secrets.token_hex(3)
        self.lock = threading.Lock()
        self.next_photo = 0
        self.drawn_during_load = 0
        self.registered_targets: list[dict] = []  # stolen, never changed: checked with their edited photo
        self.registered_mutable: list[int] = []  # edited and reported like the hot records
        self.samples: list[Sample] = []
        self.ledger = Ledger()
        self.multipart = False
        self.versions = False
        self.deadline = 0.0
        self.outage: dict = {}

    @staticmethod
    def new_request_id() -> str:
        """A request's id: sent as X-Load-Request (gunicorn's access log has it), and written where the request's
        write can carry it (a check's photo name, an edit's text, a status change's loss notes), to find it there."""
        return f"{threading.current_thread().name}-{secrets.token_hex(5)}"

    def call(self, session: requests.Session, kind: str, method: str, path: str, token: str | None,
             request_id: str | None = None, **kwargs):
        """Send one request; record its time and outcome; back off after a 503 or no answer.

        :return: the response (None when none came), the outcome (status code or exception name), the request id.
        """
        request_id = request_id or self.new_request_id()
        headers = {"X-Load-Request": request_id, **kwargs.pop("headers", {})}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        started = time.monotonic()
        try:
            response = session.request(method, self.base + path, headers=headers, timeout=REQUEST_TIMEOUT, **kwargs)
            outcome: int | str = response.status_code
        except requests.RequestException as exc:
            response, outcome = None, exception_name(exc)
        self.samples.append(Sample(kind, started, time.monotonic(), outcome, request_id))
        if outcome == 500:
            self.ledger.errors_500.append({"request_id": request_id, "kind": kind, "path": path, "body": response.text[:500]})
        if response is None or outcome == 503:
            time.sleep(BACKOFF)
        return response, outcome, request_id

    def take_photos(self) -> tuple[list[bytes], bytes]:
        with self.lock:
            position = self.next_photo
            self.next_photo += 1
        if position < len(self.pool):
            return self.pool[position]
        with self.lock:
            self.drawn_during_load += 1
        return draw_record(900_000 + position)


class Client(threading.Thread):
    """One client: a bounded loop of the weighted mix until the deadline."""

    def __init__(self, load: Load, number: int) -> None:
        super().__init__(name=f"c{number:02d}", daemon=True)
        self.load, self.number = load, number
        self.rng = random.Random(1000 + number)
        self.session = requests.Session()
        self.session.trust_env = False  # no proxy from the environment: loopback only
        self.registrar = load.tokens["registrar"][number]
        self.officer = load.tokens["officer"][number]
        self.sequence = itertools.count(1)

    def run(self) -> None:
        kinds, weights = list(MIX), list(MIX.values())
        while time.monotonic() < self.load.deadline:
            getattr(self, "do_" + self.rng.choices(kinds, weights)[0])()

    def do_check(self) -> None:
        load, roll = self.load, self.rng.random()
        with load.lock:
            targets = list(load.registered_targets)
        if roll < 0.35 and targets:
            target = self.rng.choice(targets)
            expected, photo = target["record_id"], target["edited"]
        elif roll < 0.75:
            expected, photo = self.rng.choice(load.check_seeds)
        else:
            expected, photo = None, self.rng.choice(load.unregistered)
        request_id = load.new_request_id()
        response, outcome, _ = load.call(self.session, "check", "POST", "/api/v1/checks", self.officer, request_id,
                                         files=[("photos", (f"{request_id}.jpg", photo, "image/jpeg"))])
        entry = {"outcome": outcome, "expected": expected, "request_id": request_id}
        if response is not None and response.status_code == 200:
            entry["answer"] = [(c["record_id"], c["verdict"]) for c in response.json()[0]["candidates"]]
        load.ledger.checks.append(entry)

    def do_register(self) -> None:
        load = self.load
        photos, edited = load.take_photos()
        n = next(self.sequence)
        number = f"LOAD-{load.run_id}-{self.name}-{n:04d}"
        status = "stolen" if self.rng.random() < 0.85 else "inventory"
        fields = {"object_number": number, "object_type": "statuette", "title": f"Load test object {number}",
                  "materials": "bronze", "status": status}
        files = [("photos", (f"{number}-{i}.jpg", data, "image/jpeg")) for i, data in enumerate(photos, start=1)]
        entry = {"object_number": number, "sha256s": sorted(hashlib.sha256(p).hexdigest() for p in photos), "status": status}
        if load.multipart:
            response, entry["outcome"], entry["request_id"] = load.call(
                self.session, "register", "POST", "/api/v1/records", self.registrar, data=fields, files=files)
        else:
            response, entry["outcome"], entry["request_id"] = load.call(
                self.session, "register", "POST", "/api/v1/records", self.registrar, json=fields)
        load.ledger.creates.append(entry)
        if response is None or response.status_code != 201:
            return
        body = response.json()
        entry["record_id"] = body["id"]
        if not load.multipart:
            response, entry["photos_outcome"], _ = load.call(self.session, "photos", "POST", f"/api/v1/records/{body['id']}/photos",
                                                             self.registrar, files=files)
            if response is None or response.status_code != 201:
                return
            body = response.json()
        entry["photo_ids"] = sorted(p["id"] for p in body.get("photos", []))
        with load.lock:
            if status == "stolen" and n % 2:
                load.registered_targets.append({"record_id": body["id"], "edited": edited, "photo": photos[0]})
            else:
                load.registered_mutable.append(body["id"])

    def _pick_record(self, hot_share: float) -> int:
        with self.load.lock:
            mutable = list(self.load.registered_mutable)
        if mutable and self.rng.random() > hot_share:
            return self.rng.choice(mutable)
        return self.rng.choice(self.load.hot)

    def _read(self, record_id: int):
        response, _, _ = self.load.call(self.session, "read", "GET", f"/api/v1/records/{record_id}", self.registrar)
        if response is None or response.status_code != 200:
            return None, None
        return response.json(), response.headers.get("ETag")

    def _versioned(self, body: dict, record: dict, etag: str | None) -> dict:
        """Send the version read as If-Match or in the body (half each), when the API has versions."""
        if not self.load.versions:
            return {}
        if etag and self.rng.random() < 0.5:
            return {"headers": {"If-Match": etag}}
        body["version"] = record["version"]
        return {}

    def do_edit(self) -> None:
        record_id = self._pick_record(0.75)
        record, etag = self._read(record_id)
        if record is None:
            return
        request_id = self.load.new_request_id()
        body = {"description": f"load edit {request_id}"}
        extra = self._versioned(body, record, etag)
        reply = self.load.call(self.session, "edit", "PATCH", f"/api/v1/records/{record_id}", self.registrar, request_id,
                               json=body, **extra)
        self._note(self.load.ledger.edits, reply, {"record_id": record_id, "text": body["description"],
                                                   "read_version": record.get("version")})

    def do_status(self) -> None:
        record_id = self._pick_record(0.8)
        record, etag = self._read(record_id)
        if record is None:
            return
        request_id = self.load.new_request_id()
        # The loss notes name the request: the history then says which status changes were written.
        body = {"status": "recovered" if record["status"] in LOSS else "stolen", "loss_notes": f"load {request_id}"}
        extra = self._versioned(body, record, etag)
        reply = self.load.call(self.session, "status", "POST", f"/api/v1/records/{record_id}/status", self.registrar,
                               request_id, json=body, **extra)
        self._note(self.load.ledger.statuses, reply, {"record_id": record_id, "status": body["status"],
                                                      "text": body["loss_notes"], "read_version": record.get("version")})

    def _note(self, entries: list, reply: tuple, entry: dict) -> None:
        response, entry["outcome"], entry["request_id"] = reply
        if response is not None and response.status_code == 200:
            entry["version"] = response.json().get("version")
        entries.append(entry)


def run_outage(load: Load, seconds: float) -> None:
    """Stop the database a third into the load, keep it down ``seconds``, start it again; note the times."""
    args, outage = load.args, load.outage
    start_at = load.deadline - args.seconds + args.seconds / 3
    time.sleep(max(0.0, start_at - time.monotonic()))
    outage["stop_begin"] = time.monotonic()
    outage["stop_result"] = _shell(args.db_stop_cmd)
    outage["stop_done"] = time.monotonic()
    time.sleep(max(0.0, outage["stop_begin"] + seconds - time.monotonic()))
    outage["start_begin"] = time.monotonic()
    outage["start_result"] = _shell(args.db_start_cmd)
    outage["start_done"] = time.monotonic()


def _shell(command: str) -> dict:
    done = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=120)
    return {"command": command, "returncode": done.returncode, "output": (done.stdout + done.stderr).strip()[-500:]}


# ---------------------------------------------------------------------------------------------- setup

def libpq_url(url: str) -> str:
    """The URL psycopg connects with (no SQLAlchemy driver suffix)."""
    return re.sub(r"^postgres(ql)?(\+psycopg)?://", "postgresql://", url)


def prepare_database(url: str, reset: bool) -> None:
    """Refuse a database with tables, unless told to erase its public schema."""
    with psycopg.connect(libpq_url(url), autocommit=True) as connection:
        tables = connection.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]
        if tables and not reset:
            sys.exit(f"the database has {tables} tables: give --reset-database to erase its public schema, or an empty one")
        if reset:
            connection.execute("DROP SCHEMA IF EXISTS public CASCADE")
            connection.execute("CREATE SCHEMA public")


def server_environment(url: str, media: str) -> dict:
    """The process environment with only this run's REGISTRY_* settings."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("REGISTRY_")}
    env.update(REGISTRY_DATABASE_URL=url, REGISTRY_MEDIA_DIR=media, REGISTRY_SECRET_KEY=secrets.token_hex(32))
    # each client's token checks far more often than a person would (issue 24's limits): not what is measured here
    env.update(REGISTRY_CHECK_RATE_LIMIT_TOKEN="100000 per minute", REGISTRY_CHECK_RATE_LIMIT_ACCOUNT="100000 per minute")
    return env


def create_accounts_and_seed(env: dict, clients: int, pool: list) -> tuple[dict, dict, int]:
    """A registrar, an officer, a token each per client, and the seeded records (hot ones, checked ones)."""
    from registry import create_app
    from registry.extensions import db
    from registry.services.accounts import create_token, create_user
    from registry.services.objects import create_record
    from registry.services.photos import decode_upload

    app = create_app({"DATABASE_URL": env["REGISTRY_DATABASE_URL"], "MEDIA_DIR": env["REGISTRY_MEDIA_DIR"],
                      "SECRET_KEY": env["REGISTRY_SECRET_KEY"]})
    with app.app_context():
        password = secrets.token_urlsafe(18)
        registrar = create_user("registrar@load.test", "Load registrar", "registrar", password, "bench",
                                institution="Load Test Museum")
        officer = create_user("officer@load.test", "Load officer", "law_enforcement", password, "bench", agency="Load Police")
        tokens = {"registrar": [create_token(registrar, f"load {i}", "bench") for i in range(clients)],
                  "officer": [create_token(officer, f"load {i}", "bench") for i in range(clients)]}
        seeded = {"hot": [], "check": []}
        for position in range(HOT_RECORDS + CHECK_SEEDS):
            photos, edited = pool[position]
            number = f"SEED-{position:03d}"
            record = create_record("Load Test Museum", {"object_number": number, "object_type": "vase", "title": number},
                                   "bench", photos=[decode_upload(p, f"{number}-{i}.jpg") for i, p in enumerate(photos)],
                                   filenames=[f"{number}-{i}.jpg" for i in range(len(photos))], status_fields={"status": "stolen"})
            if position < HOT_RECORDS:
                seeded["hot"].append(record.id)
            else:
                seeded["check"].append((record.id, edited))
        officer_id = officer.id
        db.session.remove()
        db.engine.dispose()
    return tokens, seeded, officer_id


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_gunicorn(args, env: dict, port: int, logs: Path) -> subprocess.Popen:
    """gunicorn as in README's production section; access log lines: pid, request id, method, path, status."""
    command = [sys.executable, "-m", "gunicorn", "-w", str(args.workers), "--timeout", "60", "-b", f"{HOST}:{port}",
               "--access-logfile", str(logs / "access.log"),
               "--access-logformat", '%(p)s %({x-load-request}i)s %(m)s %(U)s %(s)s %(M)s', "wsgi:app"]
    error_log = open(logs / "gunicorn.log", "w")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=error_log, stderr=subprocess.STDOUT, start_new_session=True)


def stop_gunicorn(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def wait_until_up(base: str, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("gunicorn exited while starting: see its log")
        try:
            if requests.get(base + "/healthz", timeout=5, proxies={"http": None}).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    sys.exit("gunicorn did not answer /healthz in time")


def api_features(base: str, token: str, record_id: int) -> tuple[bool, bool]:
    """Whether POST /records takes multipart photos (the OpenAPI document says so), and records carry a version."""
    session = requests.Session()
    session.trust_env = False
    spec = session.get(base + "/api/v1/openapi.json", timeout=30).json()
    content = spec.get("paths", {}).get("/api/v1/records", {}).get("post", {}).get("requestBody", {}).get("content", {})
    record = session.get(f"{base}/api/v1/records/{record_id}", headers={"Authorization": f"Bearer {token}"}, timeout=30).json()
    return "multipart/form-data" in content, "version" in record


# ---------------------------------------------------------------------------------------------- after the load

def access_log_pids(logs: Path) -> dict[str, int]:
    """Request id -> worker pid, from the access log."""
    pids = {}
    for line in (logs / "access.log").read_text(errors="replace").splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0].strip("<>").isdigit():  # gunicorn writes the pid as <1234>
            pids[parts[1]] = int(parts[0].strip("<>"))
    return pids


def workers_readiness(load: Load, expected_workers: int) -> dict[int, dict]:
    """/readyz from every worker: bursts of parallel requests on fresh connections until each pid has answered."""
    answers: dict[int, dict] = {}

    def one(_):
        try:
            response = requests.get(load.base + "/readyz", timeout=30, proxies={"http": None})
            return response.status_code, response.json()
        except (requests.RequestException, ValueError) as exc:
            return exception_name(exc), {}

    with ThreadPoolExecutor(expected_workers) as pool:
        for _ in range(40):
            for status, body in pool.map(one, range(expected_workers)):
                if status == 404:
                    return {}
                if body.get("pid"):
                    index = body.get("checks", {}).get("index", body)
                    answers[body["pid"]] = {"status": status, "ready": body.get("status"), **index}
            if len(answers) >= expected_workers:
                break
    return answers


def check_through_each_worker(load: Load, logs: Path, sample: list[tuple[int, bytes]], pids: set[int]) -> dict:
    """Check each sampled stolen record's own photo until every worker (told apart by the access log's pid) has
    answered it: each must answer that record as `match`."""
    token = load.tokens["officer"][0]
    verdicts: dict[tuple[int, int], list[str]] = defaultdict(list)

    def one(item: tuple[int, bytes]) -> tuple[str, int, str]:
        record_id, photo = item
        session = requests.Session()  # a fresh connection: any worker may take it
        session.trust_env = False
        request_id = load.new_request_id()
        response, outcome, _ = load.call(session, "verify", "POST", "/api/v1/checks", token, request_id,
                                         files=[("photos", (f"{request_id}.jpg", photo, "image/jpeg"))])
        entry = {"outcome": outcome, "expected": record_id, "request_id": request_id}
        verdict = f"answer {outcome}"
        if response is not None and response.status_code == 200:
            entry["answer"] = [(c["record_id"], c["verdict"]) for c in response.json()[0]["candidates"]]
            verdict = next((v for r, v in entry["answer"] if r == record_id), "absent")
        load.ledger.checks.append(entry)
        return request_id, record_id, verdict

    # Parallel requests as many as workers: a sync worker takes one connection at a time, so they spread out.
    with ThreadPoolExecutor(max(1, len(pids)), thread_name_prefix="verify") as pool:
        for _ in range(15):
            todo = [item for item in sample if any((item[0], pid) not in verdicts for pid in pids)]
            if not todo:
                break
            answers = list(pool.map(one, [item for item in todo for _ in pids]))
            time.sleep(0.3)  # the access log's line is written after the answer
            by_pid = access_log_pids(logs)
            for request_id, record_id, verdict in answers:
                if request_id in by_pid:
                    verdicts[(record_id, by_pid[request_id])].append(verdict)
    per_worker = {pid: {"checks": 0, "match": 0, "missing": []} for pid in pids}
    for (record_id, pid), found in sorted(verdicts.items()):
        if pid in per_worker:
            per_worker[pid]["checks"] += len(found)
            per_worker[pid]["match"] += found.count("match")
            if any(v != "match" for v in found):
                per_worker[pid]["missing"].append({"record_id": record_id, "verdicts": found})
    unreached = [(r, pid) for r, _ in sample for pid in pids if (r, pid) not in verdicts]
    return {"records": len(sample), "per_worker": per_worker, "pairs_not_reached": len(unreached)}


def read_database(url: str, officer_id: int) -> dict:
    """Everything the reconciliation compares, read straight from the tables."""
    from registry.matching import ALGORITHM_VERSION

    with psycopg.connect(libpq_url(url)) as connection:
        query = connection.execute
        data = {
            "records": query("SELECT id, object_number, status, version, description FROM object_records").fetchall(),
            "photos": query("SELECT id, record_id, sha256, removed_at IS NULL FROM photos").fetchall(),
            "changes": query("SELECT id, record_id, action, field, new_value FROM record_changes ORDER BY id").fetchall(),
            "check_labels": Counter(photo.get("label") for (photos,) in query(
                "SELECT query_photos FROM checks WHERE user_id = %s", (officer_id,)) for photo in photos),
        }
        live = ("FROM photos p JOIN photo_signatures s ON s.photo_id = p.id JOIN object_records r ON r.id = p.record_id "
                "WHERE p.removed_at IS NULL AND s.algorithm_version = %s")
        everything = query(f"SELECT count(*), coalesce(sum(p.id), 0) {live}", (ALGORITHM_VERSION,)).fetchone()
        lost = query(f"SELECT count(*), coalesce(sum(p.id), 0) {live} AND r.status = ANY(%s)", (ALGORITHM_VERSION, sorted(LOSS))).fetchone()
        data["digest"] = f"{everything[0]}:{everything[1]}:{lost[0]}:{lost[1]}"
    return data


def outcome_kind(outcome: int | str) -> str:
    if outcome in (200, 201):
        return "acknowledged"
    if outcome == 409:
        return "conflict"
    return "in_doubt" if in_doubt(outcome) else "refused"


def exactly_once(entries: list[dict], stored: Counter, key: str, prefix: str) -> dict:
    """Each acknowledged write stored exactly once, each refused one (409, 4xx) never, each in doubt at most once;
    and nothing stored under this run's ``prefix`` that no request sent."""
    tally, problems, stored_in_doubt = Counter(), [], []
    for entry in entries:
        kind, count = outcome_kind(entry["outcome"]), stored[entry[key]]
        tally[kind] += 1
        if (kind == "acknowledged" and count != 1) or (kind in ("conflict", "refused") and count) or count > 1:
            problems.append({"stored": count, **{k: v for k, v in entry.items() if k not in ("sha256s", "answer")}})
        elif kind == "in_doubt" and count:
            stored_in_doubt.append(entry["request_id"])
    sent = {entry[key] for entry in entries}
    strangers = [value for value in stored if value and value.startswith(prefix) and value not in sent]
    if strangers:
        problems.append({"stored_but_never_sent": strangers[:10], "count": len(strangers)})
    return {**{k: tally[k] for k in ("acknowledged", "conflict", "refused", "in_doubt")},
            "in_doubt_stored": stored_in_doubt, "problems": problems}


def reconcile_creates(ledger: Ledger, data: dict) -> dict:
    """Records once per registration; each stored one whole: its 3 photos (the bytes sent), one 'created' and one
    'photo_added' history entry per photo."""
    numbers = Counter(number for _, number, *_ in data["records"])
    result = exactly_once(ledger.creates, numbers, "object_number", "LOAD-")
    record_of = {number: record_id for record_id, number, *_ in data["records"]}
    photos = defaultdict(list)
    for photo_id, record_id, sha256, live in data["photos"]:
        if live:
            photos[record_id].append((photo_id, sha256))
    changes = Counter((record_id, action) for _, record_id, action, _, _ in data["changes"])
    for entry in ledger.creates:
        record_id = record_of.get(entry["object_number"])
        if record_id is None:
            continue
        stored = photos.get(record_id, [])
        two_steps_pending = "photos_outcome" in entry and entry["photos_outcome"] != 201 and not stored
        if not two_steps_pending and sorted(s for _, s in stored) != entry["sha256s"]:
            result["problems"].append({"photos_not_as_sent": entry["object_number"], "record_id": record_id, "stored": len(stored)})
        if entry.get("photo_ids") and sorted(p for p, _ in stored) != entry["photo_ids"]:
            result["problems"].append({"photo_ids_differ": entry["object_number"], "stored": sorted(p for p, _ in stored),
                                       "acknowledged": entry["photo_ids"]})
        if changes[(record_id, "created")] != 1 or changes[(record_id, "photo_added")] != len(stored):
            result["problems"].append({"history_not_as_stored": entry["object_number"], "created": changes[(record_id, "created")],
                                       "photo_added": changes[(record_id, "photo_added")], "photos": len(stored)})
    return result


def reconcile_changes(ledger: Ledger, data: dict) -> dict:
    """Edits and status changes: each acknowledged one once in the history (its text, its loss notes), no refused
    one there; every record's version one more than its writes; its description the last one written; no version
    answered to two writes."""
    records = {record_id: (version, description) for record_id, _, _, version, description in data["records"]}
    history = defaultdict(lambda: defaultdict(list))
    for _, record_id, action, name, value in data["changes"]:
        history[record_id][(action, name)].append(value)
    edit_texts = Counter(v for h in history.values() for v in h[("updated", "description")])
    status_notes = Counter(v for h in history.values() for v in h[("status", "loss_notes")])
    result = {"edits": exactly_once(ledger.edits, edit_texts, "text", "load edit "),
              "status_changes": exactly_once(ledger.statuses, status_notes, "text", "load ")}
    problems = []
    touched = {entry["record_id"] for entry in ledger.edits + ledger.statuses}
    for record_id in sorted(touched):
        version, description = records[record_id]
        texts, statuses = history[record_id][("updated", "description")], history[record_id][("status", "status")]
        if len(statuses) != len(history[record_id][("status", "loss_notes")]):
            problems.append({"record_id": record_id, "status_entries": len(statuses),
                             "loss_note_entries": len(history[record_id][("status", "loss_notes")])})
        if version != 1 + len(texts) + len(statuses):
            problems.append({"record_id": record_id, "version": version, "writes_in_history": len(texts) + len(statuses)})
        if texts and description != texts[-1]:
            problems.append({"record_id": record_id, "description": description, "last_in_history": texts[-1]})
        answered = Counter(e["version"] for e in ledger.edits + ledger.statuses if e["record_id"] == record_id and e.get("version"))
        doubled = [v for v, n in answered.items() if n > 1]
        if doubled:
            problems.append({"record_id": record_id, "version_answered_to_two_writes": doubled})
    result["records_touched"] = len(touched)
    result["problems"] = problems
    return result


def reconcile_checks(ledger: Ledger, data: dict) -> dict:
    """One check-log entry per check answered 200 (found by its photo's name), none for one refused; and how the
    answers came out (the right record first as `match`, for registered objects)."""
    labels = Counter({label.removesuffix(".jpg"): n for label, n in data["check_labels"].items() if label})
    result = exactly_once(ledger.checks, labels, "request_id", "")  # every check of the officer's is one of ours
    quality = Counter()
    for e in ledger.checks:
        if e["outcome"] != 200:
            continue
        answer = e.get("answer", [])
        if e["expected"] is None:
            quality["unregistered_" + ("false_match" if any(v == "match" for _, v in answer) else "no_match")] += 1
            continue
        verdict = next((v for r, v in answer if r == e["expected"]), "absent")
        quality["registered_" + ("top_match" if answer and answer[0] == (e["expected"], "match") else verdict)] += 1
    result["check_log_entries"] = sum(labels.values())
    result["answers"] = dict(quality)
    return result


def gunicorn_log_findings(logs: Path) -> dict:
    """Tracebacks (each ERROR entry with the lines under it), worker boots and timeouts, index drift, from the log."""
    lines = (logs / "gunicorn.log").read_text(errors="replace").splitlines()
    blocks, current = [], None
    for line in lines:
        if line.startswith("["):
            current = [line] if ("ERROR" in line or "CRITICAL" in line) else None
            if current is not None:
                blocks.append(current)
        elif current is not None:
            current.append(line)
    kinds = Counter(re.sub(r"^\[[^]]*\]\s*(\[\d+\]\s*)?", "", b[0])[:120] for b in blocks)
    tracebacks = ["\n".join(b) for b in blocks if any(line.startswith("Traceback (most recent call last)") for line in b)]
    return {"error_entries": dict(kinds.most_common(30)), "tracebacks": tracebacks[:20], "traceback_count": len(tracebacks),
            "unhandled_errors": sum("unhandled error" in b[0] for b in blocks),
            "worker_boots": sum("Booting worker" in line for line in lines),
            "worker_timeouts": sum("WORKER TIMEOUT" in line for line in lines),
            "index_drift_lines": [line for line in lines if "drifted" in line][:10]}


# ---------------------------------------------------------------------------------------------- figures

def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(share * len(ordered) + 0.5)) - 1))] if ordered else float("nan")


def figures(samples: list[Sample], started: float, ended: float) -> dict:
    kinds = defaultdict(list)
    for s in samples:
        if started <= s.started <= ended:
            kinds[s.kind].append(s)
    seconds = ended - started
    table = {}
    for kind, items in sorted(kinds.items()):
        times = [(s.ended - s.started) * 1000 for s in items]
        table[kind] = {"requests": len(items), "per_second": round(len(items) / seconds, 2),
                       "p50_ms": round(percentile(times, 0.5), 1), "p95_ms": round(percentile(times, 0.95), 1),
                       "p99_ms": round(percentile(times, 0.99), 1),
                       "statuses": dict(sorted(Counter(str(s.outcome) for s in items).items()))}
    total = sum(len(v) for v in kinds.values())
    return {"seconds": round(seconds, 1), "requests": total, "per_second": round(total / seconds, 2), "kinds": table}


def outage_figures(samples: list[Sample], outage: dict) -> dict:
    """Answers to requests sent while the database was down (503 only), to every request the outage touched (in
    flight when it was stopped, sent while it was down or starting: 503, or a success, never a 500 or no answer),
    and how soon each kind succeeded again after the database was started."""
    if not outage:
        return {}
    down = [s for s in samples if outage["stop_done"] <= s.started <= outage["start_begin"]]
    touched = [s for s in samples if s.started <= outage["start_done"] and s.ended >= outage["stop_begin"]]
    after = [s for s in samples if s.started >= outage["start_done"]]
    recovery = {}
    for kind in sorted({s.kind for s in after}):
        good = [s.ended - outage["start_done"] for s in after if s.kind == kind and s.outcome in ACCEPTED.get(kind, {200})]
        bad = [s.started - outage["start_done"] for s in after if s.kind == kind and s.outcome not in ACCEPTED.get(kind, {200})]
        recovery[kind] = {"first_success_s": round(min(good), 2) if good else None, "last_failure_s": round(max(bad), 2) if bad else None}
    return {
        "stop": outage.get("stop_result"), "start": outage.get("start_result"),
        "stop_took_s": round(outage["stop_done"] - outage["stop_begin"], 2),
        "down_s": round(outage["start_begin"] - outage["stop_done"], 2),
        "start_took_s": round(outage["start_done"] - outage["start_begin"], 2),
        "sent_while_down": dict(Counter(str(s.outcome) for s in down)),
        "touched_by_outage": dict(Counter(str(s.outcome) for s in touched)),
        "touched_by_outage_not_503_nor_success": [
            {"request_id": s.request_id, "kind": s.kind, "outcome": s.outcome,
             "sent_s_after_stop_began": round(s.started - outage["stop_begin"], 3), "took_s": round(s.ended - s.started, 3)}
            for s in touched if s.outcome != 503 and s.outcome not in ACCEPTED.get(s.kind, {200})],
        "after_start": dict(Counter(str(s.outcome) for s in after)),
        "recovery_after_start": recovery,
    }


def request_detail(sample: Sample, outage: dict) -> dict:
    """One request's answer, how long it took, and when it was sent (from the start of the outage, if any)."""
    detail = {"request_id": sample.request_id, "kind": sample.kind, "outcome": sample.outcome,
              "took_s": round(sample.ended - sample.started, 3)}
    if outage:
        detail["sent_s_after_stop_began"] = round(sample.started - outage["stop_begin"], 3)
    return detail


def uncommitted_product_files() -> list[str]:
    """Files of the app that differ from HEAD: what gunicorn ran beyond the commit named."""
    status = subprocess.run(["git", "status", "--porcelain", "--", "registry", "wsgi.py", "migrations"], cwd=ROOT,
                            capture_output=True, text=True).stdout
    return [line[3:] for line in status.splitlines() if not line[3:].startswith("registry/translations/")]


def print_report(report: dict) -> None:
    load = report["load"]
    print(f"\n== load: {load['requests']} requests in {load['seconds']} s = {load['per_second']} req/s "
          f"({report['config']['clients']} clients, {report['config']['workers']} workers)")
    print(f"{'kind':9} {'n':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  statuses")
    for kind, row in load["kinds"].items():
        print(f"{kind:9} {row['requests']:6} {row['per_second']:7} {row['p50_ms']:8} {row['p95_ms']:8} {row['p99_ms']:8}  {row['statuses']}")
    for name in ("outage", "creates", "changes", "checks", "database_digest", "readiness", "per_worker_check", "errors_500",
                 "gunicorn_log", "verdict"):
        value = report.get(name)
        if value in (None, {}, []):
            continue
        if name == "gunicorn_log":
            value = {k: v for k, v in value.items() if k != "tracebacks"}
        print(f"== {name}: {json.dumps(value, indent=1, default=str)}")
    for traceback in report.get("gunicorn_log", {}).get("tracebacks", []):
        print("-- traceback from gunicorn's log:\n" + traceback)


def verdict(report: dict) -> dict:
    """The issue's criteria, each true or false."""
    statuses = Counter()
    for row in report["load"]["kinds"].values():
        statuses.update(row["statuses"])
    workers = report.get("readiness", {})
    per_worker = report.get("per_worker_check", {}).get("per_worker", {})
    criteria = {
        "no_500": statuses.get("500", 0) == 0 and not report["gunicorn_log"]["traceback_count"],
        "every_request_answered": not any(isinstance(outcome, str) and not outcome.isdigit() for outcome in statuses),
        "no_lost_or_duplicated_write": not any(section["problems"] for section in (
            report["creates"], report["changes"], report["changes"]["edits"], report["changes"]["status_changes"], report["checks"])),
        "every_worker_index_equal_to_database": bool(workers) and all(w.get("digest") == report["database_digest"] for w in workers.values()),
        "no_index_drift_repaired": all(not w.get("drift_repaired") for w in workers.values())
                                   and not report["gunicorn_log"]["index_drift_lines"],
        "no_photo_missing_from_a_worker": bool(per_worker) and all(not w["missing"] for w in per_worker.values())
                                          and report["per_worker_check"]["pairs_not_reached"] == 0,
    }
    outage = report.get("outage")
    if outage:
        criteria["only_503_while_database_down"] = set(outage["sent_while_down"]) <= {"503"} \
            and not outage["touched_by_outage_not_503_nor_success"]
        last = [r["last_failure_s"] for r in outage["recovery_after_start"].values() if r["last_failure_s"] is not None]
        criteria["recovered_within_10_s"] = all(r["first_success_s"] is not None for r in outage["recovery_after_start"].values()) \
            and max(last or [0]) <= 10
    return criteria


# ---------------------------------------------------------------------------------------------- main

def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="a disposable PostgreSQL database")
    parser.add_argument("--reset-database", action="store_true", help="erase the database's public schema first")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--db-outage", type=float, default=0, help="stop the database this many seconds during the load")
    parser.add_argument("--db-stop-cmd", help="shell command that stops the database (e.g. pg_ctlcluster 15 load stop -m immediate)")
    parser.add_argument("--db-start-cmd", help="shell command that starts it again")
    parser.add_argument("--json", type=Path, help="write every figure here")
    parser.add_argument("--keep-logs", type=Path, help="copy gunicorn's logs into this folder")
    args = parser.parse_args()
    if args.db_outage and not (args.db_stop_cmd and args.db_start_cmd):
        parser.error("--db-outage needs --db-stop-cmd and --db-start-cmd")
    if not args.database_url.startswith(("postgresql", "postgres:")):
        parser.error("--database-url must be a PostgreSQL URL")
    return args


def draw_photos(seconds: float) -> tuple[list, list[bytes]]:
    """Every photo the run sends, drawn before it (in two processes): the load then measures the server."""
    size = HOT_RECORDS + CHECK_SEEDS + int(seconds * 6)
    print(f"drawing {size} objects x 3 photos and 40 unregistered ones...", flush=True)
    with ProcessPoolExecutor(2) as executor:
        pool = list(executor.map(draw_record, range(size), chunksize=8))
        unregistered = list(executor.map(draw_unregistered, range(500_000, 500_040), chunksize=8))
    return pool, unregistered


def code_under_test() -> dict:
    return {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip(),
            "uncommitted_product_files": uncommitted_product_files(), "load_average_before": os.getloadavg()}


def run_load(load: Load) -> tuple[float, float]:
    """The clients (and the outage, if asked) until the deadline; the load's start and end."""
    started = time.monotonic()
    load.deadline = started + load.args.seconds
    threads: list[threading.Thread] = [Client(load, n) for n in range(load.args.clients)]
    if load.args.db_outage:
        threads.append(threading.Thread(target=run_outage, args=(load, load.args.db_outage), daemon=True))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(load.args.seconds + REQUEST_TIMEOUT + 30)
    return started, time.monotonic()


def verification_sample(load: Load, data: dict, pool: list, seeded: dict) -> list[tuple[int, bytes]]:
    """Stolen records to check through each worker with one of their own photos: up to 10 registered during the
    load, 3 seeded ones never changed, and hot ones stolen at the end."""
    stolen = {record_id for record_id, _, status, *_ in data["records"] if status in LOSS}
    sample = [(t["record_id"], t["photo"]) for t in load.registered_targets if t["record_id"] in stolen][:10]
    sample += [(record_id, pool[HOT_RECORDS + i][0][0]) for i, (record_id, _) in enumerate(seeded["check"][:3])]
    sample += [(record_id, pool[i][0][0]) for i, record_id in enumerate(seeded["hot"]) if record_id in stolen][:3]
    return sample


def build_report(load: Load, data: dict, samples: list[Sample], span: tuple[float, float], readiness: dict,
                 boot_workers: dict, per_worker: dict, code: dict) -> dict:
    args = load.args
    report = {
        "config": {"seconds": args.seconds, "clients": args.clients, "workers": args.workers, "db_outage": args.db_outage,
                   "db_stop_cmd": args.db_stop_cmd, "db_start_cmd": args.db_start_cmd, "multipart_create": load.multipart,
                   "versions": load.versions, "photos_drawn_during_load": load.drawn_during_load, **code},
        "load": figures(samples, *span),
        "outage": outage_figures(samples, load.outage),
        "creates": reconcile_creates(load.ledger, data),
        "changes": reconcile_changes(load.ledger, data),
        "checks": reconcile_checks(load.ledger, data),
        "database_digest": data["digest"],
        "readiness": {pid: {k: w.get(k) for k in ("status", "ready", "in_sync", "digest", "drift_repaired", "drift_unrepaired")}
                      for pid, w in readiness.items()},
        "workers_at_boot": sorted(boot_workers), "workers_at_end": sorted(readiness),
        "per_worker_check": per_worker,
    }
    sent = {sample.request_id: sample for sample in load.samples}
    for section in (report["creates"], report["changes"]["edits"], report["changes"]["status_changes"], report["checks"]):
        section["in_doubt_stored"] = [request_detail(sent[r], load.outage) for r in section["in_doubt_stored"]]
    report["errors_500"] = [{**error, **request_detail(sent[error["request_id"]], load.outage)} for error in load.ledger.errors_500[:20]]
    if not readiness:
        report["readiness_note"] = "/readyz not served: the per-worker check alone stands for the index"
    return report


def main() -> int:
    args = parse_arguments()
    workdir = Path(tempfile.mkdtemp(prefix="registry-load-"))
    gunicorn = load = None
    try:
        pool, unregistered = draw_photos(args.seconds)
        prepare_database(args.database_url, args.reset_database)
        env = server_environment(args.database_url, str(workdir / "media"))
        subprocess.run([str(Path(sys.executable).parent / "registry"), "db", "upgrade"], cwd=ROOT, env=env, check=True,
                       capture_output=True)
        print("database migrated; creating accounts and seeding records...", flush=True)
        tokens, seeded, officer_id = create_accounts_and_seed(env, args.clients, pool)
        code = code_under_test()
        port = free_port()
        base = f"http://{HOST}:{port}"
        gunicorn = start_gunicorn(args, env, port, workdir)
        wait_until_up(base, gunicorn)
        load = Load(args, base, tokens, seeded, pool[HOT_RECORDS + CHECK_SEEDS:], unregistered)
        load.multipart, load.versions = api_features(base, tokens["registrar"][0], seeded["hot"][0])
        boot_workers = workers_readiness(load, args.workers)
        print(f"gunicorn up on {base}, workers {sorted(boot_workers)}; multipart create: {load.multipart}, "
              f"versions: {load.versions}; loading for {args.seconds:.0f} s with {args.clients} clients...", flush=True)
        span = run_load(load)
        samples = list(load.samples)
        print("load over; reconciling...", flush=True)
        readiness = workers_readiness(load, args.workers)
        data = read_database(args.database_url, officer_id)
        per_worker = check_through_each_worker(load, workdir, verification_sample(load, data, pool, seeded),
                                               set(readiness) or set(boot_workers))
        data = read_database(args.database_url, officer_id)  # again: the checks just sent are logged too
        report = build_report(load, data, samples, span, readiness, boot_workers, per_worker, code)
        stop_gunicorn(gunicorn)
        report["gunicorn_log"] = gunicorn_log_findings(workdir)
        report["verdict"] = verdict(report)
        print_report(report)
        if args.json:
            args.json.write_text(json.dumps(report, indent=1, default=str))
        if args.keep_logs:
            args.keep_logs.mkdir(parents=True, exist_ok=True)
            for name in ("gunicorn.log", "access.log"):
                shutil.copy(workdir / name, args.keep_logs / name)
        return 0 if all(report["verdict"].values()) else 1
    finally:
        if gunicorn is not None:
            stop_gunicorn(gunicorn)
        if load is not None and "stop_begin" in load.outage and "start_done" not in load.outage:
            print("starting the database again:", _shell(args.db_start_cmd))
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
