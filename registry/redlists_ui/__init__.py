"""Red Lists pages: browse lists and categories, dealer look-up, tag records with categories."""

from flask import Blueprint

bp = Blueprint("redlists_ui", __name__)

from registry.redlists_ui import routes  # noqa: E402,F401
