"""Every visible string is translated: Kazakh (default), Russian and English."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CIVIC = ROOT / "civic"
LANGS = ("kk", "ru", "en")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3)}
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]


def source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(CIVIC), METHODS, keywords=KEYWORDS,
            options_map={"templates/**.html": {"extensions": "jinja2.ext.do"}}):
        found.add(message if isinstance(message, str) else message[0])
    return found


def load(lang: str):
    path = CIVIC / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


@pytest.fixture(scope="module")
def messages():
    return source_messages()


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_in_the_code_is_translated(lang, messages):
    catalog = load(lang)
    missing, fuzzy = [], []
    for msgid in sorted(messages):
        message = catalog.get(msgid)
        if message is None:
            missing.append(msgid)
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if not all(s and s.strip() for s in strings):
            missing.append(msgid)
        if message.fuzzy:
            fuzzy.append(msgid)
    assert not missing, f"{lang}: {len(missing)} untranslated, e.g. {missing[:5]} (run `make update-messages`)"
    assert not fuzzy, f"{lang}: fuzzy translations: {fuzzy[:5]}"


@pytest.mark.parametrize("lang", LANGS)
def test_placeholders_match_between_source_and_translation(lang):
    catalog = load(lang)
    problems = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        for checked_message, errors in [(message, message.check(catalog))]:
            problems += [f"{checked_message.id!r}: {e}" for e in errors]
    assert not problems, "\n".join(problems[:10])


def test_kazakh_and_russian_are_not_english_copies():
    for lang in ("kk", "ru"):
        catalog = load(lang)
        same = [m.id for m in catalog if m.id and isinstance(m.string, str) and m.string == m.id
                and any(c.isalpha() for c in m.id) and len(m.id) > 12]
        assert len(same) < 3, f"{lang}: left in English: {same[:5]}"
