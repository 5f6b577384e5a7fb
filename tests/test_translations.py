"""The English translation: complete, compiled, and actually used.

The msgids are Dutch (the default language), so English only works if every
entry in locale/en is translated and the committed django.mo is up to date.
"""

import re
from pathlib import Path

import polib
from django.utils import translation

MESSAGES = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES"
PO_PATH = MESSAGES / "django.po"
MO_PATH = MESSAGES / "django.mo"

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def catalogue(entries):
    """msgid (with its plural, if any) -> translation, for comparing .po and .mo."""
    result = {}
    for entry in entries:
        if entry.obsolete or entry.msgid == "":
            continue
        if entry.msgid_plural:
            key = (entry.msgctxt, entry.msgid, entry.msgid_plural)
            result[key] = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
        else:
            result[(entry.msgctxt, entry.msgid, None)] = entry.msgstr
    return result


def test_every_english_entry_is_translated():
    po = polib.pofile(str(PO_PATH))
    assert len(po) > 0
    assert po.untranslated_entries() == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []
    assert not po.metadata_is_fuzzy
    for entry in po:
        if entry.msgid_plural:
            assert sorted(entry.msgstr_plural) == [0, 1], entry.msgid
            assert all(entry.msgstr_plural.values()), entry.msgid


def test_english_translations_keep_the_placeholders():
    for entry in polib.pofile(str(PO_PATH)):
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for msgstr in translations:
            assert sorted(PLACEHOLDER.findall(msgstr)) == expected, entry.msgid


def test_the_committed_mo_file_matches_the_po_file():
    assert MO_PATH.exists(), "run: manage.py compilemessages -l en"
    po = catalogue(polib.pofile(str(PO_PATH)))
    mo = catalogue(polib.mofile(str(MO_PATH)))
    assert mo == po, "django.mo is out of date; run: manage.py compilemessages -l en"


def test_english_is_used_when_requested():
    with translation.override("en"):
        assert translation.gettext("Volgende fase") == "Next phase"
        assert translation.gettext("Welkom") == "Welcome"
        assert translation.ngettext("%(minutes)s min", "%(minutes)s min", 5) % {"minutes": 5} == "5 min"
    with translation.override("nl"):
        assert translation.gettext("Volgende fase") == "Volgende fase"
