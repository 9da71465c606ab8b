"""Health and readiness of a worker, for load balancers and orchestrators: /healthz and /readyz."""

from flask import Blueprint

bp = Blueprint("health", __name__)

from registry.health import routes  # noqa: E402,F401
