"""The JSON API, version 1, documented as OpenAPI (flask-smorest) at /api/v1/openapi.json."""

from flask_smorest import Blueprint

bp = Blueprint("api", __name__, description="Records, photos, checks and Red Lists. Every call needs a personal API token.")

from registry.api import checks, deletion, errors, exchange, records, redlists  # noqa: E402,F401
