"""The names people read for the fields that refusals name.

Actions, the input hygiene middleware and the view kit name a field by its key
(``subject``, ``odoo_urls``): that key stays what the API returns as ``field`` and
what a form maps the error to. A person reads the field's name in their own
language instead: ``label("subject")`` is "subject" in English and "ämne" in
Swedish, put into words where it is shown. Every key an action refuses is listed
here (``tests/core/test_field_names.py`` checks the source for keys without one).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

Text = str | Promise

LABELS: dict[str, Text] = {
    "api_key": _("API key"),
    "assignee": _("assignee"),
    "assignee_id": _("assignee"),
    "attachments": _("attachments"),
    "billing_contact": _("billing contact"),
    "body": _("message text"),
    "callId": _("call id"),
    "caller": _("caller"),
    "category": _("category"),
    "channel": _("channel"),
    "charge": _("charge"),
    "code": _("code"),
    "comment": _("comment"),
    "contact_method": _("contact method"),
    "contact_phone": _("contact phone"),
    "cursor": _("page position"),
    "database": _("database"),
    "date": _("date"),
    "days": _("days"),
    "description": _("description"),
    "direction": _("direction"),
    "email": _("email address"),
    "end": _("last month"),
    "event": _("event"),
    "field": _("field"),
    "from": _("from"),
    "image": _("image"),
    "impact": _("impact"),
    "instance": _("Odoo instance"),
    "instance_id": _("Odoo instance"),
    "kind": _("kind"),
    "language": _("language"),
    "limit": _("page size"),
    "login": _("login"),
    "message": _("message"),
    "minutes": _("minutes"),
    "model": _("model"),
    "module": _("module"),
    "move": _("change of status"),
    "name": _("name"),
    "notes": _("notes"),
    "number": _("number"),
    "odoo_partner_id": _("Odoo partner id"),
    "odoo_url": _("Odoo link"),
    "odoo_urls": _("Odoo links"),
    "odoo_versions": _("Odoo versions"),
    "on": _("date"),
    "order": _("sort order"),
    "organisation": _("organisation"),
    "organisation_id": _("organisation"),
    "original": _("original article"),
    "other": _("other ticket"),
    "owner": _("code owner"),
    "page": _("list"),
    "password": _("password"),
    "path": _("address"),
    "q": _("search"),
    "query": _("filter"),
    "reason": _("reason"),
    "reference": _("reference"),
    "reproduction": _("reproduction"),
    "requester": _("requester"),
    "requester_email": _("requester's email address"),
    "role": _("role"),
    "runbot_url": _("runbot link"),
    "score": _("rating"),
    "sort": _("sort order"),
    "source": _("source"),
    "start": _("first month"),
    "state": _("state"),
    "status": _("status"),
    "subject": _("subject"),
    "summary": _("summary"),
    "tags": _("tags"),
    "turn": _("your turn"),
    "target": _("linked ticket"),
    "text": _("text"),
    "ticket": _("ticket"),
    "timer": _("timer"),
    "title": _("title"),
    "to": _("to"),
    "token": _("invitation link"),
    "url": _("link"),
    "urls": _("links"),
    "vendor": _("vendor"),
    "version": _("version"),
    "view": _("saved view"),
    "visibility": _("visibility"),
    "week": _("week"),
}


def label(field: str) -> Text:
    """The name a person reads for ``field`` (lazy: put into words where shown)."""
    return LABELS.get(field, field)


class _Named:
    """A refusal like "Subject: is required", put into words by ``str()`` in the active
    language."""

    def __init__(self, name: Text, reason: Text) -> None:
        self.name = name
        self.reason = reason

    def __str__(self) -> str:
        return f"{capfirst(str(self.name))}: {self.reason}"


def named(field: str, reason: Text, *, name: Text | None = None) -> Text:
    """The refusal as a person reads it, ``name`` overriding the field's listed label."""
    return lazy_str(_Named(name if name is not None else label(field), reason))


def lazy_str(value: object) -> Text:
    """``value`` as lazy text: ``str(value)`` is called each time it is shown."""
    return format_lazy("{}", value)
