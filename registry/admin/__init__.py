"""Administration: users and institutions, and the audit trail with its export."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from registry.admin import routes  # noqa: E402,F401
