"""/metrics, and the hooks that time every request, count its errors and give it a request id and an access log line."""

from __future__ import annotations

import hmac
import ipaddress
import logging
import sys
import time

from flask import Flask, Response, abort, current_app, g, request

from registry.observability import bp
from registry.observability.logs import REQUEST_ID_HEADER, JsonFormatter, RequestIdFilter, request_id_from
from registry.observability.metrics import HTTP_ERRORS, HTTP_SECONDS, exposition

access_log = logging.getLogger("registry.access")


@bp.get("/metrics")
def metrics():
    """Prometheus metrics of every worker; only to REGISTRY_METRICS_TOKEN's bearer or REGISTRY_METRICS_ALLOW's networks."""
    if not _may_scrape():
        abort(404)  # not advertised to whoever may not read it
    _measure_index_lag()
    response = Response(exposition(), mimetype="text/plain; version=0.0.4; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"
    return response


metrics.talisman_view_options = {"force_https": False}  # the scraper reaches the worker directly, like /readyz


def _may_scrape() -> bool:
    token = current_app.config.get("METRICS_TOKEN") or ""
    sent = request.headers.get("Authorization", "")
    if token and sent.startswith("Bearer ") and hmac.compare_digest(sent.removeprefix("Bearer ").strip(), token):
        return True
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    networks = [n.strip() for n in str(current_app.config.get("METRICS_ALLOW") or "").split(",") if n.strip()]
    return any(address in ipaddress.ip_network(network, strict=False) for network in networks)


def _measure_index_lag() -> None:
    """How far this worker's index is behind the database (photos with events it has not replayed: one indexed
    query, never a count of every photo), and where its comparisons with the database stand."""
    from registry.observability.metrics import index_measured
    from registry.services.index import live_index

    index = live_index()
    try:
        behind = index.events_pending()
    except Exception:  # noqa: BLE001 (the database away: the other metrics are still worth answering)
        current_app.logger.warning("metrics: the database could not be read for the index lag")
        behind = None
    index_measured(behind, index.comparisons)


def init_app(app: Flask) -> None:
    """Request ids, timing, error counts and JSON access logs on every request; JSON log lines (REGISTRY_LOG_FORMAT)."""
    _configure_logging(app)

    @app.before_request
    def start_request() -> None:
        g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        g.request_started = time.perf_counter()

    @app.after_request
    def finish_request(response: Response) -> Response:
        request_id = g.get("request_id") or request_id_from(None)
        response.headers[REQUEST_ID_HEADER] = request_id
        seconds = time.perf_counter() - g.get("request_started", time.perf_counter())
        route = request.url_rule.rule if request.url_rule is not None else "unmatched"
        HTTP_SECONDS.labels(route=route).observe(seconds)
        if response.status_code >= 400:
            HTTP_ERRORS.labels(route=route, status=str(response.status_code)).inc()
        if request.endpoint != "observability.metrics":
            access_log.info("%s %s %s", request.method, route, response.status_code, extra={
                "request_id": request_id, "method": request.method, "route": route, "path": request.path,
                "status": response.status_code, "duration_ms": round(seconds * 1000, 1),
                "remote_addr": request.remote_addr})
        return response


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a line is written (a test runner or a daemon may replace it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def _configure_logging(app: Flask) -> None:
    from flask.logging import default_handler

    logger = logging.getLogger("registry")  # the app's logger, parent of every registry module's
    logger.setLevel(app.config.get("LOG_LEVEL") or "INFO")
    if str(app.config.get("LOG_FORMAT") or "json").lower() != "json":
        return
    app.logger.removeHandler(default_handler)
    if not any(getattr(handler, "_registry_json", False) for handler in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(JsonFormatter())
        handler.addFilter(RequestIdFilter())
        handler._registry_json = True  # type: ignore[attr-defined]  # one per process, however many apps are made
        logger.addHandler(handler)
