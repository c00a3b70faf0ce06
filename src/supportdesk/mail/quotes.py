"""Fold quoted replies and signatures out of a reply's text (the full text is kept).

``split_reply(text)`` returns ``(visible, folded)`` with ``visible + folded == text``: the
timeline shows the visible part and the rest stays one click away. Recognised: the
attribution line of Gmail, Apple Mail and Thunderbird in several languages, Outlook's
header block (``From:``/``Sent:``, ``Från:``/``Skickat:``…) and its separators, a trailing
block of ``>`` lines, the ``-- `` signature separator and "sent from my phone" lines.
"""

from __future__ import annotations

import re

_ATTRIBUTION = re.compile(
    r"^\s*(?:"
    r"on\b.{0,240}\bwrote\s*:"  # English (Gmail, Apple Mail, Thunderbird)
    r"|den\b.{0,240}\bskrev\b.{0,240}:|.{0,240}\bskrev\s*:"  # Swedish
    r"|am\b.{0,240}\bschrieb\b.{0,240}:"  # German
    r"|le\b.{0,240}\ba écrit\s*:"  # French
    r"|el\b.{0,240}\bescribió\s*:"  # Spanish
    r"|op\b.{0,240}\bschreef\b.{0,240}:"  # Dutch
    r"|.{0,240}\bkirjoitti\s*:"  # Finnish
    r"|.{0,240}\bskrev\b.{0,240}følgende\s*:"  # Danish, Norwegian
    r")\s*$",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(
    r"^\s*(?:-{2,}\s*(?:original message|ursprungligt meddelande|originalmeddelande"
    r"|ursprüngliche nachricht|message d'origine|opprinnelig melding"
    r"|oprindelig meddelelse)\s*-{2,}|_{20,})\s*$",
    re.IGNORECASE,
)
_HEADER_FROM = re.compile(r"^\s*\**(?:from|från|von|de|van|fra|lähettäjä)\s*:\**\s+\S", re.I)
_HEADER_SENT = re.compile(
    r"^\s*\**(?:sent|skickat|gesendet|envoyé|date|datum|verzonden|sendt|lähetetty)\s*:", re.I
)
_SIGNATURE = re.compile(r"^(?:-- ?|--)$")
_MOBILE = re.compile(
    r"^\s*(?:sent from my|skickat från min|von meinem .{0,40} gesendet|envoyé de mon"
    r"|get outlook for|hämta outlook för|sent from outlook|skickat från outlook"
    r"|sent from mail for windows|skickades från e-post för windows)\b",
    re.IGNORECASE,
)


def _cut(lines: list[str]) -> int | None:
    """The index of the first line of quoted text or signature, if any."""
    for index, line in enumerate(lines):
        stripped = line.strip()
        if _SEPARATOR.match(line) or _SIGNATURE.match(line.rstrip("\r")) or _MOBILE.match(line):
            return index
        if _ATTRIBUTION.match(line):
            return index
        # Gmail wraps a long attribution over two lines.
        wrapped = index + 1 < len(lines) and stripped.lower().startswith(
            ("on ", "den ", "am ", "le ")
        )
        if wrapped and _ATTRIBUTION.match(f"{stripped} {lines[index + 1].strip()}"):
            return index
        if _HEADER_FROM.match(line) and any(
            _HEADER_SENT.match(following) for following in lines[index + 1 : index + 5]
        ):
            return index
        if stripped.startswith(">") and all(
            not rest.strip() or rest.lstrip().startswith(">") for rest in lines[index:]
        ):
            return index
    return None


def split_reply(text: str) -> tuple[str, str]:
    """``(visible, folded)``; nothing is folded when that would leave nothing visible."""
    lines = text.splitlines(keepends=True)
    cut = _cut([line.rstrip("\r\n") for line in lines])
    if cut is None:
        return text, ""
    visible = "".join(lines[:cut])
    if not visible.strip():
        return text, ""
    return visible, "".join(lines[cut:])
