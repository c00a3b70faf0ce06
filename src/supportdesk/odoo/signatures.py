"""Error signatures: the same Odoo error, whoever hit it on whichever record, gets one key.

Pure functions over text (a mail, the portal form, pasted text, or what was read in a
screenshot's dialog). A signature is

- the exception type (``odoo.exceptions.UserError``; from a dialog without traceback, the
  type its title stands for: "User Error" is ``UserError``),
- the message with what varies between records, users and companies masked: quoted text,
  numbers, document numbers (``S00042``), e-mail addresses, dates and names (capitalised
  words after the first word of a sentence),
- the module and function of the last three frames of the traceback, with the install
  path cut away (``/opt/odoo/addons/sale/models/sale_order.py`` and
  ``/home/odoo/src/odoo/addons/sale/models/sale_order.py`` are ``sale/models/sale_order``).

The key is a SHA-256 of those three; ``addon`` is the addon of the innermost frame, which
tells who owns the code (R7).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from supportdesk.tickets.recognise import find_references

__all__ = ["Signature", "from_dialog", "from_text"]

FRAMES = 3
_TRACEBACK = re.compile(r"Traceback \(most recent call last\):")
_FRAME = re.compile(r'File\s+["“”]?([^"“”\n]+?)["“”]?,\s+[lI1]ine\s+[0-9OolI]+,\s+in\s+([\w<>.]+)')
_EXCEPTION = re.compile(
    r"^\s*((?:[a-z_]\w*\.)+[A-Z]\w*|[A-Z]\w*(?:Error|Exception|Warning|Denied|Interrupt|Exit))"
    r"(?::\s*(.*))?$",
    re.MULTILINE,
)
_TITLE_TYPES = {
    "validation error": "odoo.exceptions.ValidationError",
    "valideringsfel": "odoo.exceptions.ValidationError",
    "user error": "odoo.exceptions.UserError",
    "användarfel": "odoo.exceptions.UserError",
    "access error": "odoo.exceptions.AccessError",
    "åtkomstfel": "odoo.exceptions.AccessError",
    "access denied": "odoo.exceptions.AccessDenied",
    "missing record": "odoo.exceptions.MissingError",
    "redirect warning": "odoo.exceptions.RedirectWarning",
    "warning": "odoo.exceptions.UserError",
}
_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"|‘[^’\n]*’|“[^”\n]*”|«[^»\n]*»")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_DATE = re.compile(r"\b[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4}\b")
_NUMBER = re.compile(r"(?<![\w.])[-+]?[0-9][0-9 ,.]*(?![\w])|\b[0-9]+\b")
_NAME = re.compile(r"(?<=[\w,)] )(?:[A-ZÅÄÖ][\w&.'-]*)(?: (?:[A-ZÅÄÖ][\w&.'-]*|&|[0-9]+))*")
_SPACES = re.compile(r"\s+")
_ADDON_DIRS = frozenset({"models", "controllers", "wizard", "wizards", "report", "populate"})


@dataclass(frozen=True)
class Signature:
    exception: str
    message: str  # masked
    frames: tuple[str, ...]  # "sale/models/sale_order:action_confirm", innermost last

    @property
    def key(self) -> str:
        text = "\n".join([self.exception, self.message, *self.frames])
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def loose_key(self) -> str:
        """Type and message only: a dialog without traceback matches the full traceback."""
        return hashlib.sha256(f"{self.exception}\n{self.message}".encode()).hexdigest()

    @property
    def addon(self) -> str:
        """The addon of the innermost frame ("" without traceback)."""
        return self.frames[-1].split("/", 1)[0] if self.frames else ""

    @property
    def summary(self) -> str:
        short = self.exception.rsplit(".", 1)[-1]
        where = f" in {self.frames[-1]}" if self.frames else ""
        return f"{short}: {self.message}{where}"[:300]


def mask(message: str) -> str:
    """The message with record-specific parts replaced by placeholders."""
    text = _SPACES.sub(" ", message).strip()
    for ref in find_references(text):
        text = text.replace(ref.text, "<ref>")
    text = _EMAIL.sub("<email>", text)
    text = _QUOTED.sub("<text>", text)
    text = _DATE.sub("<date>", text)
    text = _NUMBER.sub(lambda m: "<n>" if m.group().strip(" ,.") else m.group(), text)
    text = _NAME.sub("<name>", text)
    return text.rstrip(" .")


def _module(path: str) -> str:
    path = path.strip().replace("\\", "/")
    if path.endswith(".py"):
        path = path[:-3]
    if "/addons/" in path:
        return path.rsplit("/addons/", 1)[1]
    parts = [p for p in path.split("/") if p]
    if "odoo" in parts:  # the server's own code: odoo/http, odoo/models, odoo/service/model
        rest = parts[len(parts) - 1 - parts[::-1].index("odoo") + 1 :]
        if rest and not _ADDON_DIRS.intersection(rest):
            return "/".join(["odoo", *rest])
    return "/".join(parts[-3:])  # an addon outside an addons folder: addon/models/file


def from_text(text: str) -> Signature | None:
    """The signature of the last traceback in ``text`` (None when there is none)."""
    starts = [m.end() for m in _TRACEBACK.finditer(text)]
    if not starts:
        return None
    block = text[starts[-1] :]
    frames = [f"{_module(path)}:{function}" for path, function in _FRAME.findall(block)]
    after = block
    last_frame = list(_FRAME.finditer(block))
    if last_frame:
        after = block[last_frame[-1].end() :]
    exception = _EXCEPTION.search(after)
    if exception is None or not frames:
        return None
    return Signature(exception.group(1), mask(exception.group(2) or ""), tuple(frames[-FRAMES:]))


def from_dialog(title: str, message: str, traceback: str = "") -> Signature | None:
    """The signature of an Odoo error dialog: from its traceback when shown, else from
    its title and message."""
    if traceback:
        found = from_text(
            traceback
            if "Traceback" in traceback
            else f"Traceback (most recent call last):\n{traceback}"
        )
        if found is not None:
            return found
    exception = _TITLE_TYPES.get(title.strip().lower())
    if exception is None or not message.strip():
        return None
    return Signature(exception, mask(message), ())
