"""Memory budget per request (issue 24): the worst requests the limits allow, against the real app under gunicorn on
loopback, with the worker's resident memory (RSS) sampled while each runs and 5 s after it answered.

    .venv/bin/python bench/hostile.py                 # ~3 min (~6 before the limits of issue 24)
    .venv/bin/python bench/hostile.py --json out.json # the same, plus every figure as JSON

What it does:
1. Migrates a temporary SQLite database (``registry db upgrade``), creates a dealer with an API token, and for each
   scenario starts ``gunicorn -w 1 --threads 2 --timeout 300 wsgi:app`` anew on a free port of 127.0.0.1 (one
   worker with two threads, so that the two concurrent requests below land in the same process: the harshest case
   for "a worker's peak"; a new worker each time, so that memory one scenario took and kept cannot hide the next's).
   The check rate limits are raised for the run (all its requests come from one address); nothing else is set.
2. Warms the worker with one ordinary check (a 1600x1200 JPEG), then sends the scenario's request(s):
   - ``png_solid``: as many solid-colour PNGs as a check accepts, each of the most pixels a check photo may have
     (the issue's 131 KB 6300x6300 PNG, sized to the limit in force), anonymously through the Check page;
   - ``png_rgba``: the same with an alpha channel (4 bytes a pixel once decoded);
   - ``tiff16``: 16-bit grey TIFFs of the same size (deflate-compressed, ~100 KB each);
   - ``api_png_solid``: ``png_solid`` through ``POST /api/v1/checks`` with the token;
   - ``concurrent_2``: two ``png_solid`` requests at once;
   - ``body_declared``: a POST to the Check page declaring a 60 MB body, of which only the headers are sent: an
     answer must come without the body (timed);
   - ``body_chunked``: a check with one 60 MB photo, sent chunked (no Content-Length), in 1 MB chunks.
3. For each: the worker's RSS just before (after 2 s idle), its peak (sampled every 10 ms and read from the
   kernel's VmHWM, reset before each scenario through /proc/PID/clear_refs), and 5 s after the answer; the answers'
   statuses and times. Target (issue 24): peak - before <= 300 MB and |after - before| <= 50 MB.

Bounded: every request times out, the whole run stops after --max-seconds, and gunicorn is stopped on the way out.
"""
from __future__ import annotations

import argparse
import io
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HOST = "127.0.0.1"
MB = 1024 * 1024
TARGET_PEAK_MB = 300
TARGET_AFTER_MB = 50
REQUEST_TIMEOUT = 300


def limits() -> dict:
    """The limits in force in this checkout (older code has no separate limit for check photos)."""
    from registry.config import Config

    return {
        "photos_per_check": int(getattr(Config, "MAX_PHOTOS_PER_CHECK", getattr(Config, "MAX_PHOTOS_PER_UPLOAD", 12))),
        "check_photo_pixels": int(getattr(Config, "MAX_CHECK_PHOTO_PIXELS", Config.MAX_PHOTO_PIXELS)),
        "max_content_length": int(Config.MAX_CONTENT_LENGTH),
        "check_body_bytes": int(getattr(Config, "MAX_CHECK_BODY_BYTES", Config.MAX_CONTENT_LENGTH)),
    }


def largest_side(pixels: int) -> int:
    """The side of the largest square a limit of `pixels` accepts."""
    return math.isqrt(pixels)


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def hostile_photos(side: int) -> dict[str, bytes]:
    """One file per kind, of side x side pixels, that compresses to almost nothing."""
    return {
        "png_solid": encoded(Image.new("RGB", (side, side), (200, 40, 40)), "PNG", optimize=True),
        "png_rgba": encoded(Image.new("RGBA", (side, side), (40, 200, 40, 128)), "PNG", optimize=True),
        "tiff16": encoded(Image.new("I;16", (side, side), 30000), "TIFF", compression="tiff_deflate"),
    }


def ordinary_photo() -> bytes:
    image = Image.new("RGB", (1600, 1200), (230, 225, 215))
    for i in range(12):
        image.paste((30 + 15 * i, 90, 160 - 10 * i), (300 + 60 * i, 200 + 30 * i, 500 + 60 * i, 700 + 20 * i))
    return encoded(image, "JPEG", quality=90)


# ---- the server -----------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def prepare(workdir: Path) -> tuple[dict, str]:
    """A migrated database with a dealer and an API token; the server's environment and the token."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("REGISTRY_")}
    env.update({
        "REGISTRY_DATABASE_URL": f"sqlite:///{workdir / 'registry.sqlite'}",
        "REGISTRY_MEDIA_DIR": str(workdir / "media"),
        "REGISTRY_SECRET_KEY": "bench-hostile",
        # every request of this run comes from one address: the check limits would answer 429 after a few
        "REGISTRY_CHECK_RATE_LIMIT_ANONYMOUS": "10000 per minute",
        "REGISTRY_CHECK_RATE_LIMIT_ACCOUNT": "10000 per minute",
        "REGISTRY_CHECK_RATE_LIMIT_TOKEN": "10000 per minute",
        "PYTHONPATH": str(ROOT),
    })
    subprocess.run([sys.executable, "-m", "registry", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=300)
    script = (
        "from registry import create_app\n"
        "from registry.services.accounts import create_user, create_token\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    user = create_user('bench@example.org', 'Bench Dealer', 'dealer', 'correct horse battery staple', 'bench')\n"
        "    print(create_token(user, 'bench', 'bench'))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True,
                          text=True, timeout=300)
    return env, done.stdout.strip().splitlines()[-1]


def start_gunicorn(env: dict, port: int, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "-w", "1", "--threads", "2", "--timeout", str(REQUEST_TIMEOUT),
               "-b", f"{HOST}:{port}", "wsgi:app"]
    handle = open(log, "w")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)


def stop_gunicorn(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def wait_until_up(base: str, process: subprocess.Popen, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("gunicorn exited while starting: see its log")
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    sys.exit("gunicorn did not answer /healthz in time")


def worker_pid(master: int) -> int:
    """The only worker of the gunicorn master."""
    for _ in range(100):
        children = [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
        if children:
            return children[0]
        time.sleep(0.1)
    raise SystemExit("no gunicorn worker found")


# ---- memory -------------------------------------------------------------------------------------------------

def status_kb(pid: int, field: str) -> int:
    match = re.search(rf"^{field}:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.MULTILINE)
    return int(match.group(1)) if match else 0


def rss_mb(pid: int) -> float:
    return status_kb(pid, "VmRSS") / 1024


def reset_peak(pid: int) -> bool:
    """Reset the kernel's peak RSS (VmHWM) of `pid`; False where the kernel does not allow it."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


class Sampler(threading.Thread):
    """The highest RSS of a process, sampled every 10 ms until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            self.done.wait(0.01)


def measured(pid: int, send) -> dict:
    """Before / peak / 5 s after of the worker's RSS around `send()`, with what `send()` returned."""
    time.sleep(2)
    before = rss_mb(pid)
    hwm_reset = reset_peak(pid)
    sampler = Sampler(pid)
    sampler.start()
    started = time.monotonic()
    answers = send()
    took = time.monotonic() - started
    time.sleep(5)
    sampler.done.set()
    sampler.join()
    after = rss_mb(pid)
    peak = max(sampler.peak, status_kb(pid, "VmHWM") / 1024 if hwm_reset else 0.0, after)
    return {
        "answers": answers, "seconds": round(took, 2), "rss_before_mb": round(before), "rss_peak_mb": round(peak),
        "rss_after_5s_mb": round(after), "peak_rise_mb": round(peak - before), "after_minus_before_mb": round(after - before),
        "within_target": peak - before <= TARGET_PEAK_MB and abs(after - before) <= TARGET_AFTER_MB,
    }


# ---- the requests -------------------------------------------------------------------------------------------

def csrf_session(base: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    page = session.get(f"{base}/check/", timeout=30).text
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
    return session, match.group(1) if match else ""


def web_check(base: str, files: list[tuple[str, bytes]]) -> dict:
    session, token = csrf_session(base)
    started = time.monotonic()
    answer = session.post(f"{base}/check/", data={"csrf_token": token},
                          files=[("photos", (name, data, "application/octet-stream")) for name, data in files],
                          timeout=REQUEST_TIMEOUT)
    refused = re.findall(r'<p class="error" role="alert">([^<]*)</p>', answer.text)
    return {"status": answer.status_code, "seconds": round(time.monotonic() - started, 2),
            "checked": 'class="check-result"' in answer.text, "refusal": refused[0].strip() if refused else None}


def api_check(base: str, token: str, files: list[tuple[str, bytes]]) -> dict:
    started = time.monotonic()
    answer = requests.post(f"{base}/api/v1/checks", headers={"Authorization": f"Bearer {token}"},
                           files=[("photos", (name, data, "application/octet-stream")) for name, data in files],
                           timeout=REQUEST_TIMEOUT)
    body = answer.json() if answer.headers.get("Content-Type", "").startswith("application/json") else {}
    return {"status": answer.status_code, "seconds": round(time.monotonic() - started, 2),
            "error": body.get("error") if isinstance(body, dict) else None}


def declared_body(port: int, declared: int) -> dict:
    """Send only the headers of a POST declaring `declared` bytes; the answer must come without the body."""
    started = time.monotonic()
    with socket.create_connection((HOST, port), timeout=30) as connection:
        connection.sendall((f"POST /check/ HTTP/1.1\r\nHost: {HOST}:{port}\r\nContent-Type: multipart/form-data; "
                            f"boundary=x\r\nContent-Length: {declared}\r\n\r\n").encode())
        connection.settimeout(30)
        try:
            first = connection.recv(200).decode("latin-1")
        except TimeoutError:
            first = ""
    status = int(first.split()[1]) if first.startswith("HTTP/") else None
    return {"status": status, "seconds": round(time.monotonic() - started, 3), "answered_without_body": status is not None}


def chunked_body(base: str, size: int) -> dict:
    """A check whose one photo is `size` bytes, sent chunked (no Content-Length: the server learns the size only by
    reading), in 1 MB chunks, with the form's CSRF token."""
    session, token = csrf_session(base)
    boundary = "benchboundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"big.jpg\"\r\n"
            "Content-Type: image/jpeg\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def chunks():
        yield head
        left = size
        while left > 0:
            yield os.urandom(min(MB, left))
            left -= MB
        yield tail

    started = time.monotonic()
    try:
        answer = session.post(f"{base}/check/", data=chunks(), timeout=REQUEST_TIMEOUT,
                              headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        status: int | str = answer.status_code
    except requests.ConnectionError as exc:  # the server may close the connection once it has refused the body
        status = f"connection closed ({type(exc).__name__})"
    return {"status": status, "seconds": round(time.monotonic() - started, 2)}


# ---- the run ------------------------------------------------------------------------------------------------

def run(args) -> dict:
    limit = limits()
    side = largest_side(limit["check_photo_pixels"])
    photos = hostile_photos(side)
    count = limit["photos_per_check"]
    workdir = Path(tempfile.mkdtemp(prefix="hostile-"))
    port = free_port()
    base = f"http://{HOST}:{port}"
    env, token = prepare(workdir)
    report: dict = {"limits": limit, "photo_side": side, "photo_bytes": {k: len(v) for k, v in photos.items()},
                    "photos_per_request": count, "server": "gunicorn -w 1 --threads 2 --timeout 300, a new one per scenario",
                    "scenarios": {}}
    deadline = time.monotonic() + args.max_seconds
    batch = lambda kind: [(f"{kind}-{i}.{'tif' if kind == 'tiff16' else 'png'}", photos[kind]) for i in range(count)]  # noqa: E731
    scenarios = {
        "png_solid": lambda: [web_check(base, batch("png_solid"))],
        "png_rgba": lambda: [web_check(base, batch("png_rgba"))],
        "tiff16": lambda: [web_check(base, batch("tiff16"))],
        "api_png_solid": lambda: [api_check(base, token, batch("png_solid"))],
        "concurrent_2": lambda: list(ThreadPoolExecutor(2).map(lambda _: web_check(base, batch("png_solid")), range(2))),
        "body_declared": lambda: [declared_body(port, 60 * MB)],
        "body_chunked": lambda: [chunked_body(base, 60 * MB)],
    }
    try:
        for name, send in scenarios.items():
            if args.only and name not in args.only:
                continue
            if time.monotonic() > deadline:
                report["scenarios"][name] = {"skipped": "--max-seconds reached"}
                continue
            # a new worker each time: memory a worker once took and kept would hide what the next scenario costs
            server = start_gunicorn(env, port, workdir / "gunicorn.log")
            try:
                wait_until_up(base, server)
                pid = worker_pid(server.pid)
                warm = web_check(base, [("ordinary.jpg", ordinary_photo())])
                report["scenarios"][name] = {**measured(pid, send), "warm_up": warm["status"]}
            finally:
                stop_gunicorn(server)
            print(f"{name:14} {json.dumps(report['scenarios'][name])}", flush=True)
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return report


def print_table(report: dict) -> None:
    print()
    print(f"limits: {report['limits']}; photos {report['photo_side']}x{report['photo_side']} px, "
          f"{report['photos_per_request']} a request; file sizes {report['photo_bytes']}")
    print(f"{'scenario':14} {'answers':28} {'s':>7} {'before':>7} {'peak':>7} {'after5s':>8} {'rise':>6} {'ok':>4}")
    for name, row in report["scenarios"].items():
        if "skipped" in row:
            print(f"{name:14} skipped")
            continue
        answers = ",".join(str(a["status"]) for a in row["answers"])
        print(f"{name:14} {answers:28} {row['seconds']:7.1f} {row['rss_before_mb']:7} {row['rss_peak_mb']:7} "
              f"{row['rss_after_5s_mb']:8} {row['peak_rise_mb']:6} {'yes' if row['within_target'] else 'NO':>4}")
    print(f"RSS in MB of the one gunicorn worker; target: rise <= {TARGET_PEAK_MB}, |after - before| <= {TARGET_AFTER_MB}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="write every figure to this file")
    parser.add_argument("--only", nargs="*", help="run only these scenarios")
    parser.add_argument("--max-seconds", type=float, default=900, help="stop starting scenarios after this long")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (database, gunicorn log)")
    args = parser.parse_args()
    report = run(args)
    print_table(report)
    print(json.dumps(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
