"""Actions of the console's own data: work timers, saved replies, notifications, preferences.

Time itself is logged by the billing action ``time_log`` (R6, R9): a timer only
measures it.
"""

from __future__ import annotations

import datetime as dt
import math

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from supportdesk.accounts.models import User
from supportdesk.billing.actions import MAX_ENTRY_MINUTES, time_log
from supportdesk.billing.models import TimeEntry
from supportdesk.commitments.models import Notification
from supportdesk.console.models import (
    MAIL_PREFERENCE,
    SavedReply,
    SavedView,
    StaffPreference,
    TimerRun,
)
from supportdesk.core import clock
from supportdesk.core.errors import IllegalTransition, InvalidInput
from supportdesk.tickets import kit
from supportdesk.tickets.actions.lifecycle import Upload
from supportdesk.tickets.actions.references import check_uploads
from supportdesk.tickets.models import Ticket


def timer_start(*, ticket: Ticket, actor: User) -> TimerRun:
    """Start measuring work on a ticket; one running timer per person and ticket."""
    kit.require_staff(actor, _("time work"))
    try:
        with transaction.atomic():
            return TimerRun.objects.create(user=actor, ticket=ticket, started_at=clock.now())
    except IntegrityError:
        raise IllegalTransition(
            _("your timer on %(number)s is already running") % {"number": ticket.number}
        ) from None


def timer_minutes(run: TimerRun, now: dt.datetime | None = None) -> int:
    """Minutes measured so far, rounded up: a started minute is worked."""
    seconds = ((now or clock.now()) - run.started_at).total_seconds()
    return max(1, math.ceil(seconds / 60))


def timer_stop(
    *, ticket: Ticket, actor: User, description: str, date: dt.date | None = None
) -> TimeEntry:
    """Stop the timer and log its minutes with what was done (R6: through ``time_log``)."""
    kit.require_staff(actor, _("time work"))
    with transaction.atomic():
        run = TimerRun.objects.select_for_update().filter(user=actor, ticket=ticket).first()
        if run is None:
            raise IllegalTransition(
                _("no timer of yours runs on %(number)s") % {"number": ticket.number}
            )
        minutes = min(timer_minutes(run), MAX_ENTRY_MINUTES)
        entry = time_log(
            ticket=ticket, actor=actor, minutes=minutes, description=description, date=date
        )
        run.delete()
    return entry


def timer_discard(*, ticket: Ticket, actor: User) -> None:
    """Throw a running timer away without logging anything."""
    deleted, _by_model = TimerRun.objects.filter(user=actor, ticket=ticket).delete()
    if not deleted:
        raise IllegalTransition(
            _("no timer of yours runs on %(number)s") % {"number": ticket.number}
        )


def saved_reply_save(
    *,
    actor: User,
    title: str,
    body: str,
    reply: SavedReply | None = None,
    attachment: Upload | None = None,
) -> SavedReply:
    """Create or change a saved reply shared with the desk, optionally with a file that is
    sent with every reply made from it."""
    kit.require_staff(actor, _("keep saved replies"))
    title, body = title.strip(), body.strip()
    if not title:
        raise InvalidInput("title", _("is required"))
    if len(title) > 120:
        raise InvalidInput(
            "title", _("is %(length)s characters; at most 120 are allowed") % {"length": len(title)}
        )
    if not body:
        raise InvalidInput("body", _("is required"))
    clash = SavedReply.objects.filter(title__iexact=title)
    if reply is not None:
        clash = clash.exclude(pk=reply.pk)
    if clash.exists():
        raise InvalidInput(
            "title", _("a saved reply is already called %(title)r") % {"title": title}
        )
    if attachment is not None:
        check_uploads([attachment])
    with transaction.atomic():
        if reply is None:
            reply = SavedReply(created_by=actor)
        reply.title, reply.body = title, body
        if attachment is not None:
            name = (attachment.name or "attachment").replace("/", "_").replace("\\", "_")
            reply.attachment_name = name[-255:]
            reply.attachment_type = (attachment.content_type or "application/octet-stream")[:150]
            upload = attachment if isinstance(attachment, File) else File(attachment)  # type: ignore[arg-type]
            reply.attachment.save(name, upload, save=False)
        reply.save()
    return reply


class SavedAttachment(File):
    """A saved reply's file as an attachment argument of ``ticket_reply`` (an ``Upload``)."""

    def __init__(self, reply: SavedReply) -> None:
        super().__init__(reply.attachment.open("rb"), name=reply.attachment_name or "attachment")
        self.content_type = reply.attachment_type or "application/octet-stream"


def saved_reply_delete(*, actor: User, reply: SavedReply) -> None:
    kit.require_staff(actor, _("keep saved replies"))
    reply.delete()


def notifications_read(*, actor: User, ids: list[int] | None = None) -> int:
    """Mark one's notifications read (all of them without ``ids``); returns how many."""
    unread = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=clock.now())


def preference_update(*, actor: User, **choices: bool) -> StaffPreference:
    """Which notifications also come by mail."""
    kit.require_staff(actor, _("set console preferences"))
    fields = set(MAIL_PREFERENCE.values())
    for name, value in choices.items():
        if name not in fields:
            raise InvalidInput(name, _("is not a notification preference"))
        if not isinstance(value, bool):
            raise InvalidInput(name, _("must be on or off"))
    with transaction.atomic():
        preference, _created = StaffPreference.objects.select_for_update().get_or_create(user=actor)
        for name, value in choices.items():
            setattr(preference, name, value)
        preference.save()
    return preference


def saved_view_save(
    *, actor: User, name: str, query: str, page: str = SavedView.Page.BOARD
) -> SavedView:
    """Name a list's current filter for ``actor`` (a new name, or the same name again to
    change what it shows); ``page`` is the board or My day."""
    kit.require_staff(actor, _("save views"))
    kit.choice("page", page, SavedView.Page)
    name = kit.text("name", name, required=True, limit=60)
    if len(query) > 500:
        raise InvalidInput("query", _("is too long to save"))
    view, _created = SavedView.objects.update_or_create(
        user=actor, page=page, name=name, defaults={"query": query}
    )
    return view


def saved_view_delete(*, actor: User, view_id: int) -> None:
    deleted, _rows = SavedView.objects.filter(user=actor, pk=view_id).delete()
    if not deleted:
        raise InvalidInput("view", _("no such saved view of yours"))
