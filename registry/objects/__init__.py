"""Object ID records: register, view, edit, report stolen, search."""

from flask import Blueprint

bp = Blueprint("objects", __name__)

from registry.objects import delete, lookup, routes  # noqa: E402,F401
