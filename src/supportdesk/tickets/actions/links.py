"""Relations between tickets: link, merge a duplicate, split off a new issue.

Same shape as every ticket action (DESIGN rules 1 and 2): keyword arguments, an
explicit actor, one transaction, rows locked, an ``Event`` on every ticket changed.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from supportdesk.accounts.models import User
from supportdesk.core import clock
from supportdesk.core.errors import IllegalTransition, InvalidInput
from supportdesk.tickets import kit
from supportdesk.tickets.actions.lifecycle import ticket_create
from supportdesk.tickets.actions.update import SUBJECT_MAX
from supportdesk.tickets.events import Verb, record_event
from supportdesk.tickets.models import OPEN_STATUSES, Message, Status, Ticket, TicketLink


def _lock_pair(first: Ticket, second: Ticket) -> tuple[Ticket, Ticket]:
    # Always in id order, so two merges of the same pair cannot deadlock.
    rows = Ticket.objects.select_for_update().in_bulk([first.pk, second.pk])
    return rows[first.pk], rows[second.pk]


def _link(source: Ticket, target: Ticket, kind: str, actor: User, now: dt.datetime) -> TicketLink:
    return TicketLink.objects.create(
        source=source, target=target, kind=kind, created_by=actor, created_at=now
    )


def ticket_link(
    *, source: Ticket, target: Ticket, actor: User, kind: str = TicketLink.Kind.RELATED
) -> TicketLink:
    """Record that two tickets are related (or one follows up the other).

    Links are for the desk: the events are internal, since a related ticket may be
    another organisation's.
    """
    kit.require_staff(actor, _("link tickets"))
    if kind not in (TicketLink.Kind.RELATED, TicketLink.Kind.FOLLOW_UP):
        raise InvalidInput(
            "kind", _("%(value)r is not one of 'related', 'follow_up'") % {"value": kind}
        )
    if source.pk == target.pk:
        raise InvalidInput("target", _("a ticket cannot be linked to itself"))
    with kit.atomic():
        source, target = _lock_pair(source, target)
        if TicketLink.objects.filter(source=source, target=target, kind=kind).exists():
            raise IllegalTransition(
                _("%(number)s is already linked to %(other)s")
                % {"number": source.number, "other": target.number}
            )
        now = clock.now()
        link = _link(source, target, kind, actor, now)
        record_event(
            source, actor, Verb.LINKED, new={"to": target.number, "kind": kind}, public=False
        )
        record_event(
            target, actor, Verb.LINKED, new={"from": source.number, "kind": kind}, public=False
        )
        kit.finish(source, now=now)
        kit.finish(target, now=now)
    return link


def ticket_merge(*, duplicate: Ticket, target: Ticket, actor: User, reason: str = "") -> Ticket:
    """Merge a duplicate into the ticket that carries on (R9: nothing is hidden).

    Both timelines are kept; the duplicate is closed with a link to the target, its
    messages are shown with the target's, and its requester and watchers follow the
    target. Only tickets of the same organisation are merged.
    """
    kit.require_staff(actor, _("merge tickets"))
    if duplicate.pk == target.pk:
        raise InvalidInput("target", _("a ticket cannot be merged into itself"))
    with kit.atomic():
        duplicate, target = _lock_pair(duplicate, target)
        if duplicate.organisation_id != target.organisation_id:
            raise InvalidInput(
                "target",
                _("%(number)s belongs to another organisation: not a duplicate")
                % {"number": target.number},
            )
        if duplicate.status not in OPEN_STATUSES:
            raise IllegalTransition(
                _("%(number)s is %(status)s: reopen it first")
                % {"number": duplicate.number, "status": duplicate.get_status_display().lower()}
            )
        if target.status not in OPEN_STATUSES:
            raise IllegalTransition(
                _("%(number)s is %(status)s: merge into an open ticket")
                % {"number": target.number, "status": target.get_status_display().lower()}
            )
        if TicketLink.objects.filter(
            source=target, target=duplicate, kind=TicketLink.Kind.MERGED_INTO
        ).exists():
            raise IllegalTransition(
                _("%(number)s was merged into %(other)s")
                % {"number": target.number, "other": duplicate.number}
            )
        now = clock.now()
        reason = reason.strip()
        _link(duplicate, target, TicketLink.Kind.MERGED_INTO, actor, now)
        followers = [*duplicate.watchers.all()]
        if duplicate.requester_id and duplicate.requester_id != target.requester_id:
            followers.append(duplicate.requester)  # type: ignore[arg-type]
        if followers:
            target.watchers.add(*followers)
        old_status = duplicate.status
        duplicate.status = Status.CLOSED
        duplicate.resolved_at = duplicate.resolved_at or now
        duplicate.closed_at = now
        record_event(
            duplicate,
            actor,
            Verb.MERGED_INTO,
            old={"status": old_status},
            new={"status": Status.CLOSED, "into": target.number},
            reason=reason,
            at=now,
        )
        record_event(
            target,
            actor,
            Verb.MERGED,
            new={"duplicate": duplicate.number, "subject": duplicate.subject},
            reason=reason,
            at=now,
        )
        kit.finish(duplicate, now=now)
        kit.finish(target, now=now)
    return target


def ticket_split(
    *,
    ticket: Ticket,
    actor: User,
    subject: str,
    message: Message | None = None,
    description: str = "",
) -> Ticket:
    """Split a second issue out of a ticket into a ticket of its own (R1, R3).

    The new ticket has the same organisation, requester, channel and kind; it is
    registered when the customer raised it — the message's time, when one is named —
    so its commitments run from then.
    """
    kit.require_staff(actor, _("split tickets"))
    subject = kit.text("subject", subject, required=True, limit=SUBJECT_MAX)
    if message is not None and message.ticket_id != ticket.pk:
        raise InvalidInput(
            "message", _("is not a message of %(number)s") % {"number": ticket.number}
        )
    if ticket.status == Status.CLOSED:
        raise IllegalTransition(
            _("%(number)s is closed: reopen it first") % {"number": ticket.number}
        )
    body = (description or "").strip() or (message.body if message else "")
    with kit.atomic():
        new = ticket_create(
            actor=actor,
            organisation=ticket.organisation,
            requester=ticket.requester,
            channel=ticket.channel,
            subject=subject,
            description=body,
            kind=ticket.kind,
            contact_method=ticket.contact_method,
            contact_phone=ticket.contact_phone,
            required_skill=ticket.required_skill,
            watchers=list(ticket.watchers.all()),
            registered_at=message.created_at if message else None,
        )
        original = Ticket.objects.select_for_update().get(pk=ticket.pk)
        now = clock.now()
        _link(new, original, TicketLink.Kind.SPLIT_FROM, actor, now)
        record_event(new, actor, Verb.SPLIT_FROM, new={"from": original.number}, at=now)
        record_event(
            original, actor, Verb.SPLIT, new={"into": new.number, "subject": subject}, at=now
        )
        kit.finish(original, now=now)
        new = Ticket.objects.select_for_update().get(pk=new.pk)
        kit.finish(new, now=now)
    return new


__all__ = ["ticket_link", "ticket_merge", "ticket_split"]
