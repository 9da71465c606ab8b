"""App-wide error pages: JSON for clients that ask for JSON, HTML otherwise.

Faults of what the registry stands on get their own answer, not a generic 500: the database unreachable is a 503
with Retry-After; the media store unwritable a 503, full a 507. Those pages render without the database.
"""

from __future__ import annotations

import sqlite3

import psycopg
from flask import Flask, current_app, g, jsonify, render_template, request
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge, ServiceUnavailable, TooManyRequests

from flask_babel import gettext
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import Conflict

from registry.extensions import db, login_manager
from registry.messages import N_
from registry.imaging import MediaStoreError, MediaStoreFull
from registry.imaging.store import NO_ROOM
from registry.limits.bodies import CHECK_ENDPOINTS, too_large_message
from registry.limits.rates import too_many_checks_message
from registry.observability.metrics import count_refused_upload

# Exact English texts; the pages show them translated (registry/templating.py KNOWN_MESSAGES), the API as they are.
DATABASE_UNAVAILABLE = ("The registry cannot reach its database at the moment. Please try again in a few minutes; "
                        "what you were sending may not have been saved.")
MEDIA_UNWRITABLE = ("The registry cannot store photos at the moment: its photo storage cannot be written. "
                    "Nothing was saved. Please try again later, or tell the registry's administrator.")
MEDIA_FULL = "The registry's photo storage is full. Nothing was saved. Please tell the registry's administrator."

# Errors of the driver itself (rows read straight from its cursor are not wrapped by SQLAlchemy).
_DRIVER_CONNECTIVITY_ERRORS = (psycopg.OperationalError, psycopg.InterfaceError, sqlite3.OperationalError, sqlite3.InterfaceError)


class InsufficientStorage(HTTPException):
    """507: the server has no room to store what was sent (Werkzeug has no class for it)."""

    code = 507
    description = MEDIA_FULL


def database_unreachable(error: BaseException) -> bool:
    """True for a failure to reach or keep talking to the database: connection refused or lost, a server shutting
    down, a pool or connection timeout. Other database errors (a broken constraint, bad SQL) are not."""
    if isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)):
        return True
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, _DRIVER_CONNECTIVITY_ERRORS)


def discard_session(unreachable: bool = False) -> None:
    """End the request's transaction after a failure. When the database was unreachable (or dies under the
    rollback) the session's connections are invalidated, not returned to the pool: the next request gets a new one."""
    try:
        if not unreachable:
            db.session.rollback()
            return
    except Exception:  # noqa: BLE001 (whatever the driver raised, the connection is no longer trusted)
        pass
    try:
        db.session().invalidate()  # the request's Session itself (the scoped proxy does not offer it)
    except Exception:  # noqa: BLE001
        current_app.logger.warning("could not invalidate the session's connections", exc_info=True)


STALE_WRITE = N_("Someone else saved this record at the same moment, so nothing you sent was saved. "
                 "Open the record again and redo your change.")


SIMULTANEOUS_WRITE = N_("Another request saved the same thing at the same moment (an object number or an institution "
                        "name), so nothing you sent was saved. Try again: you will see what is there now.")


def wants_json() -> bool:
    """True when the client prefers JSON to HTML, or calls the API."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def _message(error: HTTPException) -> str:
    if isinstance(error, RequestEntityTooLarge):
        count_refused_upload("request_too_large")
        return too_large_message(gettext)
    if isinstance(error, TooManyRequests) and request.endpoint in CHECK_ENDPOINTS:
        return too_many_checks_message(gettext)
    return error.description or error.name


def _fault(error: HTTPException, message: str, retry_after: int | None, database_down: bool = False):
    """A 503/507 answer; with `database_down`, one drawn without the database."""
    if wants_json():
        response = jsonify(error=message, status=error.code)
    else:
        if database_down:
            # The page's header shows the signed-in user; loading them (or refreshing them after the rollback) would
            # need the database, so the page is drawn as for a visitor.
            g._login_user = login_manager.anonymous_user()
        response = current_app.make_response(render_template("errors/error.html", error=error, message=message))
    response.status_code = error.code
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def init_app(app: Flask) -> None:
    """Register the error handlers."""

    @app.teardown_appcontext
    def end_session(_exc: BaseException | None) -> None:
        # Runs before Flask-SQLAlchemy's own teardown (teardowns run last registered first). A connection that dies
        # after the view has answered made that one's ROLLBACK raise out of the app, past every error handler, and
        # the server sent its own 500 in place of the answer (bench/load.py, a database killed under load).
        try:
            db.session.remove()
        except Exception as error:  # noqa: BLE001 (re-raised below unless the database is away)
            if not database_unreachable(error):
                raise
            app.logger.warning("database lost while ending a request: %s", type(error).__name__)
            discard_session(unreachable=True)
            db.session.registry.clear()

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code and error.code >= 500:
            db.session.rollback()
        if wants_json():
            return jsonify(error=_message(error), status=error.code), error.code
        return render_template("errors/error.html", error=error, message=_message(error)), error.code

    @app.errorhandler(MediaStoreError)
    def media_store_error(error: MediaStoreError):
        discard_session()  # the rows of a photo that could not be stored go with it
        app.logger.error("media store: %s", str(error))  # text only: a record must not keep the request alive
        count_refused_upload("storage_full" if isinstance(error, MediaStoreFull) else "storage_unwritable")
        if isinstance(error, MediaStoreFull):
            return _fault(InsufficientStorage(), MEDIA_FULL, None)
        return _fault(ServiceUnavailable(), MEDIA_UNWRITABLE, app.config["RETRY_AFTER_SECONDS"])

    @app.errorhandler(sa_exc.IntegrityError)
    def simultaneous_write(error: sa_exc.IntegrityError):
        # Validation looks for a taken object number or institution name before writing; two requests that both
        # looked before either wrote meet the database's unique constraint instead. Nothing of this one was saved.
        discard_session()
        app.logger.warning("write refused by a constraint: %s", str(error.orig).splitlines()[0] if error.orig else error)
        if wants_json():
            return jsonify(error=gettext(SIMULTANEOUS_WRITE), status=409), 409
        return render_template("errors/error.html", error=Conflict(), message=gettext(SIMULTANEOUS_WRITE)), 409

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
        unreachable = database_unreachable(error)
        discard_session(unreachable)
        if unreachable:
            app.logger.error("database unreachable: %s: %s", type(error).__name__, str(getattr(error, "orig", None) or error))
            return _fault(ServiceUnavailable(), DATABASE_UNAVAILABLE, app.config["RETRY_AFTER_SECONDS"], database_down=True)
        if isinstance(error, OSError) and error.errno in NO_ROOM:
            # No room before the media store is even reached: Werkzeug spools a large upload to a temporary file,
            # usually on the same full disk. The same answer: nothing was saved, the administrator must make room.
            app.logger.error("no room to receive the request: %s", str(error))
            return _fault(InsufficientStorage(), MEDIA_FULL, None)
        app.logger.exception("unhandled error")
        if wants_json():
            return jsonify(error="An unexpected error occurred; it has been logged.", status=500), 500
        return render_template("errors/error.html", error=None, message="An unexpected error occurred; it has been logged."), 500
