"""Rate limits on checks: anonymous visitors per address, signed-in users per account, API tokens per token.

A check decodes photos and runs the matcher: the dearest thing anyone may ask of the registry. The counts live in
Flask-Limiter's storage: Redis when REGISTRY_RATELIMIT_STORAGE_URL is set (shared by every worker and server), else
each worker's memory (with N workers a client gets up to N times the limit, and a restart forgets the counts).
"""

from __future__ import annotations

import hashlib
import time

from flask import current_app, g, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from registry.extensions import limiter
from registry.messages import N_

TOO_MANY_CHECKS = N_("Too many checks in a short time. Try again in %(seconds)s seconds.")
_SETTINGS = {"anonymous": "CHECK_RATE_LIMIT_ANONYMOUS", "account": "CHECK_RATE_LIMIT_ACCOUNT", "token": "CHECK_RATE_LIMIT_TOKEN"}


def check_client() -> tuple[str, str]:
    """Who a check is counted against: ("token", digest of the token), ("account", user id) or ("anonymous", address)."""
    g.pop("_login_user", None)  # worked out for this request (an app context can outlive one in tests and the CLI)
    if not current_user.is_authenticated:
        return "anonymous", get_remote_address() or "unknown"
    header = request.headers.get("Authorization", "")
    if request.path.startswith("/api/") and header.startswith("Bearer "):
        token = header.removeprefix("Bearer ").strip()
        return "token", hashlib.sha256(token.encode()).hexdigest()[:32]
    return "account", str(current_user.get_id())


def check_limit_key() -> str:
    """The rate-limit key of a check request."""
    kind, identity = check_client()
    return f"{kind}:{identity}"


def check_limit_value() -> str:
    """The limits of the client's kind, from the settings (e.g. "10 per minute;60 per hour")."""
    return current_app.config[_SETTINGS[check_client()[0]]]


def retry_after_seconds() -> int:
    """Seconds until the limit the current request broke lets it through again (at least 1)."""
    current = limiter.current_limit
    return max(1, int(current.reset_at - time.time()) + 1) if current is not None else 60


def too_many_checks_message(translate=lambda text, **params: text % params) -> str:
    """What a 429 on a check says (English unless `translate` is gettext)."""
    return translate(TOO_MANY_CHECKS, seconds=retry_after_seconds())


# One limit shared by the page and the API (scope "checks"): a client's checks count together wherever they come from.
limit_checks = limiter.shared_limit(check_limit_value, scope="checks", key_func=check_limit_key, methods=["POST"])
