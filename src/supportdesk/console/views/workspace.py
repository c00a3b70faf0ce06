"""The ticket workspace: everything a consultant does on one ticket, through the actions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from supportdesk.accounts.models import Role, User
from supportdesk.billing.selectors import entries_for_ticket
from supportdesk.commitments.assignment import suggestions
from supportdesk.commitments.clocks import ticket_clocks
from supportdesk.console import actions as console_actions
from supportdesk.console import presence as console_presence
from supportdesk.console.clocks import assignment_clock, resolution_clock, same_day_clock
from supportdesk.console.entries import timeline_entries
from supportdesk.console.forms import (
    TicketFieldsForm,
    TimeEntryForm,
    ticket_fields_html,
    time_entry_fields_html,
)
from supportdesk.console.models import SavedReply, TimerRun
from supportdesk.console.placeholders import fill, values_for
from supportdesk.console.rows import open_ticket_items, staff_options
from supportdesk.console.selectors import (
    active_staff,
    saved_replies,
    side_panel,
    ticket_links,
    timeline,
    workspace_flags,
)
from supportdesk.console.views.common import int_or_none, report, staff_only, staff_user
from supportdesk.core import clock
from supportdesk.core.errors import ActionError, IllegalTransition, InvalidInput
from supportdesk.core.links import link_maker
from supportdesk.core.web import form_errors, run_action
from supportdesk.tickets import actions
from supportdesk.tickets.access import ticket_for_user, ticket_view, tickets_for_user
from supportdesk.tickets.actions.lifecycle import Upload
from supportdesk.tickets.models import Channel, Status, Ticket, TicketLink

# Which transitions a status offers, in the order shown (labels say what they do).
TRANSITIONS = {
    Status.NEW: [],
    Status.ASSIGNED: ["start", "resolve"],
    Status.IN_PROGRESS: ["wait_customer", "wait_third_party", "resolve"],
    Status.WAITING_CUSTOMER: ["resume", "wait_third_party", "resolve"],
    Status.WAITING_THIRD_PARTY: ["resume", "wait_customer", "resolve"],
    Status.RESOLVED: ["close", "reopen"],
    Status.CLOSED: ["reopen"],
}
TRANSITION_LABELS = {
    "start": gettext_lazy("Start work"),
    "wait_customer": gettext_lazy("Wait on customer"),
    "wait_third_party": gettext_lazy("Wait on third party"),
    "resume": gettext_lazy("Resume work"),
    "resolve": gettext_lazy("Resolve"),
    "close": gettext_lazy("Close"),
    "reopen": gettext_lazy("Reopen"),
}


# The views the workspace's forms post to, each of the ticket's own URL (``urls.reply``).
ACTION_VIEWS = (
    "presence",
    "reply",
    "note",
    "fields",
    "transition",
    "assign",
    "take",
    "time_entry",
    "timer",
    "link",
    "split",
)


def _action_urls(number: str) -> dict[str, str]:
    urls = {name: link_maker(f"console:{name}", "number")(number=number) for name in ACTION_VIEWS}
    urls["customer"] = link_maker("ticket_detail", "number")(number=number)
    return urls


def _uploads(request: HttpRequest) -> Sequence[Upload]:
    return cast(Sequence[Upload], request.FILES.getlist("attachments"))


def _back(ticket: Ticket, anchor: str = "") -> HttpResponse:
    response = redirect("console:workspace", number=ticket.number)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


@staff_only
def workspace(request: HttpRequest, number: str) -> HttpResponse:
    user = staff_user(request)
    # One query for the ticket and which of its panels have anything to show.
    ticket = ticket_for_user(user, number, annotate=workspace_flags)
    if ticket.may_have("odoo_refs"):
        prefetch_related_objects([ticket], "odoo_refs")
    now = clock.now()
    timer = (
        TimerRun.objects.filter(user=user, ticket=ticket).first()
        if ticket.may_have("timerrun")
        else None
    )
    placeholder_values = values_for(ticket, user)
    entries = timeline(ticket)
    panel = side_panel(ticket)
    return render(
        request,
        "console/workspace.html",
        {
            "ticket": ticket,
            "urls": _action_urls(ticket.number),
            "clocks": ticket_clocks(ticket, staff=True, now=now),
            "assignment": assignment_clock(ticket, now),
            "same_day": same_day_clock(ticket, now),
            "resolution": resolution_clock(ticket, now),
            "timeline": entries,
            "timeline_entries": timeline_entries(entries, ticket.number),
            "odoo_refs": ticket.odoo_refs.all() if ticket.may_have("odoo_refs") else [],
            "links": ticket_links(ticket),
            "saved_replies": [(r, fill(r.body, placeholder_values)) for r in saved_replies()],
            "suggestions": suggestions(ticket) if ticket.is_open else [],
            "can_take": ticket.is_open
            and ticket.assignee_id is None
            and (user.role == Role.CONSULTANT or user.takes_tickets),
            "staff_options": (staff_options(active_staff(), user) if ticket.is_open else ""),
            "transitions": [(t, TRANSITION_LABELS[t]) for t in TRANSITIONS[Status(ticket.status)]],
            "fields_form": ticket_fields_html(user, ticket),
            "time_form": time_entry_fields_html(),
            "time_entries": (
                entries_for_ticket(ticket, agreements=panel.agreements)
                if ticket.may_have("time_entries")
                else []
            ),
            "timer": timer,
            "timer_minutes": console_actions.timer_minutes(timer, now) if timer else 0,
            "panel": panel,
            "open_tickets": open_ticket_items(panel.open_tickets),
            "calls": (
                ticket.calls.select_related("answered_by", "caller")[:10]
                if ticket.may_have("calls")
                else []
            ),
        },
    )


def ticket_post(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A change made from the workspace: staff only, by POST, on the ticket of the URL
    (``view(request, user, ticket)``), answered by a redirect back to the workspace."""
    return staff_only(require_POST(ticket_view(view)))


def _write(
    request: HttpRequest,
    ticket: Ticket,
    action: Callable[..., object],
    success: str,
    anchor: str,
    **arguments: Any,
) -> HttpResponse:
    """A message written in the workspace (a reply or a note): the form's body through
    ``action``; back to the form's place on the page, with the refusal if there was one."""
    run_action(
        request,
        action,
        success=success,
        ticket=ticket,
        body=request.POST.get("body", ""),
        **arguments,
    )
    return _back(ticket, anchor)


@ticket_post
def reply(request: HttpRequest, user: User, ticket: Ticket) -> HttpResponse:
    """A reply to the customer, sent by the mail channel as the contact prefers (R9)."""
    uploads = list(_uploads(request))
    saved = SavedReply.objects.filter(pk=int_or_none(request.POST.get("saved_reply")) or 0).first()
    if saved is not None and saved.attachment:
        uploads.append(cast(Upload, console_actions.SavedAttachment(saved)))
    return _write(
        request,
        ticket,
        actions.ticket_reply,
        _("Reply sent to the customer."),
        "reply",
        actor=user,
        channel=Channel.CONSOLE,
        attachments=uploads,
    )


@ticket_post
def note(request: HttpRequest, user: User, ticket: Ticket) -> HttpResponse:
    """An internal note: never shown in the portal or its API."""
    return _write(
        request,
        ticket,
        actions.ticket_add_note,
        _("Internal note added."),
        "note",
        actor=user,
        attachments=_uploads(request),
    )


@ticket_post
def fields(request: HttpRequest, user: User, ticket: Ticket) -> HttpResponse:
    form = TicketFieldsForm(request.POST, user=user, ticket=ticket)
    if form.is_valid():
        data = form.cleaned_data
        run_action(
            request,
            actions.ticket_update,
            success=_("Ticket updated."),
            ticket=ticket,
            actor=user,
            reason=data["reason"],
            add_urls=[data["add_url"]] if data["add_url"] else [],
            add_references=[data["add_reference"]] if data["add_reference"] else [],
            **form.changes(ticket),
        )
    else:
        form_errors(request, form)
    return _back(ticket, "fields")


# Each change of status the workspace offers, as the action that makes it.
MOVES: dict[str, Callable[[Ticket, User, str], object]] = {
    "start": lambda ticket, user, reason: actions.ticket_start(ticket=ticket, actor=user),
    "wait_customer": lambda ticket, user, reason: actions.ticket_wait(
        ticket=ticket, actor=user, on="customer", reason=reason
    ),
    "wait_third_party": lambda ticket, user, reason: actions.ticket_wait(
        ticket=ticket, actor=user, on="third_party", reason=reason
    ),
    "resume": lambda ticket, user, reason: actions.ticket_resume(
        ticket=ticket, actor=user, reason=reason
    ),
    "resolve": lambda ticket, user, reason: actions.ticket_resolve(
        ticket=ticket, actor=user, resolution=reason
    ),
    "close": lambda ticket, user, reason: actions.ticket_close(
        ticket=ticket, actor=user, reason=reason
    ),
    "reopen": lambda ticket, user, reason: actions.ticket_reopen(
        ticket=ticket, actor=user, reason=reason
    ),
}


def _move(*, ticket: Ticket, actor: User, move: str, reason: str) -> object:
    if move not in MOVES:
        raise InvalidInput("move", _("%(move)r is not a change of status") % {"move": move})
    return MOVES[move](ticket, actor, reason)


@ticket_post
def transition(request: HttpRequest, user: User, ticket: Ticket) -> HttpResponse:
    """A change of status, with its reason."""
    move = request.POST.get("move", "")
    run_action(
        request,
        _move,
        success=_("%(action)s: done.") % {"action": TRANSITION_LABELS.get(move, move)},
        ticket=ticket,
        actor=user,
        move=move,
        reason=request.POST.get("reason", ""),
    )
    return _back(ticket)


def _assign(*, ticket: Ticket, actor: User, assignee: User | None, override_reason: str) -> None:
    if assignee is None:
        raise InvalidInput("assignee", _("choose a consultant"))
    actions.ticket_assign(
        ticket=ticket, actor=actor, assignee=assignee, override_reason=override_reason
    )


@ticket_post
def assign(request: HttpRequest, user: User, ticket: Ticket) -> HttpResponse:
    """Assign to a suggested consultant, or override with a reason (dispatchers, R3)."""
    assignee = User.objects.filter(pk=int_or_none(request.POST.get("assignee")) or 0).first()
    run_action(
        request,
        _assign,
        success=_("Assigned to %(assignee)s.") % {"assignee": assignee},
        ticket=ticket,
        actor=user,
        assignee=assignee,
        override_reason=request.POST.get("override_reason", ""),
    )
    return _back(ticket, "assignment")


@staff_only
@require_POST
@ticket_view
def presence(request: HttpRequest, user: User, ticket: Ticket) -> HttpResponse:
    """Report that I have the ticket open (typing or not); answer who else has (htmx poll)."""
    console_presence.report(ticket.pk, user, typing=request.POST.get("typing") == "1")
    return render(
        request,
        "console/partials/presence.html",
        {"others": console_presence.others(ticket.pk, user)},
    )


def _take(*, ticket: Ticket, actor: User) -> None:
    if ticket.assignee_id is not None:
        raise IllegalTransition(
            _("the ticket is already assigned to %(who)s") % {"who": ticket.assignee}
        )
    actions.ticket_assign(ticket=ticket, actor=actor, assignee=actor)


@ticket_post
def take(request: HttpRequest, user: User, ticket: Ticket) -> HttpResponse:
    """A consultant takes an unassigned ticket for themself (R3: the skill check holds)."""
    run_action(
        request,
        _take,
        success=_("You took %(number)s.") % {"number": ticket.number},
        ticket=ticket,
        actor=user,
    )
    return _back(ticket)


@ticket_post
def time_entry(request: HttpRequest, user: User, ticket: Ticket) -> HttpResponse:
    """Manual time entry: minutes, date, what was done (R6, through ``time_log``)."""
    from supportdesk.billing.actions import time_log

    form = TimeEntryForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return _back(ticket, "time")
    logged = run_action(
        request,
        time_log,
        ticket=ticket,
        actor=user,
        minutes=form.cleaned_data["minutes"],
        date=form.cleaned_data["date"],
        description=form.cleaned_data["description"],
    )
    if logged and logged.value is not None:
        messages.success(request, _("Logged %(minutes)s min.") % {"minutes": logged.value.minutes})
    return _back(ticket, "time")


def _timer(*, ticket: Ticket, actor: User, what: str, description: str) -> str:
    """Start, stop (and log) or discard the timer; says what was done."""
    if what == "start":
        console_actions.timer_start(ticket=ticket, actor=actor)
        return _("Timer started.")
    if what == "stop":
        entry = console_actions.timer_stop(ticket=ticket, actor=actor, description=description)
        return _("Timer stopped: logged %(minutes)s min.") % {"minutes": entry.minutes}
    if what == "discard":
        console_actions.timer_discard(ticket=ticket, actor=actor)
        return _("Timer discarded.")
    raise InvalidInput("timer", _("%(what)r is not one of start, stop, discard") % {"what": what})


@ticket_post
def timer(request: HttpRequest, user: User, ticket: Ticket) -> HttpResponse:
    """Start, stop (and log) or discard the work timer."""
    done = run_action(
        request,
        _timer,
        ticket=ticket,
        actor=user,
        what=request.POST.get("timer", ""),
        description=request.POST.get("description", ""),
    )
    if done and done.value:
        messages.success(request, done.value)
    return _back(ticket, "time")


def _link(*, ticket: Ticket, actor: User, how: str, other: Ticket, reason: str) -> Ticket:
    """Merge ``ticket`` into ``other`` or link them; returns the ticket to show next."""
    if how == "merge":
        actions.ticket_merge(duplicate=ticket, target=other, actor=actor, reason=reason)
        return other
    kind = TicketLink.Kind.FOLLOW_UP if how == "follow_up" else TicketLink.Kind.RELATED
    actions.ticket_link(source=ticket, target=other, actor=actor, kind=kind)
    return ticket


@ticket_post
def link(request: HttpRequest, user: User, ticket: Ticket) -> HttpResponse:
    """Link to another ticket, or merge this duplicate into it."""
    how = request.POST.get("how", "related")
    try:
        other = _other(user, request.POST.get("other", "").strip())
    except ActionError as exc:
        report(request, exc)
        return _back(ticket, "links")
    done = (_("Merged into %(number)s.") if how == "merge" else _("Linked to %(number)s.")) % {
        "number": other.number
    }
    shown = run_action(
        request,
        _link,
        success=done,
        ticket=ticket,
        actor=user,
        how=how,
        other=other,
        reason=request.POST.get("reason", ""),
    )
    if shown and shown.value is not None and shown.value != ticket:
        return _back(shown.value)
    return _back(ticket, "links")


def _other(user: User, number: str) -> Ticket:
    pk = Ticket.pk_from_number(number) if number else None
    found = tickets_for_user(user).filter(pk=pk).first() if pk else None
    if found is None:
        raise InvalidInput(
            "other", _("%(number)r is not a ticket number") % {"number": number or "nothing"}
        )
    return ticket_for_user(user, found.number)


@ticket_post
def split(request: HttpRequest, user: User, ticket: Ticket) -> HttpResponse:
    """Split a second issue off into its own ticket."""
    message = None
    if message_id := int_or_none(request.POST.get("message")):
        message = ticket.messages.filter(pk=message_id).first()
    new = run_action(
        request,
        actions.ticket_split,
        ticket=ticket,
        actor=user,
        subject=request.POST.get("subject", ""),
        message=message,
        description=request.POST.get("description", ""),
    )
    if not new or new.value is None:
        return _back(ticket, "links")
    messages.success(request, _("Split into %(number)s.") % {"number": new.value.number})
    return _back(new.value)
