"""Errors people read: written once in English, with their values apart, so each door can show them in its language."""

from __future__ import annotations

from typing import Any


def N_(text: str) -> str:
    """Mark text for the translation catalogues without translating it here (Babel's default keyword)."""
    return text


class ReadableError(ValueError):
    """An error whose message says what is wrong and what to do.

    `template` is English text with %(name)s placeholders, `params` their values; str() gives the English
    sentence, and the web pages give gettext(template, **params) in the reader's language.
    """

    def __init__(self, template: str, /, **params: Any) -> None:
        self.template = template
        self.params = params
        super().__init__(template % params if params else template)
