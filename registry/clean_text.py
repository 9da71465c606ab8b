"""Characters XML 1.0 cannot carry, found and taken out of text; no Flask (pages, API, imports and writers share it).

XML 1.0 allows tab, line feed, carriage return, U+0020-U+D7FF, U+E000-U+FFFD and U+10000 and above. One other
character (a control character pasted from a word processor, U+FFFE, an unpaired surrogate from a JSON escape)
stored in one record made the Atom feed and the LIDO export fail for everyone (issue 24).
"""

from __future__ import annotations

import re
from typing import Any

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def has_forbidden_characters(text: str) -> bool:
    """Whether ``text`` holds a character XML 1.0 forbids."""
    return _FORBIDDEN.search(text) is not None


def strip_forbidden(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (everything else kept as it is)."""
    return _FORBIDDEN.sub("", text)


def strip_forbidden_in(value: Any, name: str = "") -> tuple[Any, list[str]]:
    """A copy of ``value`` (text, or dicts and lists holding text) with the forbidden characters taken out.

    :param name: the name ``value`` is known by, the prefix of the names returned.
    :returns: the clean copy, and the names of the texts that changed ("title", "photos.1.caption").
    """
    if isinstance(value, str):
        clean = strip_forbidden(value)
        return clean, ([name] if clean != value else [])
    if isinstance(value, dict):
        return _strip_items(value.items(), name, dict)
    if isinstance(value, (list, tuple)):
        return _strip_items(enumerate(value), name, list)
    return value, []


def _strip_items(items: Any, name: str, kind: type) -> tuple[Any, list[str]]:
    clean, changed = [], []
    for key, item in items:
        clean_item, names = strip_forbidden_in(item, f"{name}.{key}" if name else str(key))
        clean.append((key, clean_item))
        changed += names
    return (dict(clean) if kind is dict else [item for _, item in clean]), changed
