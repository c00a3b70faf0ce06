"""The one event vocabulary of a ticket: every verb, its payload, its writer, its words.

An ``Event`` row is the timeline, the audit log and the input from which clocks are
recomputed (DESIGN rule 2). Every writer goes through :func:`record_event`, which
appends the row and publishes it to the subscribers of its verb (``core.dispatch``).
Readers match on :class:`Verb`, never on strings.

Each verb is rendered once here, for the staff timeline and for the customer's
(``None``: not shown to customers), in the viewer's language.

Payload of each verb (``old`` / ``new`` keys; ``reason`` where given):

============================ ================================================================
created                      new: status, channel, kind, impact, odoo_refs (texts added)
assigned                     old: assignee, status; new: assignee, assignee_id, status,
                             skill_override; reason: the dispatcher's override reason
started, waiting, resumed,   old: status; new: status; reason: why (waiting, resolution…)
resolved, closed, reopened
replied                      new: message_id, channel (the message is on the timeline)
noted                        new: message_id (internal; the note is on the staff timeline)
updated                      old/new: each changed field; odoo_refs added; reason
watchers_added               new: watchers (addresses)
linked                       new: to or from (ticket number), kind
merged_into / merged         new: into / duplicate (numbers), status / subject; reason
split_from / split           new: from / into (numbers), subject
time_logged                  new: entry, minutes, date; reason: what was done
time_overridden              new: entry, charge ("free", "charged" or "rules"); reason
time_corrected               new: entry, corrects, minutes (negative); reason
odoo_checked                 new: checks [{reference, result}] (internal)
odoo_ref_removed             new: odoo_ref; reason
code_owner_classified        new: owner, subject, module (internal)
code_owner_confirmed         new: owner; reason
bug_reproduced               new: runbot_url, written
reported_upstream            new: to, reference, url
upstream_updated             new: reference, from, state
patch_planned                new: module, version; reason
assignment_warning           new: assignment_due (internal)
assignment_breached          new: assignment_due (internal)
screenshot_read              new: attachment (file name), found (texts added), dialog (title),
                             signature (key)
screenshot_finding_removed   new: text; reason
screenshot_finding_corrected new: text; reason: what it was read as
error_signature_seen         new: signature (summary), source (internal)
rated                        new: rating (1-5); reason: the contact's comment
============================ ================================================================
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from supportdesk.core import clock, dispatch
from supportdesk.core.rows import insert_rows

if TYPE_CHECKING:
    from supportdesk.accounts.models import User
    from supportdesk.tickets.models import Event, Ticket


class Verb(models.TextChoices):
    CREATED = "created", gettext_lazy("registered")
    ASSIGNED = "assigned", gettext_lazy("assigned")
    STARTED = "started", gettext_lazy("started")
    REPLIED = "replied", gettext_lazy("replied")
    NOTED = "noted", gettext_lazy("internal note")
    WAITING = "waiting", gettext_lazy("waiting")
    RESUMED = "resumed", gettext_lazy("resumed")
    RESOLVED = "resolved", gettext_lazy("resolved")
    CLOSED = "closed", gettext_lazy("closed")
    REOPENED = "reopened", gettext_lazy("reopened")
    UPDATED = "updated", gettext_lazy("details changed")
    WATCHERS_ADDED = "watchers_added", gettext_lazy("contacts copied")
    LINKED = "linked", gettext_lazy("linked")
    MERGED_INTO = "merged_into", gettext_lazy("merged into another ticket")
    MERGED = "merged", gettext_lazy("duplicate merged")
    SPLIT_FROM = "split_from", gettext_lazy("split from another ticket")
    SPLIT = "split", gettext_lazy("split")
    TIME_LOGGED = "time_logged", gettext_lazy("time logged")
    TIME_OVERRIDDEN = "time_overridden", gettext_lazy("charge overridden")
    TIME_CORRECTED = "time_corrected", gettext_lazy("time corrected")
    ODOO_CHECKED = "odoo_checked", gettext_lazy("Odoo references checked")
    ODOO_REF_REMOVED = "odoo_ref_removed", gettext_lazy("Odoo reference removed")
    CODE_OWNER_CLASSIFIED = "code_owner_classified", gettext_lazy("code owner classified")
    CODE_OWNER_CONFIRMED = "code_owner_confirmed", gettext_lazy("code owner set")
    BUG_REPRODUCED = "bug_reproduced", gettext_lazy("bug reproduced")
    REPORTED_UPSTREAM = "reported_upstream", gettext_lazy("reported upstream")
    UPSTREAM_UPDATED = "upstream_updated", gettext_lazy("upstream report updated")
    PATCH_PLANNED = "patch_planned", gettext_lazy("fix planned in a patch release")
    ASSIGNMENT_WARNING = "assignment_warning", gettext_lazy("assignment deadline near")
    ASSIGNMENT_BREACHED = "assignment_breached", gettext_lazy("assignment deadline passed")
    SCREENSHOT_READ = "screenshot_read", gettext_lazy("screenshot read")
    SCREENSHOT_FINDING_REMOVED = (
        "screenshot_finding_removed",
        gettext_lazy("wrongly recognised finding removed"),
    )
    SCREENSHOT_FINDING_CORRECTED = (
        "screenshot_finding_corrected",
        gettext_lazy("recognised finding corrected"),
    )
    ERROR_SIGNATURE_SEEN = "error_signature_seen", gettext_lazy("error signature seen")
    # Help center: a contact's answer to "How did we do?"; new: {"rating": 1-5}, reason: comment.
    RATED = "rated", gettext_lazy("rated")


# Verbs whose row on a timeline is the message itself, not a sentence about it.
SHOWN_AS_MESSAGE = frozenset({Verb.REPLIED, Verb.NOTED})
# On the customer's page the time entry is its own row, with its charge.
SHOWN_AS_OWN_ROW = SHOWN_AS_MESSAGE | {Verb.TIME_LOGGED}
# Verbs that change the status; the clocks are recomputed from these (rule 4).
STATUS_VERBS = frozenset(
    {
        Verb.CREATED,
        Verb.ASSIGNED,
        Verb.STARTED,
        Verb.WAITING,
        Verb.RESUMED,
        Verb.RESOLVED,
        Verb.CLOSED,
        Verb.REOPENED,
        Verb.MERGED_INTO,
    }
)


_VERBS = frozenset(Verb.values)  # ``Verb.values`` builds its list on every call


def record_event(
    ticket: Ticket,
    actor: User | None,
    verb: Verb,
    *,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    reason: str = "",
    public: bool = True,
    at: dt.datetime | None = None,
) -> Event:
    """Append an event to the ticket's timeline and publish it to its subscribers."""
    from supportdesk.tickets.models import Event

    if verb not in _VERBS:
        raise ValueError(f"{verb!r} is not a verb of tickets.events.Verb")
    event = Event(
        ticket=ticket,
        actor=actor,
        verb=Verb(verb),
        old=old or {},
        new=new or {},
        reason=reason,
        public=public,
        created_at=at or clock.now(),
    )
    insert_rows([event])
    dispatch.publish(event)
    return event


# --- words ------------------------------------------------------------------------------


def _name(event: Event) -> str:
    actor = event.actor  # select_related by the timelines
    return str(actor) if actor is not None else "Supportdesk"


def _status(value: object, *, customer: bool = False) -> str:
    from supportdesk.tickets.models import Status

    if customer and value == Status.WAITING_CUSTOMER:
        return _("waiting on you")
    try:
        return str(Status(str(value)).label).lower()
    except ValueError:
        return str(value)


def _status_change(event: Event, *, customer: bool = False) -> str:
    old, new = event.old.get("status"), event.new.get("status")
    if old and new and old != new:
        return _("Status: %(old)s → %(new)s") % {
            "old": _status(old, customer=customer),
            "new": _status(new, customer=customer),
        }
    return _("Status: %(new)s") % {"new": _status(new, customer=customer)}


def _minutes(value: object) -> str:
    minutes = abs(int(value)) if isinstance(value, int | float) else 0
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


def _field_label(name: str) -> str:
    from supportdesk.tickets.models import Ticket

    if name == "odoo_refs":
        return _("Odoo references")
    try:
        field = Ticket._meta.get_field(name)
    except Exception:
        return name.replace("_", " ")
    return str(getattr(field, "verbose_name", name.replace("_", " ")))


def _value(name: str, value: object) -> str:
    from supportdesk.tickets.models import CodeOwner, Impact, Kind

    if value in (None, ""):
        return "—"
    choices: dict[str, Any] = {"kind": Kind, "impact": Impact, "code_owner": CodeOwner}
    if name in choices:
        try:
            return str(choices[name](value).label)
        except ValueError:
            return str(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _changes(event: Event, *, customer: bool) -> str:
    hidden = {"impact_review"} if customer else set()
    parts = []
    for field, value in event.new.items():
        if field in hidden:
            continue
        if field == "odoo_refs":
            parts.append(_("added %(refs)s") % {"refs": _value(field, value)})
            continue
        if field in ("subject", "description"):
            parts.append(_("%(field)s changed") % {"field": _field_label(field)})
            continue
        parts.append(
            _("%(field)s: %(old)s → %(new)s")
            % {
                "field": _field_label(field),
                "old": _value(field, event.old.get(field)),
                "new": _value(field, value),
            }
        )
    return "; ".join(parts)


def _charge(value: object) -> str:
    return {"free": _("free"), "charged": _("charged")}.get(
        str(value), _("charged by the rules again")
    )


Sentence = Callable[["Event"], "str | None"]


def _staff_sentences() -> dict[str, Sentence]:
    return {
        Verb.CREATED: lambda e: (
            _("%(actor)s registered the ticket (%(channel)s)")
            % {"actor": _name(e), "channel": _channel(e.new.get("channel"))}
        ),
        Verb.ASSIGNED: lambda e: (
            (
                _("%(actor)s assigned the ticket to %(assignee)s without the required skill")
                if e.new.get("skill_override")
                else _("%(actor)s assigned the ticket to %(assignee)s")
            )
            % {"actor": _name(e), "assignee": e.new.get("assignee", "")}
        ),
        Verb.STARTED: lambda e: _("%(actor)s started work") % {"actor": _name(e)},
        Verb.REPLIED: lambda e: _("%(actor)s replied") % {"actor": _name(e)},
        Verb.NOTED: lambda e: _("%(actor)s wrote an internal note") % {"actor": _name(e)},
        Verb.WAITING: _status_change,
        Verb.RESUMED: _status_change,
        Verb.RESOLVED: lambda e: _("%(actor)s resolved the ticket") % {"actor": _name(e)},
        Verb.CLOSED: lambda e: _("%(actor)s closed the ticket") % {"actor": _name(e)},
        Verb.REOPENED: lambda e: _("%(actor)s reopened the ticket") % {"actor": _name(e)},
        Verb.UPDATED: lambda e: (
            _("%(actor)s changed the details: %(changes)s")
            % {"actor": _name(e), "changes": _changes(e, customer=False)}
        ),
        Verb.WATCHERS_ADDED: lambda e: (
            _("%(actor)s copied %(who)s on the ticket")
            % {"actor": _name(e), "who": ", ".join(e.new.get("watchers", []))}
        ),
        Verb.LINKED: lambda e: (
            _("Linked to %(number)s") % {"number": e.new["to"]}
            if "to" in e.new
            else _("Linked from %(number)s") % {"number": e.new.get("from", "")}
        ),
        Verb.MERGED_INTO: lambda e: (
            _("%(actor)s merged this ticket into %(number)s")
            % {"actor": _name(e), "number": e.new.get("into", "")}
        ),
        Verb.MERGED: lambda e: (
            _("%(actor)s merged the duplicate %(number)s into this ticket")
            % {"actor": _name(e), "number": e.new.get("duplicate", "")}
        ),
        Verb.SPLIT_FROM: lambda e: _("Split from %(number)s") % {"number": e.new.get("from", "")},
        Verb.SPLIT: lambda e: (
            _("%(actor)s split %(number)s off this ticket")
            % {"actor": _name(e), "number": e.new.get("into", "")}
        ),
        Verb.TIME_LOGGED: lambda e: (
            _("%(actor)s logged %(minutes)s")
            % {"actor": _name(e), "minutes": _minutes(e.new.get("minutes"))}
        ),
        Verb.TIME_OVERRIDDEN: lambda e: (
            _("%(actor)s set a time entry %(charge)s")
            % {"actor": _name(e), "charge": _charge(e.new.get("charge"))}
        ),
        Verb.TIME_CORRECTED: lambda e: (
            _("%(actor)s took back %(minutes)s")
            % {"actor": _name(e), "minutes": _minutes(e.new.get("minutes"))}
        ),
        Verb.ODOO_CHECKED: lambda e: (
            _("Odoo references checked: %(results)s")
            % {
                "results": "; ".join(
                    f"{c.get('reference', '')} — {c.get('result', '')}"
                    for c in e.new.get("checks", [])
                )
            }
        ),
        Verb.ODOO_REF_REMOVED: lambda e: (
            _("%(actor)s removed the Odoo reference %(ref)s")
            % {"actor": _name(e), "ref": e.new.get("odoo_ref", "")}
        ),
        Verb.CODE_OWNER_CLASSIFIED: lambda e: (
            _("Code owner classified: %(owner)s")
            % {"owner": _value("code_owner", e.new.get("owner"))}
        ),
        Verb.CODE_OWNER_CONFIRMED: lambda e: (
            _("%(actor)s set the code owner: %(owner)s")
            % {"actor": _name(e), "owner": _value("code_owner", e.new.get("owner"))}
        ),
        Verb.BUG_REPRODUCED: lambda e: (
            _("%(actor)s reproduced the bug on standard data") % {"actor": _name(e)}
        ),
        Verb.REPORTED_UPSTREAM: lambda e: (
            _("%(actor)s reported the bug to %(to)s: %(ref)s")
            % {"actor": _name(e), "to": e.new.get("to", ""), "ref": e.new.get("reference", "")}
        ),
        Verb.UPSTREAM_UPDATED: lambda e: (
            _("Upstream report %(ref)s: %(old)s → %(new)s")
            % {
                "ref": e.new.get("reference", ""),
                "old": e.new.get("from", "") or "—",
                "new": e.new.get("state", ""),
            }
        ),
        Verb.PATCH_PLANNED: lambda e: (
            _("Fix planned in %(module)s %(version)s")
            % {"module": e.new.get("module", ""), "version": e.new.get("version", "")}
        ),
        Verb.ASSIGNMENT_WARNING: lambda e: _("Assignment deadline near: unassigned"),
        Verb.ASSIGNMENT_BREACHED: lambda e: _("Assignment deadline passed unassigned"),
        **_screenshot_sentences(),
        Verb.ERROR_SIGNATURE_SEEN: lambda e: (
            _("Error signature: %(signature)s") % {"signature": e.new.get("signature", "")}
        ),
        Verb.RATED: lambda e: (
            _("%(actor)s rated our work %(score)s of 5")
            % {"actor": _name(e), "score": e.new.get("rating", "?")}
        ),
    }


def _customer_sentences() -> dict[str, Sentence]:
    return {
        Verb.CREATED: lambda e: _("Ticket registered"),
        Verb.ASSIGNED: lambda e: _("Assigned to %(name)s") % {"name": e.new.get("assignee", "")},
        Verb.STARTED: lambda e: _("Work started"),
        Verb.REPLIED: lambda e: None,
        Verb.NOTED: lambda e: None,
        Verb.WAITING: lambda e: _status_change(e, customer=True),
        Verb.RESUMED: lambda e: _("Work resumed"),
        Verb.RESOLVED: lambda e: _("Resolved"),
        Verb.CLOSED: lambda e: (
            _("Closed: the resolution was confirmed")
            if e.actor is not None and not e.actor.is_support_staff
            else _("Closed")
        ),
        Verb.REOPENED: lambda e: _("Reopened"),
        Verb.UPDATED: lambda e: (
            _("Details changed: %(changes)s") % {"changes": _changes(e, customer=True)}
        ),
        Verb.WATCHERS_ADDED: lambda e: (
            _("%(who)s copied on the ticket") % {"who": ", ".join(e.new.get("watchers", []))}
        ),
        Verb.LINKED: lambda e: None,
        Verb.MERGED_INTO: lambda e: _("Merged into %(number)s") % {"number": e.new.get("into")},
        Verb.MERGED: lambda e: (
            _("The duplicate %(number)s was merged into this ticket")
            % {"number": e.new.get("duplicate", "")}
        ),
        Verb.SPLIT_FROM: lambda e: _("Split from %(number)s") % {"number": e.new.get("from", "")},
        Verb.SPLIT: lambda e: (
            _("%(number)s was split off this ticket") % {"number": e.new.get("into", "")}
        ),
        Verb.TIME_LOGGED: lambda e: (
            _("%(actor)s logged %(minutes)s")
            % {"actor": _name(e), "minutes": _minutes(e.new.get("minutes"))}
        ),
        Verb.TIME_OVERRIDDEN: lambda e: (
            _("A time entry was set %(charge)s") % {"charge": _charge(e.new.get("charge"))}
        ),
        Verb.TIME_CORRECTED: lambda e: (
            _("%(minutes)s taken back from a time entry")
            % {"minutes": _minutes(e.new.get("minutes"))}
        ),
        Verb.ODOO_CHECKED: lambda e: None,
        Verb.ODOO_REF_REMOVED: lambda e: (
            _("Odoo reference removed: %(ref)s") % {"ref": e.new.get("odoo_ref", "")}
        ),
        Verb.CODE_OWNER_CLASSIFIED: lambda e: None,
        Verb.CODE_OWNER_CONFIRMED: lambda e: (
            _("Code owner: %(owner)s") % {"owner": _value("code_owner", e.new.get("owner"))}
        ),
        Verb.BUG_REPRODUCED: lambda e: _("The bug was reproduced on standard data"),
        Verb.REPORTED_UPSTREAM: lambda e: (
            _("Reported to %(to)s: %(ref)s")
            % {"to": e.new.get("to", ""), "ref": e.new.get("reference", "")}
        ),
        Verb.UPSTREAM_UPDATED: lambda e: (
            _("Report %(ref)s upstream: %(state)s")
            % {"ref": e.new.get("reference", ""), "state": e.new.get("state", "")}
        ),
        Verb.PATCH_PLANNED: lambda e: (
            _("Fix planned in %(module)s %(version)s")
            % {"module": e.new.get("module", ""), "version": e.new.get("version", "")}
        ),
        Verb.ASSIGNMENT_WARNING: lambda e: None,
        Verb.ASSIGNMENT_BREACHED: lambda e: None,
        **_screenshot_sentences(),
        Verb.ERROR_SIGNATURE_SEEN: lambda e: None,
        Verb.RATED: lambda e: _("Rated %(score)s of 5") % {"score": e.new.get("rating", "?")},
    }


def _screenshot_found(e: Event) -> str:
    """The texts added and the dialog's title, as one list."""
    return ", ".join(filter(None, [*(e.new.get("found") or []), e.new.get("dialog", "")]))


def _screenshot_sentences() -> dict[str, Sentence]:
    """Screenshots read by OCR (R2): the same words for staff and the customer."""
    return {
        Verb.SCREENSHOT_READ: lambda e: (
            _("Recognised in your screenshot %(name)s: %(found)s")
            % {"name": e.new.get("attachment", ""), "found": _screenshot_found(e)}
            if _screenshot_found(e)
            else _("Screenshot %(name)s read: nothing recognised")
            % {"name": e.new.get("attachment", "")}
        ),
        Verb.SCREENSHOT_FINDING_REMOVED: lambda e: (
            _("Removed as wrongly recognised: %(text)s") % {"text": e.new.get("text", "")}
        ),
        Verb.SCREENSHOT_FINDING_CORRECTED: lambda e: (
            _("Corrected to %(text)s") % {"text": e.new.get("text", "")}
        ),
    }


STAFF = _staff_sentences()
CUSTOMER = _customer_sentences()

# Reasons the customer does not read: the desk's own business.
_PRIVATE_REASON = frozenset({Verb.ASSIGNED})


def _channel(value: object) -> str:
    from supportdesk.tickets.models import Channel

    try:
        return str(Channel(str(value)).label)
    except ValueError:
        return str(value or "")


def staff_sentence(event: Event) -> str:
    """What staff read for ``event`` on the console timeline, in the active language."""
    render = STAFF.get(event.verb)
    if render is None:
        return str(event.verb).replace("_", " ")
    return render(event) or ""


def customer_sentence(event: Event) -> tuple[str, str] | None:
    """What the customer reads for ``event`` and the reason shown with it; None: hidden."""
    if not event.public:
        return None
    render = CUSTOMER.get(event.verb)
    text = render(event) if render else None
    if text is None:
        return None
    reason = "" if event.verb in _PRIVATE_REASON else event.reason
    return text, reason
