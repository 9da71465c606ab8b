"""Refuse requests carrying NUL characters: no text the registry stores or searches may hold one (PostgreSQL cannot)."""

from __future__ import annotations

from typing import Any, Iterable

from flask import Flask, abort, request

MESSAGE = "Text may not contain NUL (\\0) characters; remove them and send again."


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _request_texts() -> Iterable[str]:
    yield from _strings(request.view_args or {})
    for source in (request.args, request.form):
        for key, values in source.lists():
            yield key or ""  # a multipart part whose name Werkzeug cannot read comes with the key None
            yield from values
    for upload in request.files.values():
        yield upload.filename or ""
    if request.is_json:
        yield from _strings(request.get_json(silent=True))


def refuse_nul_characters() -> None:
    """before_request: a 400 (JSON for the API, a page otherwise) when any submitted text holds a NUL."""
    if any("\x00" in text for text in _request_texts()):
        abort(400, description=MESSAGE)


def init_app(app: Flask) -> None:
    """Install the check on every request."""
    app.before_request(refuse_nul_characters)
