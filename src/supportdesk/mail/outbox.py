"""Queue and send mail through the outbox (DESIGN rule 5).

``queue_mail`` writes the row inside the caller's transaction and enqueues the sending
task on commit. ``send_one`` claims a row with a conditional update so that it is sent
once even with several workers; failures are retried with exponential backoff.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from supportdesk.core import clock
from supportdesk.mail.models import OutboundMail

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
AUTOMATIC_HEADERS = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}


def make_message_id() -> str:
    import uuid

    domain = settings.SUPPORT_EMAIL.rsplit("@", 1)[-1] or str(DNS_NAME)
    return f"<{uuid.uuid4().hex}@{domain}>"


def queue_mail(
    *,
    to: Sequence[str],
    subject: str,
    text: str,
    purpose: str,
    html: str = "",
    cc: Sequence[str] = (),
    ticket: object | None = None,
    headers: dict[str, str] | None = None,
    automatic: bool = True,
    message_id: str | None = None,
    coalesce_with: Sequence[str] = (),
) -> OutboundMail:
    """Put a mail in the outbox; it is sent by the worker after the transaction commits.

    ``automatic`` mail carries ``Auto-Submitted: auto-generated`` and
    ``X-Auto-Response-Suppress: All`` so that auto-responders do not answer it (RFC 3834).

    With ``coalesce_with`` (purposes, e.g. status changes and replies) and
    ``MAIL_COALESCE_SECONDS``, the mail is held that long; news of the same ticket for the
    same recipient arriving meanwhile is added to it, so that four changes in a minute make
    one mail. The merged mail is returned.
    """
    recipients = [a for a in dict.fromkeys(a.strip() for a in to) if a]
    if not recipients:
        raise ValueError("to: at least one recipient is required")
    now = clock.now()
    window = settings.MAIL_COALESCE_SECONDS if coalesce_with and ticket is not None else 0
    if window:
        with transaction.atomic():  # the held row stays locked until the merge is saved
            held = (
                OutboundMail.objects.select_for_update()
                .filter(
                    ticket=ticket,  # type: ignore[misc]
                    recipient=recipients[0].lower()[:254],
                    purpose__regex=r"^(" + "|".join(coalesce_with) + r")(\+|$)",
                    state=OutboundMail.State.QUEUED,
                    attempts=0,
                    next_attempt_at__gt=now,
                )
                .order_by("created_at", "id")
                .first()
            )
            if held is not None:
                return _merge(held, subject=subject, text=text, html=html, purpose=purpose)
    # X-Loop marks every mail as ours, so that it is dropped if it ever comes back in.
    all_headers = {
        "X-Loop": settings.SUPPORT_EMAIL,
        **(AUTOMATIC_HEADERS if automatic else {}),
        **(headers or {}),
    }
    mail = OutboundMail.objects.create(
        to=recipients,
        recipient=recipients[0].lower()[:254],
        created_at=clock.now(),
        cc=[a for a in cc if a and a not in recipients],
        subject=subject.replace("\n", " ").replace("\r", " ")[:998],
        text=text,
        html=html,
        headers=all_headers,
        message_id=message_id or make_message_id(),
        purpose=purpose,
        ticket=ticket,  # type: ignore[misc]
        next_attempt_at=now + dt.timedelta(seconds=window),
    )
    mail_id = mail.pk
    transaction.on_commit(lambda: _enqueue(mail_id, delay=window))
    return mail


_PART = re.compile(r"<!--part-->(.*?)<!--/part-->", re.S)


def _merge(held: OutboundMail, *, subject: str, text: str, html: str, purpose: str) -> OutboundMail:
    """Add a later mail's news to a held one: its text before their common footer, its
    HTML body part after the held one's, the latest subject."""
    old_lines, new_lines = held.text.rstrip("\n").split("\n"), text.rstrip("\n").split("\n")
    common = 0
    while (
        common < min(len(old_lines), len(new_lines)) - 1
        and old_lines[-1 - common] == new_lines[-1 - common]
    ):
        common += 1
    footer = old_lines[len(old_lines) - common :]
    body_old = "\n".join(old_lines[: len(old_lines) - common]).rstrip()
    body_new = "\n".join(new_lines[: len(new_lines) - common]).rstrip()
    held.text = f"{body_old}\n\n-- \n\n{body_new}\n\n" + "\n".join(footer).strip() + "\n"
    added = _PART.search(html)
    if held.html and added and _PART.search(held.html):
        parts = _PART.search(held.html)
        assert parts is not None
        merged = f"{parts.group(1)}<hr>{added.group(1)}"
        held.html = held.html[: parts.start(1)] + merged + held.html[parts.end(1) :]
    elif html:
        held.html = f"{held.html}<hr>{html}" if held.html else html
    held.subject = subject.replace("\n", " ").replace("\r", " ")[:998]
    purposes = list(dict.fromkeys([*held.purpose.split("+"), purpose]))
    held.purpose = "+".join(purposes)[:48]
    held.save(update_fields=["text", "html", "subject", "purpose"])
    return held


def _enqueue(mail_id: int, *, delay: int = 0) -> None:
    from supportdesk.mail import tasks

    if delay:
        tasks.send_outbound_mail.schedule((mail_id,), delay=delay)
    else:
        tasks.send_outbound_mail(mail_id)


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


def send_one(mail_id: int, *, now: dt.datetime | None = None) -> bool:
    """Send one queued mail if it is due; True when this call sent it."""
    now = now or timezone.now()
    claimed = OutboundMail.objects.filter(
        pk=mail_id, state=OutboundMail.State.QUEUED, next_attempt_at__lte=now
    ).update(state=OutboundMail.State.SENDING, attempts=F("attempts") + 1)
    if not claimed:
        return False
    mail = OutboundMail.objects.get(pk=mail_id)
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=mail.to,
        cc=mail.cc,
        headers={**mail.headers, "Message-ID": mail.message_id},
    )
    if mail.html:
        message.attach_alternative(mail.html, "text/html")
    try:
        mailers.default.send_messages([message])
    except Exception as exc:  # any transport error: keep the mail and retry later
        gave_up = mail.attempts >= MAX_ATTEMPTS
        OutboundMail.objects.filter(pk=mail_id).update(
            state=OutboundMail.State.FAILED if gave_up else OutboundMail.State.QUEUED,
            next_attempt_at=now + _backoff(mail.attempts),
            last_error=f"{exc.__class__.__name__}: {exc}"[:2000],
        )
        log.warning("mail %s not sent (attempt %s): %s", mail_id, mail.attempts, exc)
        return False
    OutboundMail.objects.filter(pk=mail_id).update(
        state=OutboundMail.State.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def send_due(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """Send every due mail (the periodic retry of failures and of anything missed)."""
    now = now or timezone.now()
    stale = now - dt.timedelta(minutes=10)
    # A worker that died while sending leaves a row in SENDING: retry it after 10 minutes.
    OutboundMail.objects.filter(
        state=OutboundMail.State.SENDING, next_attempt_at__lte=stale
    ).update(state=OutboundMail.State.QUEUED)
    due = OutboundMail.objects.filter(
        state=OutboundMail.State.QUEUED, next_attempt_at__lte=now
    ).values_list("pk", flat=True)[:limit]
    return sum(send_one(pk, now=now) for pk in list(due))
