"""Notes a channel writes on a ticket by itself, read in the reader's language.

The mail channel notes a bounce, an automatic reply, an unverified staff address or a
message over the size limit on the ticket. Like events, such a note is stored as a code
with its parameters (``Message.note``) and put into words where it is shown, so a
consultant reading Swedish reads it in Swedish. ``Message.body`` keeps the English text
(search, exports, the admin) followed by what the mail itself said.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

# code → the note's first paragraph, with %(name)s parameters.
NOTES = {
    "unverified_staff": _("Claims to be from %(address)s, not verified."),
    "automatic": _("Automatic mail from %(address)s (%(reason)s): %(subject)s"),
    "bounce": _("Mail to %(recipients)s could not be delivered."),
    "bounce_reason": _("Mail to %(recipients)s could not be delivered: %(diagnostic)s"),
    "delivery_report": _("Delivery report about our mail: %(subject)s"),
    "too_large": _(
        "A message of %(size)s MB from %(address)s was over the limit of %(limit)s MB; "
        "the sender was told."
    ),
}


def note_text(code: str, params: dict[str, Any]) -> str:
    """The note's first paragraph in the active language."""
    return str(NOTES[code]) % params


def compose(code: str, params: dict[str, Any], rest: str = "") -> tuple[str, dict[str, Any]]:
    """(the English body to store, the ``Message.note`` value) for a channel's note."""
    with translation.override("en"):
        head = note_text(code, params)
    body = f"{head}\n\n{rest}" if rest else head
    return body, {"code": code, "params": params}


def shown(body: str, note: dict[str, Any] | None) -> str:
    """``body`` as the reader reads it: the note's words in the active language."""
    if not note or note.get("code") not in NOTES:
        return body
    code, params = note["code"], note.get("params") or {}
    try:
        with translation.override("en"):
            english = note_text(code, params)
        local = note_text(code, params)
    except (KeyError, TypeError, ValueError):
        return body
    return local + body[len(english) :] if body.startswith(english) else body
