"""Satisfaction: "How did we do?" after a resolution, through a signed one-click link.

A contact is asked once per resolution of a ticket (a ``RatingRequest`` per resolution
event and contact) and not more often than every SATISFACTION_MIN_DAYS_BETWEEN days. The
link carries a signature over the request and the ticket (``django.core.signing``) and
expires after SATISFACTION_LINK_DAYS; it works without logging in, for that ticket only,
and once. The answer goes on the ticket's timeline as a ``rated`` event; a rating at or
below SATISFACTION_LOW_RATING notifies the organisation's business consultant.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from supportdesk.accounts.models import User
from supportdesk.commitments.models import Notification
from supportdesk.core import clock
from supportdesk.core.errors import InvalidInput
from supportdesk.help.models import Rating, RatingRequest
from supportdesk.tickets.events import Verb, record_event
from supportdesk.tickets.models import Event, Status, Ticket

SALT = "supportdesk.help.rating"
COMMENT_MAX = 2000


class RatingRefused(Exception):
    """The link cannot be used: says why, in words for the person holding it."""


def latest_resolution(ticket: Ticket) -> Event | None:
    if ticket.status not in (Status.RESOLVED, Status.CLOSED):
        return None
    if hasattr(ticket, "resolution_read"):  # the page read the events already
        return ticket.resolution_read
    return ticket.events.filter(verb=Verb.RESOLVED).order_by("-created_at", "-id").first()


def ask(
    ticket: Ticket,
    contact: User,
    *,
    now: dt.datetime | None = None,
    resolution: Event | None = None,
) -> RatingRequest | None:
    """Ask ``contact`` to rate the latest resolution of ``ticket``, if they may be asked now.

    None when the ticket is not resolved, the contact was already asked about this
    resolution, or was asked about anything within the last SATISFACTION_MIN_DAYS_BETWEEN
    days.
    """
    now = now or clock.now()
    resolution = resolution or latest_resolution(ticket)
    if resolution is None or contact.is_support_staff:
        return None
    if RatingRequest.objects.filter(resolution=resolution, contact=contact).exists():
        return None
    since = now - dt.timedelta(days=settings.SATISFACTION_MIN_DAYS_BETWEEN)
    if RatingRequest.objects.filter(contact=contact, created_at__gt=since).exists():
        return None
    try:
        with transaction.atomic():
            return RatingRequest.objects.create(
                ticket=ticket,
                resolution=resolution,
                contact=contact,
                consultant_id=ticket.assignee_id or resolution.actor_id,
                created_at=now,
            )
    except IntegrityError:  # asked at the same moment by another request
        return None


def open_request(
    ticket: Ticket, contact: User, *, resolution: Event | None = None
) -> RatingRequest | None:
    """The unanswered question to ``contact`` about the latest resolution (``resolution``
    when the caller has it already), if any."""
    resolution = resolution or latest_resolution(ticket)
    if resolution is None:
        return None
    return RatingRequest.objects.filter(
        resolution=resolution, contact=contact, rating__isnull=True
    ).first()


def token_for(request: RatingRequest) -> str:
    return signing.dumps({"r": request.pk, "t": request.ticket_id}, salt=SALT, compress=True)


def rating_url(request: RatingRequest, *, score: int | None = None) -> str:
    """The absolute one-click link (``score`` pre-chosen) for mail."""
    path = reverse("help:rate", args=[request.ticket.number, token_for(request)])
    query = f"?score={score}" if score else ""
    return f"{settings.SITE_URL.rstrip('/')}{path}{query}"


def request_from_token(number: str, token: str) -> RatingRequest:
    """The request a link is for; refused when tampered, expired, used, or for another ticket."""
    max_age = dt.timedelta(days=settings.SATISFACTION_LINK_DAYS)
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise RatingRefused("This link has expired.") from None
    except signing.BadSignature:
        raise RatingRefused("This link is not valid.") from None
    pk = Ticket.pk_from_number(number)
    if not isinstance(data, dict) or pk is None or data.get("t") != pk:
        raise RatingRefused("This link is not for this ticket.")
    request_id = data.get("r")
    request = (
        RatingRequest.objects.select_related("ticket", "contact", "ticket__organisation")
        .filter(pk=request_id if isinstance(request_id, int) else -1, ticket_id=pk)
        .first()
    )
    if request is None:
        raise RatingRefused("This link is not valid.")
    if Rating.objects.filter(request=request).exists():
        raise RatingRefused("This ticket has already been rated. Thank you!")
    return request


def rate(*, request: RatingRequest, score: int, comment: str = "") -> Rating:
    """Record the contact's answer once; it goes on the timeline, a low one to their
    business consultant."""
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidInput("score", _("must be a whole number from 1 to 5"))
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise InvalidInput(
            "comment", _("is longer than %(limit)s characters") % {"limit": COMMENT_MAX}
        )
    now = clock.now()
    with transaction.atomic():
        request = RatingRequest.objects.select_for_update().get(pk=request.pk)
        if Rating.objects.filter(request=request).exists():
            raise RatingRefused("This ticket has already been rated. Thank you!")
        rating = Rating.objects.create(
            request=request, score=score, comment=comment, created_at=now
        )
        ticket = request.ticket
        # The answer is on the ticket's timeline (R9): the customer reads their own answer.
        record_event(
            ticket, request.contact, Verb.RATED, new={"rating": score}, reason=comment, at=now
        )
        consultant = ticket.organisation.business_consultant
        if score <= settings.SATISFACTION_LOW_RATING and consultant is not None:
            Notification.objects.create(
                user=consultant,
                ticket=ticket,
                kind="low_rating",
                text=(
                    f"{ticket.number} rated {score}/5 by {request.contact}"
                    + (f": {comment[:300]}" if comment else "")
                ),
            )
    return rating
