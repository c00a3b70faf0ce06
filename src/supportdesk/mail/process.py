"""The inbound pipeline: a stored message becomes a ticket, a reply, a lead, or a note.

Every way in (IMAP, LMTP, pipe, webhook) stores the raw message first (``store.store_raw``)
and then calls :func:`process`. Processing runs in one transaction with the row locked:
either everything it does commits together with the row's new state, or nothing does and
the row says why (``failed``, kept for ``supportdesk mail reprocess``). A message that is
processed is never processed again, so a worker killed at any point and run again
creates every ticket once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from supportdesk.accounts.models import ContactMethod, Organisation, User, system_user
from supportdesk.core import clock
from supportdesk.leads.actions import lead_create
from supportdesk.mail import notify
from supportdesk.mail.authres import vouched
from supportdesk.mail.auto import BOUNCE, Automatic, bounce_details, classify
from supportdesk.mail.deadline import ProcessingTimeout, deadline
from supportdesk.mail.models import InboundMail, OutboundMail
from supportdesk.mail.parse import ParsedMail, UnreadableMail, addresses, message_ids, parse
from supportdesk.mail.quotes import split_reply
from supportdesk.mail.senders import Sender, contact_for, resolve
from supportdesk.mail.threading import clean_subject, find_ticket, our_addresses, ticket_for_ids
from supportdesk.tickets import actions
from supportdesk.tickets.access import tickets_for_user
from supportdesk.tickets.actions.lifecycle import BODY_MAX, SUBJECT_MAX
from supportdesk.tickets.models import Channel, Status, Ticket, TicketLink
from supportdesk.tickets.recognise import find_references, find_urls

log = logging.getLogger(__name__)

# The database is away or locked: leave the message for the next attempt, unchanged.
TRANSIENT = (OperationalError, InterfaceError)
State = InboundMail.State


@dataclass
class BatchResult:
    processed: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)


def process(inbound_id: int, *, retry_failed: bool = False) -> InboundMail:
    """Process one stored message once; a failure is recorded on the row, not raised."""
    with transaction.atomic():
        inbound = InboundMail.objects.select_for_update().get(pk=inbound_id)
        if inbound.state != State.RECEIVED and not (retry_failed and inbound.state == State.FAILED):
            return inbound
        inbound.attempts += 1
        inbound.error = ""
        try:
            with transaction.atomic(), deadline(settings.MAIL_PROCESS_SECONDS):
                _process(inbound)
        except TRANSIENT:
            raise
        except Exception as exc:  # any other failure: keep the message and say why
            log.exception("mail #%s (%s) failed", inbound.pk, inbound.message_id)
            inbound.state = State.FAILED
            inbound.outcome = ""
            inbound.error = f"{exc.__class__.__name__}: {exc}"[:4000]
            if isinstance(exc, ProcessingTimeout):  # kept as failed: no sweep retries it
                limit = settings.MAIL_PROCESS_SECONDS
                inbound.error = f"Stopped: {exc or f'processing took longer than {limit} s'}"
            inbound.ticket = inbound.ticket_message = inbound.lead = None
        inbound.processed_at = timezone.now()
        inbound.save()
    return inbound


def batch_order(inbound_ids: Iterable[int]) -> list[int]:
    """Parents before replies: by Date, then any message referred to by another first."""
    rows = list(
        InboundMail.objects.filter(pk__in=list(inbound_ids)).only(
            "pk", "message_id", "sent_at", "received_at", "raw"
        )
    )
    rows.sort(key=lambda r: (r.sent_at or r.received_at, r.pk))
    by_message_id = {r.message_id: r.pk for r in rows if r.message_id}
    parents: dict[int, list[int]] = {}
    for row in rows:
        head = bytes(row.raw[:65536]).split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
        text = head.decode("latin-1").replace("\r\n ", " ").replace("\n ", " ")
        wanted = [
            value
            for line in text.splitlines()
            if line.lower().startswith(("in-reply-to:", "references:"))
            for value in message_ids(line)
        ]
        parents[row.pk] = [
            by_message_id[v] for v in wanted if by_message_id.get(v, row.pk) != row.pk
        ]
    ordered: list[int] = []
    placed: set[int] = set()

    def place(pk: int, path: frozenset[int]) -> None:
        if pk in placed or pk in path:
            return
        for parent in parents.get(pk, []):
            place(parent, path | {pk})
        placed.add(pk)
        ordered.append(pk)

    for row in rows:
        place(row.pk, frozenset())
    return ordered


def process_batch(inbound_ids: Iterable[int], *, retry_failed: bool = False) -> BatchResult:
    """Process messages in thread order; one failure does not stop the others."""
    result = BatchResult()
    for pk in batch_order(inbound_ids):
        inbound = process(pk, retry_failed=retry_failed)
        if inbound.state == State.FAILED:
            result.failed.append((pk, inbound.error))
        else:
            result.processed.append(pk)
    return result


def process_pending(*, older_than: dt.timedelta = dt.timedelta(0), limit: int = 500) -> BatchResult:
    """Process everything stored and not yet processed (after a crash or a missed task)."""
    cutoff = timezone.now() - older_than
    pending = InboundMail.objects.filter(state=State.RECEIVED, received_at__lte=cutoff)
    return process_batch(list(pending.order_by("pk").values_list("pk", flat=True)[:limit]))


# --- the steps ---------------------------------------------------------------------------


def _process(inbound: InboundMail) -> None:
    mail = parse(bytes(inbound.raw), max_attachments=settings.MAIL_MAX_ATTACHMENTS)
    if mail.notes:
        inbound.notes = "\n".join(filter(None, [inbound.notes, *mail.notes]))
    recovered = not mail.from_address
    if recovered:  # From: "Name" <>: an address from Reply-To or the envelope, unverified
        fallback = [a for _, a in addresses(mail.message, "Reply-To")]
        if "@" in inbound.envelope_from:
            fallback.append(inbound.envelope_from.strip("<>").lower())
        if not fallback:
            raise UnreadableMail(f"no sender address in From (only the name {mail.from_name!r})")
        mail.from_address = fallback[0]
    inbound.message_id = inbound.message_id or mail.message_id
    inbound.subject = mail.subject[:250]
    inbound.from_address = mail.from_address[:254]
    inbound.sent_at = inbound.sent_at or mail.sent_at
    ours = our_addresses()
    if _is_our_own(mail, ours):
        inbound.state, inbound.outcome = State.DROPPED, "own_mail"
        return
    automatic = classify(mail)
    if inbound.truncated:
        _too_large(inbound, mail, automatic)
        return
    if automatic.kind == BOUNCE:
        _bounce(inbound, mail)
        return
    sender = resolve(mail.from_address, mail.from_name, inbound.mailbox)
    sender.verified = sender.verified and not recovered
    organisation_id = sender.organisation.pk if sender.organisation else None
    ticket, _how = find_ticket(mail, inbound.envelope_to, organisation_id, ours)
    if ticket is not None and not _may_write_to(ticket, sender):
        log.info("mail #%s names %s but %s is not of it", inbound.pk, ticket, mail.from_address)
        ticket = None
    if sender.is_staff and (
        recovered
        or not vouched(mail.message, mail.from_address, settings.MAIL_TRUSTED_AUTHSERV_IDS)
    ):
        _unverified_staff(inbound, mail, sender, ticket)
        return
    if automatic.kind:
        _automatic(inbound, mail, automatic, ticket)
        return
    if sender.user is not None and sender.user.email_failing_since is not None:
        # Mail from the address arrives again: it works.
        User.objects.filter(pk=sender.user.pk).update(email_failing_since=None)
    if ticket is not None:
        _reply(inbound, mail, sender, ticket)
    else:
        _new(inbound, mail, sender)


def _unverified_staff(
    inbound: InboundMail, mail: ParsedMail, sender: Sender, ticket: Ticket | None
) -> None:
    """A staff address in From that no trusted server vouches for: a note, never a reply."""
    assert sender.user is not None
    inbound.outcome = "unverified_staff"
    params = {"address": mail.from_address}
    if ticket is None:
        inbound.state = State.IGNORED
        # For the admin (diagnostics stay English, README "In Swedish").
        inbound.error = (
            f"Claims to be from {mail.from_address}, not verified. "
            "It names no ticket: nothing to do."
        )
        return
    body = _text(f"{mail.subject}\n\n{mail.text}", BODY_MAX)
    inbound.ticket_message = actions.ticket_add_note(
        ticket=ticket, actor=system_user(), body=body, note=("unverified_staff", params)
    )
    inbound.ticket, inbound.state = ticket, State.PROCESSED


def _is_our_own(mail: ParsedMail, ours: set[str]) -> bool:
    if mail.message_id and OutboundMail.objects.filter(message_id=mail.message_id).exists():
        return True
    loop = mail.header("X-Loop").lower()
    if loop and any(address in loop for address in ours):
        return True
    local, _, domain = mail.from_address.partition("@")
    return f"{local.partition('+')[0]}@{domain}" in ours


def _may_write_to(ticket: Ticket, sender: Sender) -> bool:
    """Only staff and the ticket's own organisation add to a ticket, whatever the mail says."""
    if sender.is_staff:
        return True
    return sender.organisation is not None and sender.organisation.pk == ticket.organisation_id


def _uploads(mail: ParsedMail) -> tuple[list[Any], list[tuple[str, int]]]:
    uploads: list[Any] = []
    refused: list[tuple[str, int]] = []
    for part in mail.attachments:
        if len(part.data) > settings.ATTACHMENT_MAX_BYTES:
            refused.append((part.filename, len(part.data)))
        else:
            uploads.append(SimpleUploadedFile(part.filename, part.data, part.content_type))
    return uploads, refused


def _copied_contacts(mail: ParsedMail, organisation: Organisation, sender: str) -> list[User]:
    """Known contacts of the organisation on To or Cc: they are kept informed."""
    addresses = {a for a in [*mail.to, *mail.cc] if a != sender}
    if not addresses:
        return []
    return list(
        User.objects.filter(
            email__in=addresses, organisation=organisation, is_active=True, role="customer"
        )
    )


def _text(value: str, limit: int) -> str:
    value = value.strip()
    return value if len(value) <= limit else value[: limit - 20].rstrip() + "\n[…]"


def _add_refs(ticket: Ticket, text: str) -> None:
    """R2: Odoo URLs and document numbers in a reply are stored on the ticket too."""
    urls = [u.text for u in find_urls(text)]
    references = [r.text for r in find_references(text)]
    if urls or references:
        actions.ticket_update(
            ticket=ticket,
            actor=system_user(),
            add_urls=urls,
            add_references=references,
            reason="found in a mail",
        )


def _refuse_files(mail: ParsedMail, ticket: Ticket, files: Sequence[tuple[str, int]]) -> None:
    if files:
        notify.refused(
            to=mail.from_address,
            language=ticket.requester.language if ticket.requester else mail.language,
            subject=mail.subject,
            in_reply_to=mail.message_id,
            too_large=None,
            files=files,
            ticket=ticket,
        )


def _reply(inbound: InboundMail, mail: ParsedMail, sender: Sender, ticket: Ticket) -> None:
    actor = sender.user if sender.is_staff else contact_for(sender, mail.language)
    assert actor is not None
    visible, _folded = split_reply(mail.text)
    body = _text(visible, BODY_MAX) or mail.subject or "(empty message)"
    uploads, refused = _uploads(mail)
    outcome = "replied"
    if ticket.status == Status.CLOSED:
        if actor.is_support_staff:
            inbound.ticket_message = actions.ticket_add_note(ticket=ticket, actor=actor, body=body)
            inbound.ticket, inbound.state, inbound.outcome = ticket, State.PROCESSED, "noted"
            return
        closed_at = ticket.closed_at or ticket.updated_at
        if clock.now() - closed_at > dt.timedelta(days=settings.MAIL_REOPEN_DAYS):
            _new(inbound, mail, sender, follow_up_of=ticket)
            return
        outcome = "reopened"
    if not actor.is_support_staff and not tickets_for_user(actor).filter(pk=ticket.pk).exists():
        # A colleague who writes to the ticket's thread is part of it from now on.
        actions.ticket_add_watchers(
            ticket=ticket, actor=system_user(), watchers=[actor], reason="wrote by mail"
        )
    if outcome == "reopened":
        actions.ticket_reopen(ticket=ticket, actor=actor, reason="the customer replied by mail")
    message = actions.ticket_reply(
        ticket=ticket,
        actor=actor,
        body=body,
        channel=Channel.EMAIL,
        attachments=uploads,
        body_html=mail.html,
        message_id=mail.message_id,
        in_reply_to=mail.in_reply_to[0] if mail.in_reply_to else "",
        author_email=mail.from_address,
    )
    copied = _copied_contacts(mail, ticket.organisation, mail.from_address)
    if copied:
        actions.ticket_add_watchers(
            ticket=ticket, actor=system_user(), watchers=copied, reason="copied on a mail"
        )
    _add_refs(ticket, visible)
    _refuse_files(mail, ticket, refused)
    inbound.ticket, inbound.ticket_message = ticket, message
    inbound.state, inbound.outcome = State.PROCESSED, outcome


def _new(
    inbound: InboundMail, mail: ParsedMail, sender: Sender, *, follow_up_of: Ticket | None = None
) -> None:
    subject = _text(clean_subject(mail.subject), SUBJECT_MAX) or "(no subject)"
    description = _text(mail.text, BODY_MAX)
    if sender.is_staff:
        organisation = inbound.mailbox.default_organisation if inbound.mailbox else None
        if organisation is None:
            inbound.state, inbound.outcome = State.IGNORED, "staff_unthreaded"
            inbound.error = "mail from staff that names no ticket: nothing to do"
            return
        requester = None
        actor = sender.user
    elif sender.organisation is None:
        # R10: someone who is not a customer asks; sales answers. Never a ticket.
        inbound.lead = lead_create(
            source="email",
            message=description or subject,
            name=mail.from_name,
            email=mail.from_address,
            subject=subject,
        )
        inbound.state, inbound.outcome = State.PROCESSED, "lead"
        return
    else:
        requester = actor = contact_for(sender, mail.language)
        organisation = requester.organisation
    assert actor is not None and organisation is not None
    uploads, refused = _uploads(mail)
    method = None
    if requester and requester.preferred_contact == ContactMethod.PHONE and not requester.phone:
        method = ContactMethod.EMAIL
    ticket = actions.ticket_create(
        actor=actor,
        organisation=organisation,
        requester=requester,
        channel=Channel.EMAIL,
        subject=subject,
        description=description,
        contact_method=method,
        attachments=uploads,
        watchers=_copied_contacts(mail, organisation, mail.from_address),
        sender_verified=sender.verified or sender.is_staff,
        message_id=mail.message_id,
        body_html=mail.html,
    )
    if follow_up_of is not None:
        actions.ticket_link(
            source=ticket,
            target=follow_up_of,
            actor=system_user(),
            kind=TicketLink.Kind.FOLLOW_UP,
        )
    _refuse_files(mail, ticket, refused)
    inbound.ticket = ticket
    inbound.ticket_message = (
        ticket.messages.filter(message_id=mail.message_id).first() if mail.message_id else None
    )
    inbound.state = State.PROCESSED
    inbound.outcome = "follow_up" if follow_up_of is not None else "ticket_created"


def _automatic(
    inbound: InboundMail, mail: ParsedMail, automatic: Automatic, ticket: Ticket | None
) -> None:
    """Stored on its ticket for the consultant to see; never answered."""
    if ticket is None:
        inbound.state, inbound.outcome = State.IGNORED, automatic.kind
        return
    params = {"address": mail.from_address, "reason": automatic.reason, "subject": mail.subject}
    inbound.ticket_message = actions.ticket_add_note(
        ticket=ticket,
        actor=system_user(),
        body=_text(mail.text, BODY_MAX),
        note=("automatic", params),
    )
    inbound.ticket, inbound.state, inbound.outcome = ticket, State.PROCESSED, automatic.kind


def _bounce(inbound: InboundMail, mail: ParsedMail) -> None:
    """A delivery failure: note it on the ticket, mark the address failing, answer nothing."""
    details = bounce_details(mail)
    ticket = ticket_for_ids(details.original_ids)
    recipients = details.recipients
    if not recipients and not details.reported and details.original_ids:
        for to in OutboundMail.objects.filter(message_id__in=details.original_ids).values_list(
            "to", flat=True
        ):
            recipients.extend(a.lower() for a in to)
    now = clock.now()
    for address in recipients:
        User.objects.filter(email__iexact=address, email_failing_since__isnull=True).update(
            email_failing_since=now
        )
    inbound.outcome = "bounce"
    if ticket is None:
        inbound.state = State.IGNORED
        return
    rest = ""
    if recipients and details.diagnostic:
        note = (
            "bounce_reason",
            {"recipients": ", ".join(recipients), "diagnostic": details.diagnostic},
        )
    elif recipients:
        note = ("bounce", {"recipients": ", ".join(recipients)})
    else:  # a delay warning, or a report naming no failed recipient
        note, rest = ("delivery_report", {"subject": mail.subject}), mail.text
    inbound.ticket_message = actions.ticket_add_note(
        ticket=ticket, actor=system_user(), body=_text(rest, BODY_MAX), note=note
    )
    inbound.ticket, inbound.state = ticket, State.PROCESSED


def _too_large(inbound: InboundMail, mail: ParsedMail, automatic: Automatic) -> None:
    """Only the header was kept; a person who wrote it is told politely, once."""
    inbound.state, inbound.outcome = State.IGNORED, "too_large"
    if automatic.kind:
        return
    sender = resolve(mail.from_address, mail.from_name, inbound.mailbox)
    ticket, _how = find_ticket(mail, inbound.envelope_to)
    if ticket is not None and not _may_write_to(ticket, sender):
        ticket = None
    if sender.organisation is None and not sender.is_staff:
        return
    notify.refused(
        to=mail.from_address,
        language=sender.user.language if sender.user else mail.language,
        subject=mail.subject,
        in_reply_to=mail.message_id,
        too_large=inbound.size,
        ticket=ticket,
    )
    if ticket is not None:
        params = {
            "size": f"{inbound.size / 1048576:.1f}",
            "address": mail.from_address,
            "limit": settings.MAIL_MAX_BYTES // 1048576,
        }
        actions.ticket_add_note(
            ticket=ticket, actor=system_user(), body="", note=("too_large", params)
        )
        inbound.ticket = ticket
