"""The standing watch's pages: hits of one's checks (and one's agency's), objects watched."""

from flask import Blueprint

bp = Blueprint("watch", __name__)

from registry.watch import routes  # noqa: E402,F401
