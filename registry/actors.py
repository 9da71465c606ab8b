"""Who is acting, as written into a record's history and the logs."""

from __future__ import annotations

from flask import request
from flask_login import current_user


def web_actor() -> str:
    """Name the person behind the current web or API request: their account, or the client address."""
    if current_user and current_user.is_authenticated:
        return current_user.label
    return f"anonymous visitor {request.remote_addr or 'unknown'}"
