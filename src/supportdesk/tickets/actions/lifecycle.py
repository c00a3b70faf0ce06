"""The life of a ticket: register, assign, start, reply, wait, resolve, close, reopen.

Every action takes keyword arguments and an explicit ``actor``, runs in one
transaction, locks the ticket row, changes state, appends its events through
``tickets.events.record_event`` and finishes with ``kit.finish`` (derived clocks, save).
Side effects — mail to customers, staff notifications, the search index, auto-assignment,
webhooks — are subscribers of the events, run after the commit (DESIGN rule 2): this
module imports no channel. Refusals raise ``InvalidInput`` or ``IllegalTransition`` and
change nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _

from supportdesk.accounts.models import ContactMethod, Organisation, Skill, User
from supportdesk.core import clock
from supportdesk.core.errors import IllegalTransition, InvalidInput, PermissionDenied
from supportdesk.core.rows import insert_rows
from supportdesk.tickets import kit
from supportdesk.tickets.actions.references import (
    Upload,
    add_refs,
    check_uploads,
    odoo_refs,
    store_uploads,
)
from supportdesk.tickets.actions.update import BODY_MAX, SUBJECT_MAX, apply_impact
from supportdesk.tickets.events import Verb, record_event
from supportdesk.tickets.models import (
    OPEN_STATUSES,
    WAITING_STATUSES,
    Channel,
    Event,
    Impact,
    Kind,
    Message,
    Status,
    Ticket,
)
from supportdesk.tickets.notes import compose


def _insert(message: Message) -> Message:
    """A new message row, its INSERT built without the ORM's compiler."""
    insert_rows([message])
    return message


def _record_status(
    ticket: Ticket, actor: User | None, verb: Verb, *, old: str, reason: str, at: dt.datetime
) -> Event:
    """The event of a status change: the clocks are recomputed from these (rule 4)."""
    return record_event(
        ticket,
        actor,
        verb,
        old={"status": old},
        new={"status": ticket.status},
        reason=reason.strip(),
        at=at,
    )


def _move(ticket: Ticket, to: Status, *, allowed: Iterable[str], verb: Verb) -> str:
    """Check a status transition; return the old status. Refusals say why."""
    old = ticket.status
    if old not in allowed:
        hint = {
            Status.CLOSED: _("reopen first"),
            Status.RESOLVED: _("reopen first"),
            Status.NEW: _("assign first"),
        }.get(Status(old), "")
        message = _("status '%(old)s' cannot go to '%(to)s'") % {"old": old, "to": to}
        if old == to:
            message += ": " + _("the ticket is already %(status)s") % {
                "status": str(Status(old).label).lower()
            }
        elif verb not in {Verb.CLOSED, Verb.REOPENED} and hint:
            message += f": {hint}"
        raise IllegalTransition(message)
    ticket.status = to
    return old


@dataclasses.dataclass(frozen=True)
class Move:
    """A status change an action makes: from which statuses, what it stamps."""

    to: Status
    allowed: tuple[str, ...]
    stamp: tuple[str, ...] = ()  # moments set to now (``resolved_at``…)
    first: tuple[str, ...] = ()  # moments set to now only once (work starts once)


_ACTIVE = (Status.ASSIGNED, Status.IN_PROGRESS, *WAITING_STATUSES)
MOVES = {
    Verb.STARTED: Move(Status.IN_PROGRESS, (Status.ASSIGNED,), first=("started_at",)),
    Verb.RESUMED: Move(Status.IN_PROGRESS, WAITING_STATUSES),
    Verb.RESOLVED: Move(Status.RESOLVED, _ACTIVE, ("resolved_at",), ("started_at",)),
    Verb.CLOSED: Move(Status.CLOSED, (Status.RESOLVED,), ("closed_at",)),
}


def _transition(
    ticket: Ticket, actor: User, verb: Verb, *, reason: str = "", move: Move | None = None
) -> Ticket:
    """The one shape of a status change: lock, check, stamp, record, recompute."""
    move = move or MOVES[verb]
    with kit.atomic():
        ticket = kit.lock(ticket)
        now = clock.now()
        old = _move(ticket, move.to, allowed=move.allowed, verb=verb)
        for field in move.stamp:
            setattr(ticket, field, now)
        for field in move.first:
            if getattr(ticket, field) is None:
                setattr(ticket, field, now)
        _record_status(ticket, actor, verb, old=old, reason=reason, at=now)
        kit.finish(ticket, now=now)
    return ticket


# --- the actions ------------------------------------------------------------------------


def ticket_create(
    *,
    actor: User,
    organisation: Organisation,
    requester: User | None,
    channel: str,
    subject: str,
    description: str = "",
    kind: str = Kind.HOW_TO,
    impact: str = "",
    contact_method: str | None = None,
    contact_phone: str = "",
    required_skill: Skill | None = None,
    odoo_urls: Sequence[str] = (),
    references: Sequence[str] = (),
    attachments: Sequence[Upload] = (),
    watchers: Sequence[User] = (),
    registered_at: dt.datetime | None = None,
    sender_verified: bool = True,
    message_id: str = "",
    body_html: str = "",
) -> Ticket:
    """Register a ticket from any channel (R1), with its Odoo data (R2).

    The channel is recorded; Odoo URLs and transaction references are taken from the
    explicit fields and recognised in the subject and description. A mail's Message-ID
    is kept on the first message so that replies thread.
    """
    subject = kit.text("subject", subject, required=True, limit=SUBJECT_MAX)
    description = kit.text("description", description, required=False, limit=BODY_MAX)
    kit.choice("channel", channel, Channel)
    kit.choice("kind", kind, Kind)
    kit.choice("impact", impact, Impact)
    if actor.is_customer and actor.organisation_id != organisation.pk:
        raise InvalidInput("organisation", _("you can only register tickets for your organisation"))
    if (
        requester is not None
        and requester.is_customer
        and requester.organisation_id != organisation.pk
    ):
        raise InvalidInput(
            "requester",
            _("%(email)s does not belong to %(organisation)s")
            % {"email": requester.email, "organisation": organisation},
        )
    method = contact_method or (requester.preferred_contact if requester else ContactMethod.EMAIL)
    kit.choice("contact_method", method, ContactMethod)
    contact_phone = kit.text("contact_phone", contact_phone, required=False, limit=40)
    if method == ContactMethod.PHONE and not contact_phone:
        contact_phone = requester.phone if requester and requester.phone else ""
        if not contact_phone:
            raise InvalidInput(
                "contact_phone", _("is required when you want to be contacted by phone")
            )
    refs = odoo_refs(odoo_urls, references, [subject, description])
    check_uploads(attachments, organisation=organisation)
    now = clock.now()
    registered = registered_at or now

    with kit.atomic():
        ticket = Ticket(
            organisation=organisation,
            requester=requester,
            channel=channel,
            subject=subject,
            description=description,
            kind=kind,
            contact_method=method,
            contact_phone=contact_phone,
            required_skill=required_skill,
            registered_at=registered,
            updated_at=now,
            sender_verified=sender_verified,
        )
        apply_impact(ticket, impact, actor)
        history = [(registered, Status.NEW)]
        kit.derive(ticket, now=now, events=history)
        insert_rows([ticket])
        ticket.remember_loaded()
        if watchers:
            through = Ticket.watchers.through
            through.objects.bulk_create(
                through(ticket_id=ticket.pk, user_id=pk) for pk in {u.pk: u for u in watchers}
            )
        added = add_refs(ticket, refs)
        message = None
        if attachments or message_id:
            message = _insert(
                Message(
                    ticket=ticket,
                    author=requester or actor,
                    channel=channel,
                    body=description or subject,
                    body_html=body_html,
                    message_id=message_id[:998],
                    created_at=registered,
                )
            )
            store_uploads(ticket, message, attachments, actor)
        record_event(
            ticket,
            actor,
            Verb.CREATED,
            new={
                "status": Status.NEW,
                "channel": channel,
                "kind": kind,
                "impact": impact,
                "odoo_refs": added,
            },
            at=registered,
        )
        kit.finish(ticket, now=now, events=history)
    ticket.opening_message = message
    return ticket


def ticket_assign(
    *, ticket: Ticket, actor: User, assignee: User, override_reason: str = ""
) -> Ticket:
    """Assign to a qualified consultant (R3); a dispatcher may override the skill check."""
    kit.require_staff(actor, _("assign tickets"))
    if not assignee.is_support_staff or not assignee.is_active:
        raise InvalidInput(
            "assignee", _("%(name)s is not an active consultant") % {"name": assignee}
        )
    if assignee != actor and not actor.can_dispatch:
        raise PermissionDenied(_("only a dispatcher may assign a ticket to someone else"))
    override_reason = override_reason.strip()
    with kit.atomic():
        ticket = kit.lock(ticket)
        if ticket.status not in OPEN_STATUSES:
            raise IllegalTransition(
                _("status '%(status)s' cannot be assigned: reopen first")
                % {"status": ticket.status}
            )
        skill = ticket.required_skill
        lacks_skill = skill is not None and not assignee.skills.filter(pk=skill.pk).exists()
        if lacks_skill and (not actor.can_dispatch or not override_reason):
            raise InvalidInput(
                "assignee",
                _(
                    "%(name)s lacks the required skill '%(skill)s': "
                    "a dispatcher may override with a reason"
                )
                % {"name": assignee, "skill": skill},
            )
        if ticket.assignee_id == assignee.pk:
            raise IllegalTransition(
                _("the ticket is already assigned to %(name)s") % {"name": assignee}
            )
        now = clock.now()
        old = {
            "assignee": str(ticket.assignee) if ticket.assignee else None,
            "status": ticket.status,
        }
        ticket.assignee = assignee
        if ticket.status == Status.NEW:
            ticket.status = Status.ASSIGNED
        if ticket.assigned_at is None:
            ticket.assigned_at = now
        User.objects.filter(pk=assignee.pk).update(last_assigned_at=now)
        record_event(
            ticket,
            actor,
            Verb.ASSIGNED,
            old=old,
            new={
                "assignee": str(assignee),
                "assignee_id": assignee.pk,
                "status": ticket.status,
                "skill_override": lacks_skill,
            },
            reason=override_reason,
            at=now,
        )
        kit.finish(ticket, now=now)
    return ticket


def ticket_start(*, ticket: Ticket, actor: User) -> Ticket:
    """The assigned consultant commences work (R3: "assigned and started")."""
    kit.require_staff(actor, _("start work on tickets"))
    return _transition(ticket, actor, Verb.STARTED)


def ticket_reply(
    *,
    ticket: Ticket,
    actor: User,
    body: str,
    channel: str,
    attachments: Sequence[Upload] = (),
    body_html: str = "",
    message_id: str = "",
    in_reply_to: str = "",
    author_email: str = "",
) -> Message:
    """A public message on the ticket, by a consultant or the customer (R9).

    A customer's reply brings a ticket waiting on them back to work and reopens a
    resolved one; a consultant's first reply on an assigned ticket starts the work.
    """
    body = kit.text("body", body, required=True, limit=BODY_MAX)
    kit.choice("channel", channel, Channel)
    check_uploads(attachments, organisation=ticket.organisation, ticket=ticket)
    kit.require_visible(ticket, actor)
    with kit.atomic():
        ticket = kit.lock(ticket)
        if ticket.status == Status.CLOSED:
            raise IllegalTransition(_("the ticket is closed: reopen it first"))
        now = clock.now()
        message = _insert(
            Message(
                ticket=ticket,
                author=actor,
                author_email=author_email or actor.email,
                channel=channel,
                body=body,
                body_html=body_html,
                message_id=message_id,
                in_reply_to=in_reply_to,
                created_at=now,
            )
        )
        store_uploads(ticket, message, attachments, actor)
        new: dict[str, object] = {"message_id": message.pk, "channel": channel}
        if not actor.is_support_staff:
            # R2: references are recognised in every customer message, not only the first.
            added = add_refs(ticket, odoo_refs([], [], [body]))
            if added:
                new["odoo_refs"] = added
        record_event(ticket, actor, Verb.REPLIED, new=new, at=now)
        old = ticket.status
        if actor.is_support_staff and old == Status.ASSIGNED and ticket.assignee_id == actor.pk:
            ticket.status = Status.IN_PROGRESS
            ticket.started_at = ticket.started_at or now
            _record_status(ticket, actor, Verb.STARTED, old=old, reason="", at=now)
        elif (
            not actor.is_support_staff
            and old in WAITING_STATUSES
            and old == Status.WAITING_CUSTOMER
        ):
            ticket.status = Status.IN_PROGRESS
            _record_status(
                ticket, actor, Verb.RESUMED, old=old, reason=_("the customer replied"), at=now
            )
        elif not actor.is_support_staff and old == Status.RESOLVED:
            _reopen(ticket, actor, reason=_("the customer replied"), now=now)
        kit.finish(ticket, now=now)
    return message


def ticket_add_note(
    *,
    ticket: Ticket,
    actor: User,
    body: str,
    attachments: Sequence[Upload] = (),
    note: tuple[str, dict[str, Any]] | None = None,
) -> Message:
    """An internal note: staff only, never shown in the portal or its API.

    ``note`` is a note a channel writes by itself: a code of ``tickets.notes`` and its
    parameters, shown in the reader's language before ``body`` (what the mail said).
    """
    kit.require_staff(actor, _("write internal notes"))
    stored_note = None
    if note is not None:
        body, stored_note = compose(note[0], note[1], (body or "").strip())
        body = body[:BODY_MAX]
    body = kit.text("body", body, required=True, limit=BODY_MAX)
    check_uploads(attachments, organisation=ticket.organisation, ticket=ticket)
    with kit.atomic():
        ticket = kit.lock(ticket)
        now = clock.now()
        message = _insert(
            Message(
                ticket=ticket,
                author=actor,
                author_email=actor.email,
                internal=True,
                channel=Channel.CONSOLE,
                body=body,
                note=stored_note,
                created_at=now,
            )
        )
        store_uploads(ticket, message, attachments, actor, internal=True)
        record_event(
            ticket, actor, Verb.NOTED, new={"message_id": message.pk}, public=False, at=now
        )
        kit.finish(ticket, now=now)
    return message


def ticket_wait(*, ticket: Ticket, actor: User, on: str, reason: str = "") -> Ticket:
    """Wait on the customer or a third party; the resolution clock pauses (R5)."""
    kit.require_staff(actor, _("set a ticket waiting"))
    targets = {"customer": Status.WAITING_CUSTOMER, "third_party": Status.WAITING_THIRD_PARTY}
    if on not in targets:
        raise InvalidInput(
            "on", _("%(value)r is not one of 'customer', 'third_party'") % {"value": on}
        )
    to = targets[on]
    allowed = (Status.IN_PROGRESS, *[s for s in WAITING_STATUSES if s != to])
    return _transition(ticket, actor, Verb.WAITING, reason=reason, move=Move(to, allowed))


def ticket_resume(*, ticket: Ticket, actor: User, reason: str = "") -> Ticket:
    """Back to work after waiting; the resolution clock runs again (R5)."""
    kit.require_visible(ticket, actor)
    return _transition(ticket, actor, Verb.RESUMED, reason=reason)


def ticket_resolve(*, ticket: Ticket, actor: User, resolution: str = "") -> Ticket:
    """Mark the issue resolved; the customer confirms (close) or reopens."""
    kit.require_staff(actor, _("resolve tickets"))
    return _transition(ticket, actor, Verb.RESOLVED, reason=resolution)


def ticket_close(*, ticket: Ticket, actor: User, reason: str = "") -> Ticket:
    """Close a resolved ticket: the customer confirms, or staff close it."""
    kit.require_visible(ticket, actor)
    return _transition(ticket, actor, Verb.CLOSED, reason=reason)


def _reopen(ticket: Ticket, actor: User, *, reason: str, now: dt.datetime) -> None:
    old = _move(
        ticket,
        Status.IN_PROGRESS if ticket.assignee_id else Status.NEW,
        allowed=[Status.RESOLVED, Status.CLOSED],
        verb=Verb.REOPENED,
    )
    ticket.resolved_at = None
    ticket.closed_at = None
    _record_status(ticket, actor, Verb.REOPENED, old=old, reason=reason, at=now)


def ticket_reopen(*, ticket: Ticket, actor: User, reason: str = "") -> Ticket:
    """Reopen a resolved or closed ticket; it goes back to its consultant if it had one."""
    kit.require_visible(ticket, actor)
    with kit.atomic():
        ticket = kit.lock(ticket)
        now = clock.now()
        if ticket.status not in (Status.RESOLVED, Status.CLOSED):
            raise IllegalTransition(
                _("status '%(status)s' cannot be reopened: it is open") % {"status": ticket.status}
            )
        _reopen(ticket, actor, reason=reason.strip(), now=now)
        kit.finish(ticket, now=now)
    return ticket


def ticket_add_watchers(
    *, ticket: Ticket, actor: User, watchers: Sequence[User], reason: str = ""
) -> list[User]:
    """Copy contacts of the ticket's organisation on it, so they are kept informed (R9).

    Used by the mail channel for contacts Cc'd on a customer's mail. Returns who was added.
    """
    kit.require_visible(ticket, actor)
    with kit.atomic():
        ticket = kit.lock(ticket)
        present = set(ticket.watchers.values_list("pk", flat=True)) | {ticket.requester_id}
        added = [
            user
            for user in {u.pk: u for u in watchers}.values()
            if user.pk not in present
            and user.is_active
            and user.is_customer
            and user.organisation_id == ticket.organisation_id
        ]
        if not added:
            return []
        now = clock.now()
        ticket.watchers.add(*added)
        record_event(
            ticket,
            actor,
            Verb.WATCHERS_ADDED,
            new={"watchers": [u.email for u in added]},
            reason=reason.strip(),
            at=now,
        )
        kit.finish(ticket, now=now)
    return added


__all__ = [
    "Upload",
    "ticket_add_note",
    "ticket_add_watchers",
    "ticket_assign",
    "ticket_close",
    "ticket_create",
    "ticket_reopen",
    "ticket_reply",
    "ticket_resolve",
    "ticket_resume",
    "ticket_start",
    "ticket_wait",
]
