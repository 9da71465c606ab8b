"""Two application hosts on one database (issue 27): a stolen record registered through one is found through the other.

    REGISTRY_DATABASE_URL=postgresql://... python bench/two_hosts.py [--trials 100] [--workers 2] [--reset]

Starts, on 127.0.0.1 and free ports, in a temporary folder: a Redis server (`redis-server`), an S3 endpoint (moto's
standalone server, `moto_server`, standing in for MinIO/Ceph/AWS S3) and two gunicorn servers of the registry
(`deploy/gunicorn.conf.py`, `wsgi:app`), each a separate process group in its own working and instance folder,
sharing only the PostgreSQL database, the Redis server, the bucket and the secret key. The database gets its schema
from the migrations (`registry db upgrade`); it must be empty, or `--reset` empties it (DROP SCHEMA public: a
throwaway database only). Then, per trial, a registrar registers a new stolen object with its photo through host A's
API, and an officer at once checks a cropped, re-compressed copy of that photo through host B's API, again until
host B answers with that record first, as a "match" (or `--deadline` passes). Finally an officer signed in on host A
sends checks to A and B in turn, with a limit of 3 checks a minute per account: the 4th, wherever it lands, is 429.
Prints one JSON object. Every process started is stopped at the end.

tests/operations/test_two_hosts.py runs the same steps, with fewer trials.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import io
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
ACCOUNT_CHECK_LIMIT = "3 per minute"  # the limit the rate-limit step shows counted across both hosts
S3_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "registry-two-hosts", "AWS_SECRET_ACCESS_KEY": "registry-two-hosts-secret",
                  "AWS_DEFAULT_REGION": "us-east-1"}


def free_port() -> int:
    """A TCP port free on loopback now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def moto_server_binary() -> str | None:
    """moto's standalone S3 server, on the PATH or beside this Python (a virtualenv's bin/)."""
    beside = Path(sys.executable).parent / "moto_server"
    return shutil.which("moto_server") or (str(beside) if beside.exists() else None)


class Processes:
    """The servers this harness starts, each in its own process group, logging to a file in ``folder``; ``stop()``
    ends them all (children too: gunicorn's workers), last started first."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._started: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, argv: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.Popen:
        with (self.folder / f"{name}.log").open("wb") as log:
            process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        self._started.append((name, process))
        return process

    def log_tail(self, name: str, characters: int = 3000) -> str:
        log = self.folder / f"{name}.log"
        return log.read_text(errors="replace")[-characters:] if log.exists() else ""

    def stop(self) -> None:
        for _, process in reversed(self._started):
            if process.poll() is None:
                process.terminate()
        for _, process in reversed(self._started):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)  # its own group (start_new_session): the server and its children only
                process.wait(timeout=10)
        self._started.clear()

    def __enter__(self) -> "Processes":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _wait_for_port(port: int, process: subprocess.Popen, processes: Processes, name: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited while starting:\n{processes.log_tail(name)}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{name} did not listen on port {port} within {seconds:.0f} s:\n{processes.log_tail(name)}")


def start_redis(processes: Processes) -> str:
    """A Redis server on a free loopback port, its files in a folder of its own; returns its URL."""
    port, folder = free_port(), processes.folder / "redis"
    folder.mkdir()
    server = processes.start("redis", ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--dir", str(folder),
                                       "--save", "", "--appendonly", "no"])
    _wait_for_port(port, server, processes, "redis")
    return f"redis://127.0.0.1:{port}/0"


def start_s3(processes: Processes, binary: str) -> str:
    """An S3 endpoint (moto's standalone server) on a free loopback port; returns its URL."""
    port = free_port()
    server = processes.start("s3", [binary, "-H", "127.0.0.1", "-p", str(port)])
    _wait_for_port(port, server, processes, "s3")
    return f"http://127.0.0.1:{port}"


def create_bucket(endpoint: str) -> str:
    """A new bucket on the endpoint; returns its name."""
    import boto3

    name = f"registry-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=endpoint, region_name=S3_CREDENTIALS["AWS_DEFAULT_REGION"],
                 aws_access_key_id=S3_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                 aws_secret_access_key=S3_CREDENTIALS["AWS_SECRET_ACCESS_KEY"]).create_bucket(Bucket=name)
    return name


def shared_settings(database_url: str, redis_url: str, s3_endpoint: str, bucket: str) -> dict[str, str]:
    """What every host is given alike: the database, Redis, the bucket, and the keys that sign sessions."""
    return {
        "REGISTRY_DATABASE_URL": database_url,
        "REGISTRY_RATELIMIT_STORAGE_URL": redis_url,
        "REGISTRY_MEDIA_STORE": f"s3://{bucket}/photos",
        "REGISTRY_S3_ENDPOINT_URL": s3_endpoint,
        "REGISTRY_SECRET_KEY": secrets.token_hex(32),
        "REGISTRY_CERTIFICATE_KEY": secrets.token_hex(32),
        "REGISTRY_CHECK_RATE_LIMIT_ACCOUNT": ACCOUNT_CHECK_LIMIT,
        # the trials' own checks (an API token's) must not be the ones refused
        "REGISTRY_CHECK_RATE_LIMIT_TOKEN": "100000 per minute",
        **S3_CREDENTIALS,
    }


def start_host(processes: Processes, name: str, settings: dict[str, str], workers: int = 2, seconds: float = 120) -> str:
    """One application host: gunicorn as deployed (deploy/gunicorn.conf.py, wsgi:app) in a working folder of its own,
    with its own instance folder, media folder (unused: photos are in the bucket) and metrics folder. Returns its
    base URL once /readyz answers 200."""
    folder = processes.folder / name
    folder.mkdir()
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("REGISTRY_", "AWS_"))}
    env.update(settings, PYTHONPATH=str(ROOT), REGISTRY_INSTANCE_PATH=str(folder / "instance"),
               REGISTRY_MEDIA_DIR=str(folder / "media"), PROMETHEUS_MULTIPROC_DIR=str(folder / "prometheus"),
               GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS=str(workers))
    server = processes.start(name, [sys.executable, "-m", "gunicorn", "--pythonpath", str(ROOT),
                                    "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "wsgi:app"], env=env, cwd=folder)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"host {name} exited while starting:\n{processes.log_tail(name)}")
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=5) as answer:
                if answer.status == 200:
                    return base
        except OSError:  # not listening yet, or 503 while a worker loads its index
            pass
        time.sleep(0.3)
    raise RuntimeError(f"host {name} was not ready within {seconds:.0f} s:\n{processes.log_tail(name)}")


@dataclass
class Accounts:
    registrar_token: str
    officer_token: str
    officer_email: str
    officer_password: str


def seed_accounts(institution: str = "Museum of Two Hosts") -> Accounts:
    """A registrar of ``institution`` and a law-enforcement officer, each with an API token (in an app context)."""
    from registry.services.accounts import create_token, create_user

    password = secrets.token_urlsafe(18)
    suffix = uuid.uuid4().hex[:8]
    registrar = create_user(f"registrar-{suffix}@two-hosts.example", "Registrar", "registrar", password, "two_hosts",
                            institution=institution)
    officer = create_user(f"officer-{suffix}@two-hosts.example", "Officer", "law_enforcement", password, "two_hosts",
                          agency="Customs of Two Hosts")
    return Accounts(create_token(registrar, "two hosts", "two_hosts"), create_token(officer, "two hosts", "two_hosts"),
                    officer.email, password)


def _multipart(fields: dict[str, str], files: Iterable[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, filename, content in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: image/jpeg\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _api_post(url: str, token: str, fields: dict[str, str], photo: tuple[str, bytes]) -> tuple[int, object]:
    body, content_type = _multipart(fields, [("photos", *photo)])
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": content_type, "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def register_stolen(host: str, token: str, number: str, photo: bytes) -> int:
    """Register a stolen object with one photo through a host's API; returns the record's id."""
    status, body = _api_post(f"{host}/api/v1/records", token,
                             {"object_number": number, "object_type": "Statuette", "status": "stolen"},
                             (f"{number}.jpg", photo))
    if status != 201:
        raise RuntimeError(f"registering {number} through {host} answered {status}: {body}")
    return body["id"]


def best_candidate(host: str, token: str, photo: bytes) -> tuple[int, str] | None:
    """(record id, verdict) of the first candidate a check of ``photo`` through a host's API answers, if any."""
    status, body = _api_post(f"{host}/api/v1/checks", token, {}, ("suspect.jpg", photo))
    if status != 200:
        raise RuntimeError(f"a check through {host} answered {status}: {body}")
    candidates = body[0]["candidates"]
    return (candidates[0]["record_id"], candidates[0]["verdict"]) if candidates else None


def edited_copy(photo: bytes) -> bytes:
    """What a seller might post: the photo cropped (8 % off the left and top, 5 % off the right and bottom), scaled
    to 80 % and re-compressed as JPEG at quality 60."""
    image = Image.open(io.BytesIO(photo)).convert("RGB")
    width, height = image.size
    image = image.crop((int(width * 0.08), int(height * 0.08), int(width * 0.95), int(height * 0.95)))
    image = image.resize((int(image.width * 0.8), int(image.height * 0.8)), Image.Resampling.BILINEAR)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=60)
    return buffer.getvalue()


@dataclass
class Trial:
    record_id: int
    seconds: float | None  # from host A's 201 to host B's answer naming the record first as a match; None: not by the deadline
    checks: int  # checks sent to host B until then
    check_seconds: float | None = None  # the same check through host B once more, the record long indexed: what a check costs


def found_through_other_host(host_a: str, host_b: str, accounts: Accounts, number: str, photo: bytes, query: bytes,
                             deadline: float = 5.0) -> Trial:
    """Register ``photo`` as a new stolen object through host A, then check ``query`` through host B at once, and
    again until B answers with that record first as a "match" or ``deadline`` seconds have passed."""
    record_id = register_stolen(host_a, accounts.registrar_token, number, photo)
    registered, checks = time.monotonic(), 0
    while True:
        checks += 1
        answer = best_candidate(host_b, accounts.officer_token, query)
        elapsed = time.monotonic() - registered
        if answer == (record_id, "match"):
            started = time.monotonic()
            best_candidate(host_b, accounts.officer_token, query)
            return Trial(record_id, elapsed, checks, time.monotonic() - started)
        if elapsed >= deadline:
            return Trial(record_id, None, checks)
        time.sleep(0.05)


def _csrf_token(page: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
    if found is None:
        raise RuntimeError("no CSRF token in the page")
    return found.group(1)


def checks_across_hosts(hosts: list[str], email: str, password: str) -> dict:
    """Sign in on the first host, then send page checks to each host in turn, one more than ACCOUNT_CHECK_LIMIT allows.
    The browser session (a signed cookie) made by one host is honoured by the other; the account's checks count in
    Redis, so the last one is refused wherever it lands. Returns each answer's host, status, X-RateLimit-Remaining
    and (a 429's) Retry-After."""
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def post(url: str, fields: dict[str, str]) -> tuple[int, dict, str]:
        request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), method="POST")
        try:
            with browser.open(request, timeout=60) as answer:
                return answer.status, dict(answer.headers), answer.geturl()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), url

    with browser.open(f"{hosts[0]}/auth/login", timeout=30) as page:
        token = _csrf_token(page.read().decode())
    status, _, landed = post(f"{hosts[0]}/auth/login", {"csrf_token": token, "email": email, "password": password})
    if status != 200 or "/auth/login" in landed:
        raise RuntimeError(f"signing in on {hosts[0]} failed ({status}, {landed})")
    with browser.open(f"{hosts[-1]}/check/", timeout=30) as page:  # the form, from the other host, with the session
        token = _csrf_token(page.read().decode())
    with browser.open(f"{hosts[-1]}/account/", timeout=30) as page:  # signed out, it would redirect to /auth/login
        signed_in_elsewhere = urllib.parse.urlsplit(page.geturl()).path == "/account/"
    allowed = int(ACCOUNT_CHECK_LIMIT.split()[0])
    answers = []
    for n in range(allowed + 1):
        host = hosts[n % len(hosts)]
        status, headers, _ = post(f"{host}/check/", {"csrf_token": token, "description": "a small bronze figure"})
        answers.append({"host": host, "status": status, "remaining": headers.get("X-RateLimit-Remaining"),
                        "retry_after": headers.get("Retry-After") if status == 429 else None})
    return {"limit": ACCOUNT_CHECK_LIMIT, "signed_in_on_the_other_host": signed_in_elsewhere, "answers": answers}


def trial_photos(seed: int) -> tuple[bytes, bytes]:
    """A procedural object's photo (bench/objects.py) and its edited copy."""
    if str(ROOT / "bench") not in sys.path:
        sys.path.insert(0, str(ROOT / "bench"))
    from objects import make_object

    buffer = io.BytesIO()
    make_object(seed).save(buffer, format="JPEG", quality=92)
    return buffer.getvalue(), edited_copy(buffer.getvalue())


def _prepare_database(url: str, reset: bool, folder: Path) -> None:
    from sqlalchemy import create_engine, inspect, text

    from registry.config import sqlalchemy_url

    engine = create_engine(sqlalchemy_url(url))
    try:
        tables = inspect(engine).get_table_names()
        if tables and not reset:
            raise SystemExit(f"the database holds {len(tables)} tables: give an empty one, or --reset to empty it")
        if tables:
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
    env = {key: value for key, value in os.environ.items() if not key.startswith("REGISTRY_")}
    env.update(REGISTRY_DATABASE_URL=url, REGISTRY_INSTANCE_PATH=str(folder / "migrate"), PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-m", "registry", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _seed(url: str, folder: Path) -> Accounts:
    from registry import create_app
    from registry.extensions import db

    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(folder / "seed"), "MEDIA_DIR": str(folder / "seed-media")})
    with app.app_context():
        try:
            return seed_accounts()
        finally:
            db.session.remove()
            db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("REGISTRY_DATABASE_URL"))
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per host")
    parser.add_argument("--target", type=float, default=1.0, help="seconds within which a record must be found")
    parser.add_argument("--deadline", type=float, default=5.0, help="seconds after which a trial gives up")
    parser.add_argument("--reset", action="store_true", help="empty the database first (DROP SCHEMA public)")
    args = parser.parse_args()
    if not (args.database_url or "").startswith(("postgresql", "postgres://")):
        raise SystemExit("set REGISTRY_DATABASE_URL (or --database-url) to a PostgreSQL database: several hosts share one")
    if shutil.which("redis-server") is None or moto_server_binary() is None:
        raise SystemExit("needs redis-server (Debian: redis-server) and moto_server (pip install 'moto[server]')")
    sys.path.insert(0, str(ROOT))
    load_start = round(os.getloadavg()[0], 2)

    with tempfile.TemporaryDirectory(prefix="registry-two-hosts-") as tmp, Processes(Path(tmp)) as processes:
        folder = Path(tmp)
        _prepare_database(args.database_url, args.reset, folder)
        accounts = _seed(args.database_url, folder)
        redis_url, s3_endpoint = start_redis(processes), start_s3(processes, moto_server_binary())
        settings = shared_settings(args.database_url, redis_url, s3_endpoint, create_bucket(s3_endpoint))
        started = time.monotonic()
        host_a = start_host(processes, "host-a", settings, args.workers)
        host_b = start_host(processes, "host-b", settings, args.workers)
        start_seconds = time.monotonic() - started
        run = uuid.uuid4().hex[:6]
        trials = []
        for n in range(args.trials):
            photo, query = trial_photos(10_000 + n)
            trials.append(found_through_other_host(host_a, host_b, accounts, f"TWO-{run}-{n:03d}", photo, query,
                                                   args.deadline))
        limits = checks_across_hosts([host_a, host_b], accounts.officer_email, accounts.officer_password)

    seconds = sorted(t.seconds for t in trials if t.seconds is not None)
    baseline = sorted(t.check_seconds for t in trials if t.check_seconds is not None)
    print(json.dumps({
        "hosts": 2, "workers_per_host": args.workers, "database": "postgresql", "rate_limits": "redis",
        "photos": "s3 (moto_server)", "hosts_started_seconds": round(start_seconds, 1),
        "trials": args.trials,
        f"found_within_{args.target:g}s": sum(1 for s in seconds if s < args.target),
        "found_within_deadline": len(seconds), "deadline_seconds": args.deadline,
        "found_at_first_check": sum(1 for t in trials if t.seconds is not None and t.checks == 1),
        "seconds_to_found": {"median": round(statistics.median(seconds), 3) if seconds else None,
                             "p95": round(seconds[max(0, int(len(seconds) * 0.95) - 1)], 3) if seconds else None,
                             "max": round(seconds[-1], 3) if seconds else None},
        "seconds_of_the_same_check_once_indexed": {"median": round(statistics.median(baseline), 3) if baseline else None,
                                                    "max": round(baseline[-1], 3) if baseline else None},
        "load_average_1min": {"start": load_start, "end": round(os.getloadavg()[0], 2), "cores": os.cpu_count()},
        "rate_limit_across_hosts": {
            "limit": limits["limit"],
            "session_from_host_a_honoured_by_host_b": limits["signed_in_on_the_other_host"],
            "answers": [{"host": "A" if a["host"] == host_a else "B", "status": a["status"], "remaining": a["remaining"],
                         **({"retry_after": int(a["retry_after"])} if a["retry_after"] else {})} for a in limits["answers"]],
        },
    }, indent=2))


if __name__ == "__main__":
    main()
