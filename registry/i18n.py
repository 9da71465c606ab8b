"""The languages of the web pages (Flask-Babel): which one a request gets, and what templates need to switch it.

Catalogues live in registry/translations/<lang>/LC_MESSAGES/messages.{po,mo}; babel.cfg says how to refresh them.
The JSON API and the CLI stay in English: only the pages are translated.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from flask import Flask, Response, has_request_context, request, session, url_for
from flask_babel import Babel, force_locale, get_locale, gettext, refresh

# The page languages, each named in its own language (what a reader looks for in the switch).
LANGUAGES: dict[str, str] = {
    "en": "English",
    "fr": "Français",
    "es": "Español",
    "ar": "العربية",
}
DEFAULT_LANGUAGE = "en"
RTL_LANGUAGES: frozenset[str] = frozenset({"ar"})
SESSION_KEY = "lang"
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"

babel = Babel()


def select_locale() -> str:
    """The language of this request: ?lang=xx, else the one kept in the session, else the browser's best match."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        return asked
    kept = session.get(SESSION_KEY, "")
    if kept in LANGUAGES:
        return kept
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def remember_language() -> None:
    """before_request: keep a language chosen with ?lang=xx for the rest of the visit."""
    # Flask-Babel caches the locale on the app context, which a test (or CLI helper) may keep across requests.
    refresh()
    asked = request.args.get("lang", "")
    if asked in LANGUAGES and session.get(SESSION_KEY) != asked:
        session[SESSION_KEY] = asked
    if asked in LANGUAGES:
        _keep_for_signed_in_user(asked)


def _keep_for_signed_in_user(language: str) -> None:
    from flask_login import current_user

    from registry.services.accounts import keep_language

    if current_user.is_authenticated:
        keep_language(current_user, language)


@contextmanager
def in_language(language: str | None) -> Iterator[None]:
    """Translate in ``language`` (a user's, for what is sent to them outside their requests; None: English)."""
    with force_locale(language if language in LANGUAGES else DEFAULT_LANGUAGE):
        yield


def current_language() -> str:
    """The language code of the current request ("en" outside one)."""
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else DEFAULT_LANGUAGE


def text_direction(language: str | None = None) -> str:
    """"rtl" for right-to-left languages (Arabic), else "ltr"."""
    return "rtl" if (language or current_language()) in RTL_LANGUAGES else "ltr"


def url_for_language(language: str) -> str:
    """The current page's URL (same path and query) with ?lang= set to `language`.

    A page answering a POST links to its GET address, since the form data cannot be replayed.
    """
    args = request.args.to_dict(flat=False) if request.method == "GET" else {}
    args["lang"] = [language]
    endpoint = request.endpoint
    if endpoint is None or endpoint == "static":
        return url_for("objects.search", lang=language)
    return url_for(endpoint, **(request.view_args or {}), **args)


def _template_context() -> dict:
    language = current_language()
    return {
        "locale": language,
        "text_dir": text_direction(language),
        "languages": LANGUAGES,
        "url_for_language": url_for_language,
    }


def _vary_on_language(response: Response) -> Response:
    # The same URL answers in different languages depending on Accept-Language (and the session cookie).
    if response.mimetype == "text/html":
        response.vary.add("Accept-Language")
    return response


def init_app(app: Flask) -> None:
    """Install Flask-Babel with the registry's locale selector, and the language helpers for templates."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "UTC")  # the pages say "UTC" beside every time
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    babel.init_app(app, locale_selector=select_locale)
    # First of the before_request functions, so that pages refused by the access rules are in the right language too.
    app.before_request_funcs.setdefault(None, []).insert(0, remember_language)
    app.after_request(_vary_on_language)
    app.context_processor(_template_context)


def readable(error: Exception) -> str:
    """An error's message in the reader's language (the English text for errors not written for translation)."""
    from registry.messages import ReadableError

    if not isinstance(error, ReadableError):
        return str(error)
    text = gettext(error.template, **error.params)
    filename = getattr(error, "filename", "")
    return f"{filename}: {text}" if filename else text
