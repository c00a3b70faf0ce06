"""Mail to customers about their tickets: acknowledgements, replies, status changes.

The mail subscriber (``mail.subscribers``) queues :func:`for_event` for each ticket event
after its commit; the worker then writes the outbox rows here, and the outbox sends them
(DESIGN rule 5), never inside the request. Every mail is in the contact's language, carries the ticket
token ``[SD-n]`` and the ticket's reply address, and chains In-Reply-To/References so
that the customer's mail client threads it. A contact who prefers the telephone also
gets a call task on the consultant's console (R2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from supportdesk.accounts.models import SYSTEM_EMAIL, ContactMethod, User
from supportdesk.core import clock, mail_context
from supportdesk.mail.models import CallTask, OutboundMail, call_reason
from supportdesk.mail.outbox import queue_mail
from supportdesk.mail.threading import reply_address
from supportdesk.tickets.events import Verb
from supportdesk.tickets.models import Channel, Event, Message, Status, Ticket

ACK = "ack"
REPLY = "reply"
STATUS = "status"
REMINDER = "reminder"
REFUSED = "refused"


def _contacts(ticket: Ticket, *, exclude: User | None = None) -> list[User]:
    """The requester and the contacts copied on the ticket, once each."""
    people: dict[int, User] = {}
    if ticket.requester is not None:
        people[ticket.requester.pk] = ticket.requester
    for watcher in ticket.watchers.all():
        people.setdefault(watcher.pk, watcher)
    return [
        user
        for user in people.values()
        if user.is_active
        and user.email
        and user.email != SYSTEM_EMAIL
        and not user.is_support_staff
        and (exclude is None or user.pk != exclude.pk)
    ]


def _thread_headers(ticket: Ticket, recipient: str) -> dict[str, str]:
    """In-Reply-To the latest message of the thread this recipient has seen."""
    received = Message.objects.filter(ticket=ticket, internal=False).exclude(message_id="")
    sent = OutboundMail.objects.filter(ticket=ticket, recipient=recipient.lower())
    ids = [
        message_id
        for _, message_id in sorted(
            [
                *received.values_list("created_at", "message_id"),
                *sent.values_list("created_at", "message_id"),
            ]
        )
    ]
    if not ids:
        return {}
    references = list(dict.fromkeys([ids[0], *ids[-9:]]))
    return {"In-Reply-To": ids[-1], "References": " ".join(references)}


def prefers_phone(ticket: Ticket, contact: User) -> bool:
    if contact.pk == ticket.requester_id and ticket.contact_method == ContactMethod.PHONE:
        return True
    return contact.preferred_contact == ContactMethod.PHONE


def _call_task(ticket: Ticket, contact: User, code: str, values: dict[str, str]) -> None:
    """One open call task per ticket and contact; later news is added to its reasons.

    The reason is kept as a code and its values, so each consultant reads it in their own
    language (``CallTask.shown_reason``); ``reason`` keeps the text as written then.
    """
    entry = [code, values]
    with translation.override("en"):  # the stored text, like a note's (admin, search)
        text = call_reason(code, values)
    task = CallTask.objects.filter(ticket=ticket, contact=contact, done_at__isnull=True).first()
    if task is None:
        CallTask.objects.create(
            ticket=ticket, contact=contact, reason=text, reasons=[entry], created_at=clock.now()
        )
    elif entry not in task.reasons and text not in task.reason:
        task.reason = f"{task.reason}\n{text}"
        task.reasons = [*task.reasons, entry]
        task.save(update_fields=["reason", "reasons"])


def _send(
    ticket: Ticket,
    contact: User,
    *,
    template: str,
    purpose: str,
    subject: str,
    context: dict[str, Any],
    automatic: bool = True,
    coalesce: bool = False,
) -> OutboundMail:
    language = contact.language if contact.language in {"en", "sv"} else settings.LANGUAGE_CODE
    with translation.override(language):
        ctx = {
            "ticket": ticket,
            "contact": contact,
            "reply_address": reply_address(ticket),
            "ticket_url": f"{settings.SITE_URL.rstrip('/')}/tickets/{ticket.number}/",
            "site_name": settings.SITE_NAME,
            "support_phone": settings.SUPPORT_PHONE,
            **context,
        }
        text = render_to_string(f"mail/{template}.txt", ctx).strip() + "\n"
        html = render_to_string(f"mail/{template}.html", ctx)
        subject = subject.format(number=ticket.number, subject=ticket.subject, **context)
    headers = {
        "Reply-To": reply_address(ticket),
        "X-Supportdesk-Ticket": ticket.number,
        **_thread_headers(ticket, contact.email),
    }
    return queue_mail(
        to=[contact.email],
        subject=subject,
        text=text,
        html=html,
        purpose=purpose,
        ticket=ticket,
        headers=headers,
        automatic=automatic,
        # News of one ticket within MAIL_COALESCE_SECONDS goes out as one mail.
        coalesce_with=(STATUS, REPLY) if coalesce else (),
    )


def acknowledgement_allowed(address: str, *, now: dt.datetime | None = None) -> bool:
    """At most MAIL_ACKS_PER_HOUR automatic answers per address: a loop cannot run on."""
    since = (now or clock.now()) - dt.timedelta(hours=1)
    sent = OutboundMail.objects.filter(
        recipient=address.lower(), purpose__in=[ACK, REFUSED], created_at__gte=since
    ).count()
    return sent < settings.MAIL_ACKS_PER_HOUR


def ticket_created(ticket: Ticket, *, actor: User) -> OutboundMail | None:
    """Acknowledge a new ticket to its requester (R1): number, commitment, reply address."""
    if not settings.MAIL_NOTIFICATIONS:
        return None
    requester = ticket.requester
    if requester is None or requester not in _contacts(ticket):
        return None
    # The hourly limit stops mail loops; a ticket made in the portal, by telephone, in the
    # console or through the API is a person's act, and is always acknowledged.
    if ticket.channel == Channel.EMAIL and not acknowledgement_allowed(requester.email):
        return None
    with translation.override(requester.language or settings.LANGUAGE_CODE):
        subject = "[{number}] " + gettext("Received: {subject}")
    return _send(
        ticket,
        requester,
        template="ack",
        purpose=ACK,
        subject=subject,
        context={
            "working_days": settings.ASSIGNMENT_WORKING_DAYS,
            "channel": ticket.channel,
            "registered_by": actor if actor.is_support_staff else None,
        },
    )


def ticket_replied(ticket: Ticket, *, message: Message, actor: User) -> list[OutboundMail]:
    """A consultant's public reply goes to the requester and every contact copied (R9)."""
    if not settings.MAIL_NOTIFICATIONS or message.internal or not actor.is_support_staff:
        return []
    sent = []
    attachments = list(message.attachments.all())
    for contact in _contacts(ticket, exclude=actor):
        sent.append(
            _send(
                ticket,
                contact,
                template="reply",
                purpose=REPLY,
                coalesce=True,
                subject="Re: [{number}] {subject}",
                context={"message": message, "author": actor, "attachments": attachments},
                automatic=False,
            )
        )
        if prefers_phone(ticket, contact):
            _call_task(ticket, contact, "replied", {"text": message.body[:200]})
    return sent


# The status changes a customer is told of, when staff make them.
_TOLD = {
    Status.ASSIGNED,
    Status.WAITING_CUSTOMER,
    Status.WAITING_THIRD_PARTY,
    Status.RESOLVED,
    Status.CLOSED,
}


def status_changed(
    ticket: Ticket, *, actor: User, old: str | None, new: str | None = None, reason: str = ""
) -> list[OutboundMail]:
    """Tell the contacts of a change of status made by the desk (assigned, waiting on
    them, resolved, closed, reopened); the customer's own changes are not echoed."""
    status = new or ticket.status
    if not settings.MAIL_NOTIFICATIONS or not actor.is_support_staff or old == status:
        return []
    reopened = old in (Status.RESOLVED, Status.CLOSED) and status in (
        Status.NEW,
        Status.IN_PROGRESS,
    )
    if status not in _TOLD and not reopened:
        return []
    if status == Status.ASSIGNED and old != Status.NEW:
        return []
    sent = []
    for contact in _contacts(ticket, exclude=actor):
        with translation.override(contact.language or settings.LANGUAGE_CODE):
            label = gettext("Reopened") if reopened else str(Status(status).label)
            subject = "[{number}] {subject} – " + label
        sent.append(
            _send(
                ticket,
                contact,
                template="status",
                purpose=STATUS,
                coalesce=True,
                subject=subject,
                context={
                    "status": "reopened" if reopened else status,
                    "reason": reason.strip(),
                    "assignee": ticket.assignee,
                    "reopen_days": settings.MAIL_REOPEN_DAYS,
                    # What feature apps add (the help center's "How did we do?" links).
                    **mail_context.context_for(
                        "status", ticket=ticket, contact=contact, status=status
                    ),
                },
            )
        )
        if prefers_phone(ticket, contact) and status != Status.CLOSED:
            _call_task(
                ticket,
                contact,
                "reopened" if reopened else "status",
                {} if reopened else {"status": str(status)},
            )
    return sent


def for_event(event: Event) -> list[OutboundMail]:
    """The mail a ticket event means for the ticket's contacts, if any."""
    ticket, actor = event.ticket, event.actor
    if actor is None:
        return []
    if event.verb == Verb.CREATED:
        ack = ticket_created(ticket, actor=actor)
        return [ack] if ack else []
    if event.verb == Verb.REPLIED:
        if not actor.is_support_staff:  # a customer's own reply is not mailed back
            return []
        message = Message.objects.filter(pk=event.new.get("message_id")).first()
        return ticket_replied(ticket, message=message, actor=actor) if message else []
    return status_changed(
        ticket,
        actor=actor,
        old=event.old.get("status"),
        new=event.new.get("status"),
        reason=event.reason,
    )


def remind(ticket: Ticket, *, waiting_since: dt.datetime, reason: str) -> list[OutboundMail]:
    """Recall a ticket waiting on the customer to them (R5: the clock is paused)."""
    sent = []
    for contact in _contacts(ticket):
        sent.append(
            _send(
                ticket,
                contact,
                template="reminder",
                purpose=REMINDER,
                subject="[{number}] {subject}",
                context={"waiting_since": waiting_since, "reason": reason},
            )
        )
        if prefers_phone(ticket, contact):
            _call_task(ticket, contact, "waiting", {"since": waiting_since.date().isoformat()})
    return sent


def refused(
    *,
    to: str,
    language: str,
    subject: str,
    in_reply_to: str,
    too_large: int | None,
    files: Iterable[tuple[str, int]] = (),
    ticket: Ticket | None = None,
) -> OutboundMail | None:
    """The polite answer to a message, or attachments, over the size limits."""
    if not acknowledgement_allowed(to):
        return None
    files = list(files)
    with translation.override(language if language in {"en", "sv"} else settings.LANGUAGE_CODE):
        context = {
            "too_large": too_large,
            "files": files,
            "mail_limit": settings.MAIL_MAX_BYTES,
            "file_limit": settings.ATTACHMENT_MAX_BYTES,
            "subject": subject,
            "ticket": ticket,
            "reply_address": reply_address(ticket) if ticket else settings.SUPPORT_EMAIL,
            "site_name": settings.SITE_NAME,
            "support_phone": settings.SUPPORT_PHONE,
        }
        text = render_to_string("mail/refused.txt", context).strip() + "\n"
        html = render_to_string("mail/refused.html", context)
        prefix = f"[{ticket.number}] " if ticket else ""
        mail_subject = prefix + gettext("Too large: %s") % (subject or gettext("your message"))
    headers = {"In-Reply-To": in_reply_to, "References": in_reply_to} if in_reply_to else {}
    if ticket is not None:
        headers["Reply-To"] = reply_address(ticket)
    return queue_mail(
        to=[to],
        subject=mail_subject,
        text=text,
        html=html,
        purpose=REFUSED,
        ticket=ticket,
        headers=headers,
    )
