"""Rate limits on checks (issue 24): per address for anonymous visitors, per account once signed in, per token in
the API; 429 with Retry-After; and, with Redis, one count shared by separate app processes."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app_config(app_config):
    """Real, small limits (the suite's other tests run with high ones)."""
    return {**app_config, "CHECK_RATE_LIMIT_ANONYMOUS": "2 per minute", "CHECK_RATE_LIMIT_ACCOUNT": "3 per minute",
            "CHECK_RATE_LIMIT_TOKEN": "4 per minute"}


def _page_check(client, address: str):
    return client.post("/check/", data={"description": "a bronze"}, environ_base={"REMOTE_ADDR": address})


def _api_check(client, headers: dict, address: str = "203.0.113.9"):
    return client.post("/api/v1/checks", data={"description": "a bronze"}, content_type="multipart/form-data",
                       headers=headers, environ_base={"REMOTE_ADDR": address})


def _assert_refused(answer) -> None:
    assert answer.status_code == 429
    assert 1 <= int(answer.headers["Retry-After"]) <= 61


def test_anonymous_checks_are_limited_per_address(client):
    assert [_page_check(client, "198.51.100.1").status_code for _ in range(2)] == [200, 200]
    refused = _page_check(client, "198.51.100.1")
    _assert_refused(refused)
    assert "Too many checks in a short time. Try again in" in refused.get_data(as_text=True)
    assert _page_check(client, "198.51.100.2").status_code == 200  # another address counts apart
    french = client.post("/check/?lang=fr", data={}, environ_base={"REMOTE_ADDR": "198.51.100.1"})
    assert french.status_code == 429 and "Trop de vérifications" in french.get_data(as_text=True)
    assert client.get("/check/", environ_base={"REMOTE_ADDR": "198.51.100.1"}).status_code == 200  # the form still shows


def test_signed_in_checks_are_limited_per_account_from_any_address(client, login_as):
    login_as("dealer")
    assert [_page_check(client, f"198.51.100.{n}").status_code for n in (1, 2, 3)] == [200, 200, 200]
    _assert_refused(_page_check(client, "198.51.100.4"))
    client.post("/auth/logout")
    login_as("law_enforcement")
    assert _page_check(client, "198.51.100.4").status_code == 200  # another account counts apart


def test_api_checks_are_limited_per_token(app, client, make_user):
    from registry.services.accounts import create_token

    officer = make_user("law_enforcement")
    first = {"Authorization": f"Bearer {create_token(officer, 'one', 'test')}"}
    second = {"Authorization": f"Bearer {create_token(officer, 'two', 'test')}"}
    assert [_api_check(client, first).status_code for _ in range(4)] == [422] * 4  # no photo: refused (422 names `photos`), but counted
    refused = _api_check(client, first, "203.0.113.10")
    _assert_refused(refused)
    assert refused.get_json()["status"] == 429
    assert refused.get_json()["error"].startswith("Too many checks in a short time. Try again in")
    assert _api_check(client, second).status_code == 422  # the same account's other token counts apart


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited while starting"
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer")


def _post(port: int) -> tuple[int, str | None]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/check/", data=b"description=bronze", method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.headers.get("Retry-After")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Retry-After")


SERVER = """
import json, sys
from werkzeug.serving import make_server
from registry import create_app
make_server("127.0.0.1", int(sys.argv[2]), create_app(json.loads(sys.argv[1]))).serve_forever()
"""


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed (Debian: redis-server)")
def test_with_redis_two_app_processes_share_one_count(app, app_config, tmp_path):
    redis_port = _free_port()
    redis = subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(redis_port), "--dir", str(tmp_path),
                              "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    servers: list[subprocess.Popen] = []
    try:
        config = {**app_config, "RATELIMIT_STORAGE_URL": f"redis://127.0.0.1:{redis_port}/0", "CHECK_RATE_LIMIT_ANONYMOUS": "3 per minute"}
        ports = [_free_port(), _free_port()]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        servers = [subprocess.Popen([sys.executable, "-c", SERVER, json.dumps(config), str(port)], cwd=ROOT, env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for port in ports]
        for port, server in zip(ports, servers):
            _wait_for(f"http://127.0.0.1:{port}/healthz", server)
        first, second = ports
        answers = [_post(first), _post(second), _post(first), _post(second)]
        assert [status for status, _ in answers[:3]] == [200, 200, 200]
        status, retry_after = answers[3]
        assert status == 429 and retry_after is not None and int(retry_after) >= 1  # the 4th, in the other process
    finally:
        for process in [*servers, redis]:
            process.terminate()
        for process in [*servers, redis]:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
