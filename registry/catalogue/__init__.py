"""A printable catalogue of a selection of records (a search, a status, an institution): the page and the PDF."""

from flask import Blueprint

bp = Blueprint("catalogue", __name__)

from registry.catalogue import routes  # noqa: E402,F401
