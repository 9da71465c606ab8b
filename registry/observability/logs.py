"""Structured logs: one JSON object a line, each carrying the request id of the request it was written in."""

from __future__ import annotations

import json
import logging
import re
import uuid
from datetime import datetime, timezone

REQUEST_ID_HEADER = "X-Request-ID"
# An id sent by a proxy or client is kept when it is plain (no spaces, quotes or control characters to forge log
# lines with), else a new one is made.
_PLAIN_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")
_STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def request_id_from(sent: str | None) -> str:
    """The id of a request: the one sent in X-Request-ID when it is plain, else a new random one."""
    return sent if sent and _PLAIN_ID.fullmatch(sent) else uuid.uuid4().hex


class JsonFormatter(logging.Formatter):
    """A record as one JSON line: time (UTC), level, logger, message, request id, and any `extra` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({key: value for key, value in vars(record).items()
                      if key not in _STANDARD_ATTRIBUTES and not key.startswith("_")})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class RequestIdFilter(logging.Filter):
    """Adds the current request's id (and nothing outside a request) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        from flask import g, has_request_context

        if has_request_context() and "request_id" not in vars(record):
            record.request_id = g.get("request_id")
        return True
