"""Every message in the source has a Swedish translation, and the compiled catalogue is current.

The check extracts messages exactly as ``makemessages -l sv`` does, into a copy of the source
tree (the real catalogue is never touched), then counts the entries left untranslated or
fuzzy. It must be 0: a string added without its Swedish text fails here, in CI.
"""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import supportdesk

PACKAGE_DIR = Path(supportdesk.__file__).resolve().parent
CATALOGUE = PACKAGE_DIR / "locale" / "sv" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")
# The same flags as used to regenerate the catalogue (README: "Translations").
MAKEMESSAGES = ["makemessages", "-l", "sv", "--no-location", "--no-obsolete"]


def _need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} (GNU gettext) is missing: scripts/system-packages.sh installs it")
        pytest.skip(f"{tool} (GNU gettext) is not installed")
    return path


def parse_po(text: str) -> list[dict[str, object]]:
    """Entries of a .po file: msgid, msgid_plural, msgstr (list of forms), fuzzy."""
    entries: list[dict[str, object]] = []
    for block in text.split("\n\n"):
        entry: dict[str, object] = {"fuzzy": False, "msgid": None, "msgstr": []}
        field = None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry["obsolete"] = True
            elif line.startswith("#,"):
                entry["fuzzy"] = entry["fuzzy"] or "fuzzy" in line
            elif line.startswith("#"):
                continue
            elif line.startswith('"') and field is not None:
                _append(entry, field, line)
            else:
                keyword, _, rest = line.partition(" ")
                field = keyword
                if keyword.startswith("msgstr"):
                    entry["msgstr"].append("")  # type: ignore[union-attr]
                else:
                    entry[keyword] = ""
                _append(entry, field, rest)
        if entry["msgid"] is not None and not entry.get("obsolete"):
            entries.append(entry)
    return entries


def _append(entry: dict[str, object], field: str, quoted: str) -> None:
    value = quoted.strip()[1:-1].encode().decode("unicode_escape").encode("latin-1").decode()
    if field.startswith("msgstr"):
        forms = entry["msgstr"]
        forms[-1] += value  # type: ignore[index]
    else:
        entry[field] = str(entry[field]) + value


def missing_translations(po_text: str) -> tuple[list[str], list[str]]:
    untranslated, fuzzy = [], []
    for entry in parse_po(po_text):
        if entry["msgid"] == "":
            continue  # the header
        if entry["fuzzy"]:
            fuzzy.append(str(entry["msgid"]))
        elif not all(entry["msgstr"]):  # type: ignore[arg-type]
            untranslated.append(str(entry["msgid"]))
    return untranslated, fuzzy


def test_the_parser_sees_untranslated_and_fuzzy_entries():
    sample = (
        'msgid ""\nmsgstr "Language: sv\\n"\n\n'
        'msgid "Done"\nmsgstr "Klart"\n\n'
        'msgid "Open"\nmsgstr ""\n\n'
        '#, fuzzy\n#| msgid "Closed"\nmsgid "Close"\nmsgstr "Stängd"\n\n'
        'msgid "One hour"\nmsgid_plural "%(n)s hours"\nmsgstr[0] "En timme"\nmsgstr[1] ""\n\n'
        'msgid ""\n"Long "\n"line"\nmsgstr ""\n"Lång "\n"rad"\n\n'
        '#~ msgid "Gone"\n#~ msgstr ""\n'
    )
    assert missing_translations(sample) == (["Open", "One hour"], ["Close"])


@pytest.fixture(scope="module")
def extracted_catalogue(tmp_path_factory) -> str:
    """The Swedish catalogue as ``makemessages`` leaves it for today's source."""
    _need("xgettext")
    _need("msgmerge")
    root = tmp_path_factory.mktemp("source")
    shutil.copytree(
        PACKAGE_DIR,
        root / "supportdesk",
        ignore=shutil.ignore_patterns("__pycache__", "static", "*.mo"),
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(root),
        "DJANGO_SETTINGS_MODULE": "supportdesk.test_settings",
    }
    result = subprocess.run(
        [sys.executable, "-m", "django", *MAKEMESSAGES],
        cwd=root / "supportdesk",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    # One catalogue: an app with a locale directory of its own would take its messages
    # away from it (and from this check).
    catalogues = sorted((root / "supportdesk").rglob("locale/sv/LC_MESSAGES/django.po"))
    assert [c.relative_to(root) for c in catalogues] == [CATALOGUE.relative_to(PACKAGE_DIR.parent)]
    return catalogues[0].read_text()


def test_every_message_in_the_source_has_a_swedish_translation(extracted_catalogue):
    untranslated, fuzzy = missing_translations(extracted_catalogue)
    assert (len(untranslated), len(fuzzy)) == (0, 0), (
        f"{len(untranslated)} untranslated and {len(fuzzy)} fuzzy messages in sv; "
        "run makemessages (README: Translations) and translate:\n"
        + "\n".join(f"  untranslated: {m!r}" for m in untranslated[:50])
        + "\n"
        + "\n".join(f"  fuzzy: {m!r}" for m in fuzzy[:50])
    )


def test_the_compiled_catalogue_matches_the_translations(tmp_path):
    msgfmt = _need("msgfmt")
    fresh = tmp_path / "django.mo"
    result = subprocess.run(
        [msgfmt, "--check", "-o", str(fresh), str(CATALOGUE)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    with fresh.open("rb") as new, COMPILED.open("rb") as committed:
        expected = gettext.GNUTranslations(new)._catalog  # type: ignore[attr-defined]
        actual = gettext.GNUTranslations(committed)._catalog  # type: ignore[attr-defined]
    stale = sorted(str(k) for k in expected.keys() ^ actual.keys())
    stale += sorted(str(k) for k in expected.keys() & actual.keys() if expected[k] != actual[k])
    assert stale == [], "django.mo is out of date: run compilemessages"
