"""Repair what OCR typically gets wrong in URLs and document numbers of a screenshot.

Pure functions over strings. The address bar is small grey text on a tinted field, and
Tesseract's usual confusions there are ``&`` read as ``8`` (``id=42&cids`` becomes
``id=428cids``), ``#`` and ``?`` read as another character or dropped, ``0``/``O`` and
``l``/``1``/``I`` swapped, a ``/`` lost after the host, and spaces put inside the URL.
Each repair only applies where the Odoo URL grammar leaves no doubt (a known parameter
name follows, a number is expected), and a repaired URL still has to parse as an Odoo
screen URL (``odoo.recognise.parse_odoo_url``) to be reported.
"""

from __future__ import annotations

import re

from supportdesk.tickets.recognise import OdooUrl, parse_odoo_url

__all__ = ["address_url", "fix_digits", "repair_url"]

# Parameters of Odoo's legacy URL state (fragment or query) and of /mail/view.
_KEYS = r"(?:id|cids|menu_id|action|model|view_type|active_id|res_id|db|debug|resId)"
# "&" read as one of these before a key and "=": id=428cids=1 -> id=42&cids=1.
_AMP_LOOKALIKE = re.compile(r"(?<=[0-9A-Za-z_.\-])(?:8|&amp;|[§%$@€£]|Be|B|g)(?=" + _KEYS + r"=)")
_AMP_SPACED = re.compile(r"\s*&\s*")
# "#" or "?" after /web or /odoo read as something else (or dropped) before a key.
_STATE_START = re.compile(
    r"(/(?:web|odoo))(?:[^/#?A-Za-z0-9]|[#?][^A-Za-z0-9]|4|t|H|)(?=" + _KEYS + r"=)"
)
_DEBUG_STATE = re.compile(r"(\?debug=[0-9a-z,]*)(?:[^#&A-Za-z0-9]|4|H|)(?=" + _KEYS + r"=)")
_MAIL_QUERY = re.compile(r"(/mail/view)(?:[^?/A-Za-z0-9]|2|7|)(?=(?:model|res_id)=)")
# Numbers that Odoo puts in URLs: ids, actions, menus, companies, path records.
_NUMBER_VALUE = re.compile(
    r"((?:^|[#?&])(?:id|menu_id|active_id|res_id|resId|cids)=)([0-9OoIl|SB,\-]+)"
)
_ACTION_VALUE = re.compile(r"((?:^|[#?&])action=)([0-9OoIl|]+)(?=&|$)")
_PATH_NUMBER = re.compile(r"(?<=/)([0-9OoIl|]*[0-9][0-9OoIl|]*)(?=/|$|\?)")
_ODOO_COM = re.compile(r"\.[o0][dc][o0][o0]\s?\.\s?c[o0]m", re.IGNORECASE)
_ODOO_PATH = re.compile(r"/[o0]d[o0][o0](?=/|\?|#)")
_WEB_PATH = re.compile(r"/we[bh](?=[#?])")
# A host followed directly by a known path start: the "/" was lost.
_LOST_SLASH = re.compile(
    r"(\.(?:com|se|no|dk|fi|net|org|io|eu|de|nl|fr|uk|be)(?::[0-9]{2,5})?)(?=(?:odoo|web|my|mail)[/#?])"
)
_DIGIT_MAP = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "S": "5", "B": "8"})
_NOT_SECURE = re.compile(r"(?i)(?:not\s*secure|inte\s*s[aä]ker|insecure)")
_HOSTISH = re.compile(
    r"(?:https?://)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?::[0-9]{2,5})?[/#?]\S*|"
    r"(?:https?://)?(?:[a-z0-9-]+\.)*[o0]d[o0][o0]\.c[o0]m\S*",
    re.IGNORECASE,
)


def repair_url(candidate: str) -> str:
    """The candidate with OCR confusions repaired (it may still not be an Odoo URL)."""
    text = candidate.strip().strip("|'\"`")
    text = _AMP_SPACED.sub("&", text)
    text = re.sub(r"\s*([#?=/])\s*", r"\1", text)
    text = re.sub(r"\s+", "", text)
    text = _ODOO_COM.sub(".odoo.com", text)
    text = _LOST_SLASH.sub(r"\1/", text)
    text = _ODOO_PATH.sub("/odoo", text)
    text = _WEB_PATH.sub("/web", text)
    text = _STATE_START.sub(lambda m: m.group(1) + "#", text)
    text = _DEBUG_STATE.sub(lambda m: m.group(1) + "#", text)
    text = _MAIL_QUERY.sub(lambda m: m.group(1) + "?", text)
    for _ in range(8):  # each pass can reveal the next key
        fixed = _AMP_LOOKALIKE.sub("&", text)
        if fixed == text:
            break
        text = fixed
    text = _NUMBER_VALUE.sub(lambda m: m.group(1) + m.group(2).translate(_DIGIT_MAP), text)
    text = _ACTION_VALUE.sub(lambda m: m.group(1) + m.group(2).translate(_DIGIT_MAP), text)
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "https", text
    host, slash, path = rest.partition("/")
    if slash:
        path = _PATH_NUMBER.sub(lambda m: m.group(1).translate(_DIGIT_MAP), path)
    text = f"{scheme.lower()}://{host.lower()}{slash}{path}"
    return text.rstrip(".,;:!'\"|")


def address_url(line: str) -> OdooUrl | None:
    """The Odoo URL in an OCR'd address bar line, repaired; None when there is none."""
    cleaned = _NOT_SECURE.sub(" ", line)
    # Glue pieces that OCR split at the URL's punctuation ("…/web#id=42 &cids=1").
    cleaned = re.sub(r"\s+(?=[&#?=/])|(?<=[&#?=/])\s+|\s+(?=" + _KEYS + "=)", "", cleaned)
    for match in _HOSTISH.finditer(cleaned):
        found = parse_odoo_url(repair_url(match.group()))
        if found is not None:
            return found
    return None


_DIGITISH_RUN = re.compile(r"[0-9OoQDIl|]{3,}")
# "S00042" read as "$00042" or "s00042" (the sale order prefix is an upper-case S).
_SALE_PREFIX = re.compile(r"(?<![\w$§/])[$§s](?=[0-9OoQD]{5,7}(?![\w/]))")


_RUN_DIGITS = str.maketrans("OoQDIl|", "0000111")


def fix_digits(text: str) -> str:
    """Letters read for digits inside runs that are mostly digits (``S0OO42`` -> ``S00042``,
    ``2O26`` -> ``2026``); runs of letters (``Odoo``) stay as they are."""

    def fix(match: re.Match[str]) -> str:
        run = match.group()
        digits = sum(c.isdigit() for c in run)
        if digits >= 2 and digits * 2 >= len(run):
            return run.translate(_RUN_DIGITS)
        return run

    return _DIGITISH_RUN.sub(fix, _SALE_PREFIX.sub("S", text))
