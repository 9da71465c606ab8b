"""App-wide error pages: JSON for clients that ask for JSON, HTML otherwise."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from flask_babel import gettext
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import Conflict

from registry.extensions import db
from registry.messages import N_


STALE_WRITE = N_("Someone else saved this record at the same moment, so nothing you sent was saved. "
                 "Open the record again and redo your change.")


def wants_json() -> bool:
    """True when the client prefers JSON to HTML, or calls the API."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def _message(error: HTTPException) -> str:
    if isinstance(error, RequestEntityTooLarge):
        return "The upload is too large. Send fewer or smaller photos."
    return error.description or error.name


def init_app(app: Flask) -> None:
    """Register the error handlers."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code and error.code >= 500:
            db.session.rollback()
        if wants_json():
            return jsonify(error=_message(error), status=error.code), error.code
        return render_template("errors/error.html", error=error, message=_message(error)), error.code

    @app.errorhandler(StaleDataError)
    def stale_write(error: StaleDataError):
        # Every door turns a write from a stale copy of a record into its own 409 showing both values
        # (services.objects.RecordChanged); this is the net under any path that does not: a conflict, never a 500.
        db.session.rollback()
        app.logger.warning("stale write refused: %s", error)
        if wants_json():
            return jsonify(error=STALE_WRITE, status=409), 409
        return render_template("errors/error.html", error=Conflict(), message=gettext(STALE_WRITE)), 409

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error")
        if wants_json():
            return jsonify(error="An unexpected error occurred; it has been logged.", status=500), 500
        return render_template("errors/error.html", error=None, message="An unexpected error occurred; it has been logged."), 500
