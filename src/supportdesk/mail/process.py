"""The inbound pipeline: a stored message becomes a ticket, a reply, a lead, or a note.

Every way in (IMAP, LMTP, pipe, webhook) stores the raw message first (``store.store_raw``)
and then calls :func:`process`. Processing runs in one transaction with the row locked:
either everything it does commits together with the row's new state, or nothing does and
the row says why (``failed``, kept for ``supportdesk mail reprocess``). A message that is
processed is never processed again, so a worker killed at any point and run again
creates every ticket once.

A batch (:func:`process_batch`: the spool, ``mail poll``, ``mail listen``, the pending
sweep) commits ``BATCH_COMMIT`` messages at a time in one transaction. When one of them
fails, that transaction is rolled back and its messages are done again, each in a
savepoint of its own, the failing one kept as failed with the reason of its first
attempt (not run again, so its time limit holds): the others commit. The events of the
whole batch reach the subscribers that take many (``core.dispatch.gathered``) once,
after the commits: one task for the batch.
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
from django.db.models import Exists, OuterRef
from django.utils import timezone

from supportdesk.accounts.models import ContactMethod, Organisation, User
from supportdesk.core import clock, dispatch
from supportdesk.core.prepared import Prepared
from supportdesk.core.rows import update_rows
from supportdesk.leads.actions import lead_create
from supportdesk.mail import notify
from supportdesk.mail.authres import vouched
from supportdesk.mail.auto import BOUNCE, Automatic, bounce_details, classify
from supportdesk.mail.deadline import ProcessingTimeout, deadline
from supportdesk.mail.lookups import Lookups
from supportdesk.mail.models import InboundMail, OutboundMail
from supportdesk.mail.parse import ParsedMail, UnreadableMail, addresses, message_ids, parse
from supportdesk.mail.quotes import split_reply
from supportdesk.mail.senders import Sender, contact_for, resolve
from supportdesk.mail.threading import (
    choose,
    clean_subject,
    find_ticket,
    look_up,
    ticket_for_ids,
)
from supportdesk.tickets import actions, kit
from supportdesk.tickets.access import may_see
from supportdesk.tickets.actions.lifecycle import BODY_MAX, SUBJECT_MAX
from supportdesk.tickets.models import Channel, Status, Ticket, TicketLink
from supportdesk.tickets.recognise import find_references, find_urls

log = logging.getLogger(__name__)

# The database is away or locked: leave the message for the next attempt, unchanged.
TRANSIENT = (OperationalError, InterfaceError)
State = InboundMail.State
# Messages of a batch committed together (one savepoint each): a commit per message costs
# more than the rest of a reply's statements, and a longer transaction holds the
# tickets it touched locked for longer.
BATCH_COMMIT = 50


@dataclass
class _Attempt:
    """One message being processed: its row as read, and its state and attempts before."""

    inbound: InboundMail | None = None
    before: tuple[str, int] = ("", 0)


@dataclass
class BatchResult:
    processed: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)


# The columns processing writes: the raw message and the identity are never rewritten.
WRITTEN = (
    "message_id", "subject", "from_address", "sent_at", "notes", "state", "outcome", "error",
    "attempts", "processed_at", "ticket", "ticket_message", "lead",
)  # fmt: skip


def process(
    inbound_id: int, *, retry_failed: bool = False, lookups: Lookups | None = None
) -> InboundMail:
    """Process one stored message once; a failure is recorded on the row, not raised.

    The message and everything it does commit in one transaction with the row locked,
    without savepoints (``kit.all_or_nothing``); a failure rolls it all back and is
    recorded on the row in a transaction of its own. Inside a batch's transaction the
    message is one savepoint, and its failure is recorded in the batch's transaction.
    """
    lookups = lookups or Lookups()
    attempt = _Attempt()
    try:
        with kit.all_or_nothing():
            return _attempt(inbound_id, attempt, retry_failed=retry_failed, lookups=lookups)
    except TRANSIENT:
        raise
    except Exception as exc:  # any other failure: keep the message and say why
        if attempt.inbound is None:
            raise
        log.exception("mail #%s (%s) failed", attempt.inbound.pk, attempt.inbound.message_id)
        lookups.forget()  # users it created are gone with its transaction
        return _failed(attempt.inbound, exc, attempt.before)


def _attempt(
    inbound_id: int,
    attempt: _Attempt,
    *,
    retry_failed: bool,
    lookups: Lookups,
    row: InboundMail | None = None,
    written: list[InboundMail] | None = None,
) -> InboundMail:
    """Lock, process and save one message in the caller's transaction; raises on failure.

    In a batch the row comes locked with its chunk (``row``) and its outcome is written
    with the chunk's (appended to ``written``).
    """
    inbound = attempt.inbound = row if row is not None else _locking().get(pk=inbound_id)
    if inbound.state != State.RECEIVED and not (retry_failed and inbound.state == State.FAILED):
        return inbound
    attempt.before = (inbound.state, inbound.attempts)
    inbound.attempts += 1
    inbound.error = ""
    with deadline(settings.MAIL_PROCESS_SECONDS):
        _process(inbound, lookups)
    inbound.processed_at = timezone.now()
    if written is None:
        inbound.save(update_fields=WRITTEN)
    else:
        written.append(inbound)
    return inbound


def _locking() -> Any:
    """Messages to process, locked, with whether an earlier one reused their Message-ID."""
    return (
        InboundMail.objects.select_for_update(of=("self",))
        .select_related("mailbox__default_organisation")
        .annotate(reused=Exists(_earlier_other_message()))
    )


def _earlier_other_message() -> Any:
    """An earlier stored message with the same Message-ID and other content."""
    return (
        InboundMail.objects.filter(message_id=OuterRef("message_id"), pk__lt=OuterRef("pk"))
        .exclude(message_id="")
        .exclude(dedup_key=OuterRef("dedup_key"))
    )


def _failed(inbound: InboundMail, exc: Exception, before: tuple[str, int]) -> InboundMail:
    inbound.state = State.FAILED
    inbound.outcome = ""
    inbound.error = f"{exc.__class__.__name__}: {exc}"[:4000]
    if isinstance(exc, ProcessingTimeout):  # kept as failed: no sweep retries it
        limit = settings.MAIL_PROCESS_SECONDS
        inbound.error = f"Stopped: {exc or f'processing took longer than {limit} s'}"
    inbound.ticket = inbound.ticket_message = inbound.lead = None
    inbound.processed_at = timezone.now()
    columns = {f.attname for f in InboundMail._meta.concrete_fields}
    values = {
        column: getattr(inbound, column)
        for name in WRITTEN
        for column in (name, f"{name}_id")
        if column in columns
    }
    with transaction.atomic():
        # Unless another worker processed it since this one's transaction rolled back.
        InboundMail.objects.filter(pk=inbound.pk, state=before[0], attempts=before[1]).update(
            **values
        )
    return inbound


def batch_order(inbound_ids: Iterable[int]) -> list[int]:
    """Parents before replies: by Date, then any message referred to by another first."""
    return [pk for pk, _sender in _batch_rows(inbound_ids)]


def _batch_rows(inbound_ids: Iterable[int]) -> list[tuple[int, str]]:
    """(pk, sender) in thread order: by Date, then any message referred to by another first."""
    rows = list(
        InboundMail.objects.filter(pk__in=list(inbound_ids)).only(
            "pk", "message_id", "sent_at", "received_at", "from_address", "raw"
        )
    )
    rows.sort(key=lambda r: (r.sent_at or r.received_at, r.pk))
    by_message_id = {r.message_id: r.pk for r in rows if r.message_id}
    senders = {r.pk: r.from_address for r in rows}
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
    ordered: list[tuple[int, str]] = []
    placed: set[int] = set()

    def place(pk: int, path: frozenset[int]) -> None:
        if pk in placed or pk in path:
            return
        for parent in parents.get(pk, []):
            place(parent, path | {pk})
        placed.add(pk)
        ordered.append((pk, senders[pk]))

    for row in rows:
        place(row.pk, frozenset())
    return ordered


def process_batch(
    inbound_ids: Iterable[int], *, retry_failed: bool = False, lookups: Lookups | None = None
) -> BatchResult:
    """Process messages in thread order, sharing the look-ups of the batch; one failure
    does not stop the others (``BATCH_COMMIT`` messages a transaction, see the module's
    docstring). The subscribers that take many get the batch's events once.
    """
    result = BatchResult()
    rows = _batch_rows(inbound_ids)
    lookups = lookups or Lookups()
    lookups.prefetch_users(sender for _pk, sender in rows)
    with dispatch.gathered():
        for start in range(0, len(rows), BATCH_COMMIT):
            chunk = [pk for pk, _sender in rows[start : start + BATCH_COMMIT]]
            for inbound in _process_chunk(chunk, retry_failed=retry_failed, lookups=lookups):
                if inbound.state == State.FAILED:
                    result.failed.append((inbound.pk, inbound.error))
                else:
                    result.processed.append(inbound.pk)
    return result


def _process_chunk(pks: list[int], *, retry_failed: bool, lookups: Lookups) -> list[InboundMail]:
    """The messages in one transaction: their rows locked in one statement, their outcomes
    written in one; if one fails, again with a savepoint each."""
    attempts: list[_Attempt] = []
    written: list[InboundMail] = []
    failing: InboundMail | None = None
    try:
        with kit.all_or_nothing():
            rows = {row.pk: row for row in _locking().filter(pk__in=pks).order_by("pk")}
            for pk in pks:
                attempts.append(_Attempt())
                _attempt(pk, attempts[-1], retry_failed=retry_failed, lookups=lookups,
                         row=rows.get(pk), written=written)  # fmt: skip
            attempts.append(_Attempt())  # the outcomes' write fails no message of its own
            update_rows(written, WRITTEN)
        return [a.inbound for a in attempts if a.inbound is not None]
    except TRANSIENT:
        raise
    except Exception as exc:
        if not attempts:
            raise
        failing = attempts[-1].inbound
        if failing is not None:
            log.exception("mail #%s (%s) failed", failing.pk, failing.message_id)
        else:
            log.exception("mail %s: their outcomes could not be written", pks)
        lookups.forget()  # users the batch created are gone with its transaction
        error, before = exc, attempts[-1].before
    done = []
    with transaction.atomic():
        for pk in pks:
            if failing is not None and pk == failing.pk:  # not run again: recorded as it was
                done.append(_failed(failing, error, before))
            else:
                done.append(process(pk, retry_failed=retry_failed, lookups=lookups))
    return done


def process_pending(*, older_than: dt.timedelta = dt.timedelta(0), limit: int = 500) -> BatchResult:
    """Process everything stored and not yet processed (after a crash or a missed task)."""
    cutoff = timezone.now() - older_than
    pending = InboundMail.objects.filter(state=State.RECEIVED, received_at__lte=cutoff)
    return process_batch(list(pending.order_by("pk").values_list("pk", flat=True)[:limit]))


# --- the steps ---------------------------------------------------------------------------


def _process(inbound: InboundMail, lookups: Lookups) -> None:
    mail = parse(bytes(inbound.raw), max_attachments=settings.MAIL_MAX_ATTACHMENTS)
    notes = list(mail.notes)
    if getattr(inbound, "reused", False) and (inbound.message_id or mail.message_id):
        reused = (
            f"Message-ID {inbound.message_id or mail.message_id} was used before by a "
            "different message: stored and processed as a message of its own."
        )
        if reused not in inbound.notes:
            notes.insert(0, reused)
    if notes:
        inbound.notes = "\n".join(filter(None, [inbound.notes, *notes]))
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
    ours = lookups.ours()
    thread = look_up(mail, inbound.envelope_to, ours)
    if thread.own or _is_our_own(mail, ours):
        inbound.state, inbound.outcome = State.DROPPED, "own_mail"
        return
    automatic = classify(mail)
    if inbound.truncated:
        _too_large(inbound, mail, automatic, lookups)
        return
    if automatic.kind == BOUNCE:
        _bounce(inbound, mail, lookups)
        return
    sender = resolve(mail.from_address, mail.from_name, inbound.mailbox, lookups)
    sender.verified = sender.verified and not recovered
    organisation_id = sender.organisation.pk if sender.organisation else None
    ticket_id, _how = choose(thread, mail, organisation_id)
    ticket = _lock_ticket(ticket_id) if ticket_id is not None else None
    if ticket is not None and not _may_write_to(ticket, sender):
        log.info("mail #%s names %s but %s is not of it", inbound.pk, ticket, mail.from_address)
        ticket = None
    if sender.is_staff and (
        recovered
        or not vouched(mail.message, mail.from_address, settings.MAIL_TRUSTED_AUTHSERV_IDS)
    ):
        _unverified_staff(inbound, mail, sender, ticket, lookups)
        return
    if automatic.kind:
        _automatic(inbound, mail, automatic, ticket, lookups)
        return
    if sender.user is not None and sender.user.email_failing_since is not None:
        # Mail from the address arrives again: it works.
        User.objects.filter(pk=sender.user.pk).update(email_failing_since=None)
        sender.user.email_failing_since = None
    if ticket is not None:
        _reply(inbound, mail, sender, ticket, lookups)
    else:
        _new(inbound, mail, sender, lookups)


# The ticket a message belongs to with its organisation and requester, locked: its SQL
# is built once per process (building it cost three times running it).
_LOCK_TICKET = Prepared(
    lambda ticket: (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("organisation", "requester")
        .filter(pk=ticket)
    )
)


def _lock_ticket(pk: int) -> Ticket:
    """The ticket a message belongs to, locked for the message's transaction; the actions
    that follow use this row as it is (``kit.lock``)."""
    return kit.locked(_LOCK_TICKET.get(ticket=pk))


def _unverified_staff(
    inbound: InboundMail, mail: ParsedMail, sender: Sender, ticket: Ticket | None, lookups: Lookups
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
        ticket=ticket, actor=lookups.system_user(), body=body, note=("unverified_staff", params)
    )
    inbound.ticket, inbound.state = ticket, State.PROCESSED


def _is_our_own(mail: ParsedMail, ours: set[str]) -> bool:
    """Our own notification coming back (its Message-ID is checked by ``look_up``)."""
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


def _copied_contacts(
    mail: ParsedMail, organisation: Organisation, sender: str, ours: set[str]
) -> list[User]:
    """Known contacts of the organisation on To or Cc: they are kept informed."""
    addresses = {a for a in [*mail.to, *mail.cc] if a != sender and a not in ours}
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


def _add_refs(ticket: Ticket, text: str, lookups: Lookups) -> None:
    """R2: Odoo URLs and document numbers in a staff member's mail are stored on the ticket
    too (``ticket_reply`` recognises them in every customer's message itself)."""
    urls = [u.text for u in find_urls(text)]
    references = [r.text for r in find_references(text)]
    if urls or references:
        actions.ticket_update(
            ticket=ticket,
            actor=lookups.system_user(),
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


def _reply(
    inbound: InboundMail, mail: ParsedMail, sender: Sender, ticket: Ticket, lookups: Lookups
) -> None:
    actor = sender.user if sender.is_staff else contact_for(sender, mail.language, lookups)
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
            _new(inbound, mail, sender, lookups, follow_up_of=ticket)
            return
        outcome = "reopened"
    if not actor.is_support_staff and not may_see(actor, ticket):
        # A colleague who writes to the ticket's thread is part of it from now on.
        actions.ticket_add_watchers(
            ticket=ticket, actor=lookups.system_user(), watchers=[actor], reason="wrote by mail"
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
    copied = _copied_contacts(mail, ticket.organisation, mail.from_address, lookups.ours())
    if copied:
        actions.ticket_add_watchers(
            ticket=ticket, actor=lookups.system_user(), watchers=copied, reason="copied on a mail"
        )
    if actor.is_support_staff:
        _add_refs(ticket, visible, lookups)
    _refuse_files(mail, ticket, refused)
    inbound.ticket, inbound.ticket_message = ticket, message
    inbound.state, inbound.outcome = State.PROCESSED, outcome


def _new(
    inbound: InboundMail,
    mail: ParsedMail,
    sender: Sender,
    lookups: Lookups,
    *,
    follow_up_of: Ticket | None = None,
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
        requester = actor = contact_for(sender, mail.language, lookups)
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
        watchers=_copied_contacts(mail, organisation, mail.from_address, lookups.ours()),
        sender_verified=sender.verified or sender.is_staff,
        message_id=mail.message_id,
        body_html=mail.html,
    )
    if follow_up_of is not None:
        actions.ticket_link(
            source=ticket,
            target=follow_up_of,
            actor=lookups.system_user(),
            kind=TicketLink.Kind.FOLLOW_UP,
        )
    _refuse_files(mail, ticket, refused)
    inbound.ticket = ticket
    inbound.ticket_message = ticket.opening_message
    inbound.state = State.PROCESSED
    inbound.outcome = "follow_up" if follow_up_of is not None else "ticket_created"


def _automatic(
    inbound: InboundMail,
    mail: ParsedMail,
    automatic: Automatic,
    ticket: Ticket | None,
    lookups: Lookups,
) -> None:
    """Stored on its ticket for the consultant to see; never answered."""
    if ticket is None:
        inbound.state, inbound.outcome = State.IGNORED, automatic.kind
        return
    params = {"address": mail.from_address, "reason": automatic.reason, "subject": mail.subject}
    inbound.ticket_message = actions.ticket_add_note(
        ticket=ticket,
        actor=lookups.system_user(),
        body=_text(mail.text, BODY_MAX),
        note=("automatic", params),
    )
    inbound.ticket, inbound.state, inbound.outcome = ticket, State.PROCESSED, automatic.kind


def _bounce(inbound: InboundMail, mail: ParsedMail, lookups: Lookups) -> None:
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
    lookups.forget(recipients)
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
        ticket=ticket, actor=lookups.system_user(), body=_text(rest, BODY_MAX), note=note
    )
    inbound.ticket, inbound.state = ticket, State.PROCESSED


def _too_large(
    inbound: InboundMail, mail: ParsedMail, automatic: Automatic, lookups: Lookups
) -> None:
    """Only the header was kept; a person who wrote it is told politely, once."""
    inbound.state, inbound.outcome = State.IGNORED, "too_large"
    if automatic.kind:
        return
    sender = resolve(mail.from_address, mail.from_name, inbound.mailbox, lookups)
    ticket, _how = find_ticket(mail, inbound.envelope_to, ours=lookups.ours())
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
            ticket=ticket, actor=lookups.system_user(), body="", note=("too_large", params)
        )
        inbound.ticket = ticket
