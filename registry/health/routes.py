"""/healthz: the process answers (nothing else touched). /readyz: this worker can serve: database, media store, index.

Both are public and say nothing secret: no addresses, paths or exception texts, only which check failed and the
kind of failure.
"""

from __future__ import annotations

import os
from typing import Any, Callable

from flask import jsonify
from sqlalchemy import text

from registry.errors import database_unreachable, discard_session
from registry.extensions import db
from registry.health import bp
from registry.imaging import MediaStoreError, MediaStoreFull
from registry.services.photos import media_store


def _plain_http(view: Callable) -> Callable:
    """Answer over plain HTTP even when REGISTRY_FORCE_HTTPS redirects every other page to HTTPS: probes reach the
    worker directly, not through the HTTPS proxy (a redirect would pass for an answer). Flask-Talisman's per-view
    options."""
    view.talisman_view_options = {"force_https": False}  # type: ignore[attr-defined]
    return view


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
@_plain_http
def healthz():
    """Liveness: the worker process answers. Touches neither the database nor the disk."""
    return _no_store(jsonify(status="ok"))


@bp.get("/readyz")
@_plain_http
def readyz():
    """Readiness: 200 when the database answers, the media store can be written and the photo index is loaded, has
    replayed every committed change and has no drift left unrepaired by its periodic comparisons with the database
    (which are reported, never run here: a probe reads no photo); 503 otherwise. Each check's result is given, with
    this worker's process id."""
    checks = {"database": _database(), "media": _media()}
    checks["index"] = _index() if checks["database"]["ok"] else {"ok": False, "error": "database unreachable"}
    ready = all(check["ok"] for check in checks.values())
    response = jsonify(status="ok" if ready else "unavailable", pid=os.getpid(), checks=checks)
    response.status_code = 200 if ready else 503
    return _no_store(response)


def _database() -> dict[str, Any]:
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
    except Exception as exc:  # noqa: BLE001 (any failure means not ready; only its kind is told)
        discard_session(unreachable=True)
        return {"ok": False, "error": "unreachable" if database_unreachable(exc) else type(exc).__name__}
    return {"ok": True}


def _media() -> dict[str, Any]:
    try:
        media_store().check_writable()
    except MediaStoreError as exc:
        cause = exc.__cause__
        reason = os.strerror(cause.errno) if isinstance(cause, OSError) and cause.errno else ""
        return {"ok": False, "error": "full" if isinstance(exc, MediaStoreFull) else "unwritable", "reason": reason}
    return {"ok": True}


def _index() -> dict[str, Any]:
    from registry.services.index import index_readiness

    try:
        state = index_readiness()
    except Exception as exc:  # noqa: BLE001
        discard_session(unreachable=database_unreachable(exc))
        return {"ok": False, "error": "unreachable" if database_unreachable(exc) else type(exc).__name__}
    return {"ok": bool(state.get("loaded") and state.get("in_sync")), **state}
