"""Who is acting, as written into a record's history."""

from __future__ import annotations

from flask import request


def web_actor() -> str:
    """Name the person behind the current web request (until accounts exist: the client address)."""
    return f"web visitor {request.remote_addr or 'unknown'}"
