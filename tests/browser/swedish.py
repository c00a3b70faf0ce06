"""Checks that a page speaks Swedish: shared by every Swedish browser journey.

``assert_swedish(page)`` fails when the page is not in Swedish or shows a message of our
own catalogue in English, i.e. a string that has a Swedish translation but was rendered
without it (an English fallback). The consultant's Swedish journey (Markdown reply, saved
reply with a placeholder, @mention, timer, resolve) is to call it on each page it visits.
"""

from __future__ import annotations

import gettext
import re
from functools import cache
from typing import Any

from tests.core.test_translations import COMPILED


@cache
def english_fallbacks() -> tuple[str, ...]:
    """Translated msgids a Swedish page must not show: sentences and phrases of at least
    two words whose translation differs and does not contain them (placeholders cut)."""
    with COMPILED.open("rb") as handle:
        catalogue: dict[Any, str] = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    translations = " ".join(catalogue.values())
    phrases = set()
    for key, translation in catalogue.items():
        msgid = key[0] if isinstance(key, tuple) else key
        if not msgid or "\x04" in msgid or msgid == translation:
            continue
        # The longest literal run between placeholders is what would show.
        run = max(re.split(r"%\(\w+\)[sdr]|%[sd]|\{\w*\}", msgid), key=len).strip(" .:,;—-")
        if len(run) >= 12 and " " in run and run not in translations:
            phrases.add(run)
    return tuple(sorted(phrases))


def assert_swedish(page: Any, *, must_show: str) -> None:
    """The page is in Swedish: ``lang="sv"``, ``must_show`` visible, no English fallback."""
    assert page.locator("html").get_attribute("lang") == "sv", page.url
    text = page.locator("body").inner_text()
    assert must_show in text, f"{page.url}: {must_show!r} not shown"
    found = [phrase for phrase in english_fallbacks() if phrase in text]
    assert found == [], f"{page.url} shows English from our catalogue: {found}"
