"""The English catalogue is complete, compiled, and used by the pages.

Korean is the source language (msgids are Korean); `make messages` rebuilds the catalogue and
`make test` fails when a new string was not extracted (check-messages)."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w*\}")


@pytest.fixture(scope="module")
def po():
    return polib.pofile(str(CATALOGUE / "django.po"))


def test_every_message_is_translated_and_not_fuzzy(po):
    assert len(po) > 100
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    assert not po.metadata_is_fuzzy, "a fuzzy header makes msgfmt drop the plural forms"


def test_translations_keep_their_placeholders(po):
    for entry in po.translated_entries():
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert sorted(PLACEHOLDER.findall(text)) == expected, entry.msgid


def test_english_has_no_hangul_left(po):
    hangul = re.compile("[\uac00-\ud7a3]")
    for entry in po.translated_entries():
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert not hangul.search(text), (entry.msgid, text)


def test_compiled_catalogue_matches_the_source(po):
    mo = polib.mofile(str(CATALOGUE / "django.mo"))
    compiled = {
        (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural
        for entry in mo
        if entry.msgid
    }
    for entry in po.translated_entries():
        expected = entry.msgstr_plural if entry.msgid_plural else entry.msgstr
        got = compiled.get((entry.msgctxt, entry.msgid))
        if entry.msgid_plural:
            got = {int(k): v for k, v in (got or {}).items()}
        assert got == expected, f"django.mo is stale for {entry.msgid!r}: run 'make messages'"


def test_plural_forms_are_english(po):
    assert po.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    with translation.override("en"):
        assert translation.ngettext("%(counter)s개 기관", "%(counter)s개 기관", 1) == (
            "%(counter)s institution"
        )
        assert translation.ngettext("%(counter)s개 기관", "%(counter)s개 기관", 27) == (
            "%(counter)s institutions"
        )
