"""The catalogues: every message of the pages translated in every language, and the .mo files compiled from the .po files."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from registry.i18n import DEFAULT_LANGUAGE, LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "registry" / "translations"
TRANSLATED = sorted(set(LANGUAGES) - {DEFAULT_LANGUAGE})
# The keywords of the pybabel extract command in babel.cfg: Babel's defaults plus _l (flask_babel.lazy_gettext).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None}


def _keep_directory(path: str) -> bool:
    # Like `pybabel extract --ignore-dirs ".* __pycache__ instance"`: templates/_partials must be read.
    name = os.path.basename(path)
    return not name.startswith(".") and name not in ("__pycache__", "instance")


def _message_id(message) -> str:
    return message[0] if isinstance(message, (tuple, list)) else message


@pytest.fixture(scope="module")
def extracted() -> set[str]:
    """Every msgid in the code and templates, extracted the way babel.cfg says."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = {
        _message_id(message)
        for _filename, _lineno, message, _comments, _context in extract_from_dir(
            ROOT, method_map, options_map, keywords=KEYWORDS, directory_filter=_keep_directory
        )
    }
    assert "Object ID sheet" in found and "Previous" in found  # a template, and one under templates/_partials
    return found


def _catalogue(language: str):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=language)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated(extracted, language):
    catalogue = _catalogue(language)
    problems = []
    for msgid in sorted(extracted):
        message = catalogue.get(msgid)
        if message is None:
            problems.append(f"missing: {msgid!r}")
        elif message.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        elif not (all(message.string) if isinstance(message.string, (tuple, list)) else message.string):
            problems.append(f"empty: {msgid!r}")
        elif isinstance(message.string, (tuple, list)) and len(message.string) != catalogue.num_plurals:
            problems.append(f"{len(message.string)} plural forms instead of {catalogue.num_plurals}: {msgid!r}")
    assert not problems, f"{language}: run the pybabel commands at the top of babel.cfg, then translate:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", TRANSLATED)
def test_placeholders_are_kept(language):
    """A translation uses the same %(name)s placeholders as its source, or formatting fails at run time."""
    import re

    placeholder = re.compile(r"%\((\w+)\)[sd]")
    problems = []
    for message in _catalogue(language):
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[1]
        wanted = set(placeholder.findall(source)) - {"num"}
        strings = message.string if isinstance(message.string, (tuple, list)) else [message.string]
        for text in strings:
            if set(placeholder.findall(text)) - {"num"} != wanted:
                problems.append(f"{source!r} -> {text!r}")
    assert not problems, "\n".join(problems)


def test_arabic_has_six_plural_forms():
    assert _catalogue("ar").num_plurals == 6


@pytest.mark.parametrize("language", TRANSLATED)
def test_compiled_catalogues_are_up_to_date(language):
    """The committed messages.mo is what `pybabel compile` makes of messages.po (no build step at install)."""
    compiled = io.BytesIO()
    write_mo(compiled, _catalogue(language))
    committed = (TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo").read_bytes()
    assert committed == compiled.getvalue(), f"stale {language}/LC_MESSAGES/messages.mo: run pybabel compile -d registry/translations"


def test_template_catalogue_lists_every_message(extracted):
    """messages.pot is refreshed with the code (translators start from it)."""
    with open(TRANSLATIONS / "messages.pot", "rb") as pot:
        listed = {_message_id(m.id) for m in read_po(pot) if m.id}
    assert extracted == listed, f"stale messages.pot: {sorted(extracted ^ listed)[:10]}"
