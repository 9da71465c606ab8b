"""Request bodies beyond the limits are refused (413) from their declared length, before a byte of them is read.

Checks, which anyone may send, have a lower limit (MAX_CHECK_BODY_BYTES) than the rest (MAX_CONTENT_LENGTH). A body
sent without a Content-Length (chunked) is read through Werkzeug's stream capped at the same limit: 413 once past it.
"""

from __future__ import annotations

from flask import Flask, Request, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from registry.messages import N_

# The endpoints whose bodies are checks (pages and API).
CHECK_ENDPOINTS = frozenset({"check.check_page", "api.create_check"})
TOO_LARGE = N_("The upload is too large: at most %(limit)s MB can be sent at once. Send fewer or smaller photos.")


class LimitedRequest(Request):
    """Flask's request, with the body limit of the route it goes to."""

    @property
    def max_content_length(self) -> int | None:  # type: ignore[override]
        """The largest body this request may carry: the check limit for checks, MAX_CONTENT_LENGTH otherwise."""
        limit = Request.max_content_length.fget(self)  # type: ignore[attr-defined]
        if self._max_content_length is None and current_app and self.endpoint in CHECK_ENDPOINTS:
            return min(filter(None, (limit, current_app.config["MAX_CHECK_BODY_BYTES"])))
        return limit

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


def too_large_message(translate=lambda text, **params: text % params) -> str:
    """What a 413 says: the limit of this request's route, in megabytes (English unless `translate` is gettext)."""
    limit = request.max_content_length or 0
    return translate(TOO_LARGE, limit=f"{limit / 1_048_576:.0f}")


def refuse_declared_oversize() -> None:
    """before_request, first of all: a declared body over the limit is refused without being read."""
    limit = request.max_content_length
    if limit is not None and request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()


def init_app(app: Flask) -> None:
    """Use the limited request class and refuse oversized bodies before any other hook reads them (CSRF does)."""
    app.request_class = LimitedRequest
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_declared_oversize)
