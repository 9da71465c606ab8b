"""Metrics and logs for operators: /metrics (Prometheus), a request id on every request, JSON log lines."""

from flask import Blueprint

bp = Blueprint("observability", __name__)

from registry.observability import routes  # noqa: E402,F401
