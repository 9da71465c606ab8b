"""A signed-in user's own pages: dashboard with alerts, API tokens, password, two-factor sign-in."""

from flask import Blueprint

bp = Blueprint("account", __name__)

from registry.account import routes  # noqa: E402,F401
