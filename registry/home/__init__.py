"""The landing page (what the registry is, and its three doors) and the page that says who may register objects."""

from flask import Blueprint

bp = Blueprint("home", __name__)

from registry.home import routes  # noqa: E402,F401
