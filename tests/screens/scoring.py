"""Compare what was read from the corpus with what each shot shows (shared by the tests and
bench/ocr.py)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from supportdesk.odoo.ocr import Reading
from supportdesk.tickets.recognise import parse_odoo_url
from tests.screens.corpus import Shot


@dataclass
class Score:
    images: int = 0
    urls_expected: int = 0
    urls_found: int = 0  # expected and found
    urls_reported: int = 0
    urls_correct: int = 0  # reported and right
    refs_expected: int = 0
    refs_found: int = 0
    dialogs_expected: int = 0
    dialogs_found: int = 0
    full_hd_seconds: list[float] = field(default_factory=list)
    full_hd_cpu: list[float] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    @property
    def url_recall(self) -> float:
        return self.urls_found / self.urls_expected if self.urls_expected else 1.0

    @property
    def url_precision(self) -> float:
        return self.urls_correct / self.urls_reported if self.urls_reported else 1.0

    @property
    def reference_recall(self) -> float:
        return self.refs_found / self.refs_expected if self.refs_expected else 1.0

    @property
    def dialog_recall(self) -> float:
        return self.dialogs_found / self.dialogs_expected if self.dialogs_expected else 1.0


def _key(url: object) -> tuple[object, ...]:
    # The scheme is not compared: the bar shows "Not secure" and no "http://".
    return (
        getattr(url, "host", None),
        getattr(url, "model", None),
        getattr(url, "record_id", None),
        getattr(url, "action", None),
        getattr(url, "kind", None),
    )


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def message_matches(expected: str, read: str) -> bool:
    """The dialog's message as read is the expected one up to a few OCR slips."""
    return difflib.SequenceMatcher(None, _words(expected), _words(read)).ratio() >= 0.9


def score(readings: Sequence[tuple[Shot, Reading]]) -> Score:
    result = Score()
    for shot, reading in readings:
        result.images += 1
        if reading.width == 1920 and reading.height == 1080:
            result.full_hd_seconds.append(reading.seconds)
            result.full_hd_cpu.append(reading.cpu_seconds)
        expected = parse_odoo_url(shot.url) if shot.odoo else None
        found = [_key(url) for url, _ in reading.urls]
        if expected is not None:
            result.urls_expected += 1
            if _key(expected) in found:
                result.urls_found += 1
            else:
                result.misses.append(f"{shot.name}: URL {shot.url} read as {reading.address!r}")
        wrong = [key for key in found if expected is None or key != _key(expected)]
        result.urls_reported += len(found)
        result.urls_correct += len(found) - len(wrong)
        if wrong:
            result.misses.append(f"{shot.name}: wrong URL(s) {[u.text for u, _ in reading.urls]}")
        read_refs = {ref.normalised() for ref, _ in reading.references}
        for ref in shot.references:
            result.refs_expected += 1
            if ref.upper() in read_refs:
                result.refs_found += 1
            else:
                result.misses.append(f"{shot.name}: reference {ref} not in {sorted(read_refs)}")
        if shot.dialog_title:
            result.dialogs_expected += 1
            dialog = reading.dialog
            if (
                dialog is not None
                and dialog.title == shot.dialog_title
                and message_matches(shot.dialog_message, dialog.message)
            ):
                result.dialogs_found += 1
            else:
                result.misses.append(f"{shot.name}: dialog read as {dialog}")
    return result
