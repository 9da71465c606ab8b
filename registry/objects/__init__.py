"""Object ID records: register, view, edit, report stolen, search."""

from flask import Blueprint

bp = Blueprint("objects", __name__)

from registry.objects import routes  # noqa: E402,F401
