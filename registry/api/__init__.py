"""The JSON API, version 1."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from registry.api import checks, errors, redlists  # noqa: E402,F401
