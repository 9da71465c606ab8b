"""Refuse requests carrying control characters: no text the registry stores or searches may hold NUL (PostgreSQL
cannot), nor any other character XML 1.0 forbids (U+0001-U+0008, U+000B, U+000C, U+000E-U+001F, U+FFFE, U+FFFF,
unpaired surrogates): one such character in one record made the Atom feed and the LIDO export fail for everyone
(issue 24). Which characters: registry.clean_text."""

from __future__ import annotations

from typing import Any, Iterable

from flask import Flask, abort, request

from registry.clean_text import has_forbidden_characters

# Exact English text; the pages show it translated (registry/templating.py KNOWN_MESSAGES), the API as it is.
MESSAGE = ("Text may not contain control characters such as NUL (\\0) or U+0001-U+001F other than tab and line "
           "breaks, nor U+FFFE, U+FFFF or unpaired surrogates; remove them and send again.")


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):  # the names of fields are not kept (unknown ones are ignored): only values
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _request_texts() -> Iterable[str]:
    yield from _strings(request.view_args or {})
    for source in (request.args, request.form):
        for _name, values in source.lists():
            yield from values
    if request.is_json:
        yield from _strings(request.get_json(silent=True))


def has_control_characters(text: str) -> bool:
    """Whether ``text`` holds a character refused here (see the module's docstring)."""
    return has_forbidden_characters(text)


def refuse_control_characters() -> None:
    """before_request: a 400 (JSON for the API, a page otherwise) when any submitted text holds one."""
    # uploaded files' names: only NUL; the rest is stripped where a name is kept (services.photos._safe_name)
    if any(has_control_characters(text) for text in _request_texts()) or any(
            "\x00" in (upload.filename or "") for upload in request.files.values()):
        abort(400, description=MESSAGE)


def init_app(app: Flask) -> None:
    """Install the check on every request."""
    app.before_request(refuse_control_characters)
