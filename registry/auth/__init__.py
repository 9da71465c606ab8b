"""Signing in and out, and the enforcement of the access matrix on every request."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from registry.auth import routes  # noqa: E402,F401
