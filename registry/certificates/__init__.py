"""Due-diligence certificates: issue after a check, show and print, PDF, and public verification."""

from flask import Blueprint

bp = Blueprint("certificates", __name__)

from registry.certificates import routes  # noqa: E402,F401
