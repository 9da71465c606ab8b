"""Check an object: upload a suspect object's photos and description, see ranked matches with evidence."""

from flask import Blueprint

bp = Blueprint("check", __name__)

from registry.check import routes  # noqa: E402,F401
