"""/metrics (Prometheus) and JSON logs with a request id (issue 27): what is counted, who may read it, and the sums
across gunicorn's worker processes (PROMETHEUS_MULTIPROC_DIR)."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.operations.conftest import another_view

ROOT = Path(__file__).resolve().parents[2]


def _samples(text: str) -> dict[tuple, float]:
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def _value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def _scrape(client, **kwargs) -> dict:
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/plain"
    return _samples(response.get_data(as_text=True))


def test_metrics_count_checks_by_stage_the_index_refusals_and_errors_by_route(app, client, register):
    record = register("X-1", [51])
    before = _scrape(client)
    client.post("/check/", data={"photos": [(io.BytesIO(another_view(51)), "q.jpg")]}, content_type="multipart/form-data")
    client.post("/check/", data={"photos": [(io.BytesIO(b"plain text, not a photo"), "q.jpg")]},
                content_type="multipart/form-data")
    assert client.get("/objects/999999").status_code == 404
    after = _scrape(client)

    for stage in ("describe", "search", "rank", "total"):
        assert _value(after, "registry_check_seconds_count", stage=stage) == _value(before, "registry_check_seconds_count", stage=stage) + 1
    assert _value(after, "registry_check_seconds_sum", stage="total") > _value(before, "registry_check_seconds_sum", stage="total")
    assert _value(after, "registry_index_photos", scope="all") == len(record.current_photos)
    assert _value(after, "registry_index_photos", scope="lost") == 1
    assert _value(after, "registry_index_behind_photos") == 0
    # the load read every photo; no comparison has run yet, no drift
    assert _value(after, "registry_index_whole_compared_timestamp_seconds") > time.time() - 60
    assert _value(after, "registry_index_drift_unrepaired_ranges") == 0
    assert _value(after, "registry_index_last_sync_timestamp_seconds") > time.time() - 60
    refused = ("registry_uploads_refused_total", {"reason": "not_an_image"})
    assert _value(after, refused[0], **refused[1]) == _value(before, refused[0], **refused[1]) + 1
    route = {"route": "/objects/<int:record_id>", "status": "404"}
    assert _value(after, "registry_http_errors_total", **route) == _value(before, "registry_http_errors_total", **route) + 1


def test_the_index_lag_is_what_a_worker_has_not_replayed_yet(app, client, register, save_elsewhere):
    register("X-2", [52])
    client.get("/readyz")  # this worker's index is now current
    register("X-3", [53])  # committed; no check since, so not replayed
    assert _value(_scrape(client), "registry_index_behind_photos") == 1


def test_only_the_allowed_networks_or_the_token_may_read_the_metrics(app, client):
    outsider = {"environ_base": {"REMOTE_ADDR": "203.0.113.9"}}
    assert client.get("/metrics", **outsider).status_code == 404
    app.config["METRICS_TOKEN"] = "s3cret-scrape-token"
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}, **outsider).status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret-scrape-token"}, **outsider).status_code == 200
    app.config["METRICS_ALLOW"] = "10.0.0.0/8"
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    assert client.get("/metrics").status_code == 404  # loopback no longer listed


def test_every_answer_carries_a_request_id_and_a_json_access_log_line(app, client, capsys):
    capsys.readouterr()
    sent = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.42"})
    assert sent.headers["X-Request-ID"] == "lb-7f3a.42"
    forged = client.get("/healthz", headers={"X-Request-ID": 'x" {"level": "error"}'})
    assert forged.headers["X-Request-ID"] != 'x" {"level": "error"}' and len(forged.headers["X-Request-ID"]) == 32
    made = client.get("/objects/999999")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "registry.access"]
    assert [line["request_id"] for line in access] == ["lb-7f3a.42", forged.headers["X-Request-ID"], made.headers["X-Request-ID"]]
    assert access[-1]["status"] == 404 and access[-1]["route"] == "/objects/<int:record_id>" and "duration_ms" in access[-1]
    assert all(line["ts"].endswith("+00:00") and line["level"] == "info" for line in access)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


@pytest.mark.skipif(os.environ.get("REGISTRY_DATABASE_URL", "").startswith("postgres"),
                    reason="the SQLite run covers it; the metrics do not depend on the database")
def test_metrics_add_up_across_gunicorn_workers(tmp_path):
    """Two gunicorn workers, each answering some of 40 or more requests: /metrics (from either) counts them all."""
    from registry import create_app
    from registry.extensions import db

    database = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    app = create_app({"DATABASE_URL": database, "MEDIA_DIR": str(tmp_path / "media"), "SECRET_KEY": "x"})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    (tmp_path / "prometheus").mkdir()
    env = {**os.environ, "REGISTRY_DATABASE_URL": database, "REGISTRY_MEDIA_DIR": str(tmp_path / "media"),
           "REGISTRY_SECRET_KEY": "x", "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
           "REGISTRY_INSTANCE_PATH": str(tmp_path / "instance")}
    port = _free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                               "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "wsgi:app"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            if server.poll() is not None:
                pytest.fail((tmp_path / "gunicorn.log").read_text()[-2000:])
            try:
                if _get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        # requests 8 at a time, so that a worker busy with one leaves the next to the other (one after the other, on
        # an idle machine, the first worker to wake took them all)
        pids, sent = set(), 0
        with ThreadPoolExecutor(8) as pool:
            while sent < 40 or (len(pids) < 2 and sent < 400):
                for status, body in pool.map(lambda _: _get(f"{base}/readyz"), range(8)):
                    pids.add(json.loads(body)["pid"] if body else None)
                sent += 8
        assert _get(f"{base}/objects/999999")[0] == 404
        status, text = _get(f"{base}/metrics")
        assert status == 200
        samples = _samples(text)
        assert _value(samples, "registry_http_request_seconds_count", route="/readyz") == sent
        assert _value(samples, "registry_http_errors_total", route="/objects/<int:record_id>", status="404") == 1
        assert len(pids) == 2, "both workers should have answered some of the requests"
    finally:
        server.terminate()
        server.wait(20)
        log.close()
