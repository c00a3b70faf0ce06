"""The ticket workspace: everything a consultant does on one ticket, through the actions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from supportdesk.accounts.models import STAFF_ROLES, Role, User
from supportdesk.billing.selectors import entries_for_ticket
from supportdesk.commitments.assignment import suggestions
from supportdesk.commitments.clocks import ticket_clocks
from supportdesk.console import actions as console_actions
from supportdesk.console import presence as console_presence
from supportdesk.console.forms import TicketFieldsForm, TimeEntryForm
from supportdesk.console.models import SavedReply, TimerRun
from supportdesk.console.placeholders import fill, values_for
from supportdesk.console.selectors import (
    assignment_clock,
    resolution_clock,
    same_day_clock,
    side_panel,
    ticket_links,
    timeline,
)
from supportdesk.console.views.common import int_or_none, report, staff_only, staff_user
from supportdesk.core import clock
from supportdesk.core.errors import ActionError, IllegalTransition, InvalidInput
from supportdesk.core.web import form_errors, run_action
from supportdesk.tickets import actions
from supportdesk.tickets.access import ticket_for_user, tickets_for_user
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
    ticket = ticket_for_user(user, number)
    now = clock.now()
    timer = TimerRun.objects.filter(user=user, ticket=ticket).first()
    placeholder_values = values_for(ticket, user)
    return render(
        request,
        "console/workspace.html",
        {
            "ticket": ticket,
            "clocks": ticket_clocks(ticket, staff=True, now=now),
            "assignment": assignment_clock(ticket, now),
            "same_day": same_day_clock(ticket, now),
            "resolution": resolution_clock(ticket, now),
            "timeline": timeline(ticket),
            "odoo_refs": ticket.odoo_refs.all(),
            "links": ticket_links(ticket),
            "saved_replies": [
                (r, fill(r.body, placeholder_values)) for r in SavedReply.objects.all()
            ],
            "suggestions": suggestions(ticket) if ticket.is_open else [],
            "can_take": ticket.is_open
            and ticket.assignee_id is None
            and (user.role == Role.CONSULTANT or user.takes_tickets),
            "staff": User.objects.filter(role__in=STAFF_ROLES, is_active=True).exclude(
                email__endswith="@system.invalid"
            ),
            "transitions": [(t, TRANSITION_LABELS[t]) for t in TRANSITIONS[Status(ticket.status)]],
            "fields_form": TicketFieldsForm(user=user, ticket=ticket),
            "time_form": TimeEntryForm(),
            "time_entries": entries_for_ticket(ticket),
            "timer": timer,
            "timer_minutes": console_actions.timer_minutes(timer, now) if timer else 0,
            "panel": side_panel(ticket),
            "calls": ticket.calls.select_related("answered_by", "caller")[:10],
        },
    )


@staff_only
@require_POST
def reply(request: HttpRequest, number: str) -> HttpResponse:
    """A reply to the customer, sent by the mail channel as the contact prefers (R9)."""
    user = staff_user(request)
    ticket = ticket_for_user(user, number)
    uploads = list(_uploads(request))
    saved = SavedReply.objects.filter(pk=int_or_none(request.POST.get("saved_reply")) or 0).first()
    if saved is not None and saved.attachment:
        uploads.append(cast(Upload, console_actions.SavedAttachment(saved)))
    run_action(
        request,
        actions.ticket_reply,
        success=_("Reply sent to the customer."),
        ticket=ticket,
        actor=user,
        body=request.POST.get("body", ""),
        channel=Channel.CONSOLE,
        attachments=uploads,
    )
    return _back(ticket, "reply")


@staff_only
@require_POST
def note(request: HttpRequest, number: str) -> HttpResponse:
    """An internal note: never shown in the portal or its API."""
    user = staff_user(request)
    ticket = ticket_for_user(user, number)
    run_action(
        request,
        actions.ticket_add_note,
        success=_("Internal note added."),
        ticket=ticket,
        actor=user,
        body=request.POST.get("body", ""),
        attachments=_uploads(request),
    )
    return _back(ticket, "note")


@staff_only
@require_POST
def fields(request: HttpRequest, number: str) -> HttpResponse:
    user = staff_user(request)
    ticket = ticket_for_user(user, number)
    form = TicketFieldsForm(request.POST, user=user, ticket=ticket)
    if not form.is_valid():
        form_errors(request, form)
        return _back(ticket, "fields")
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
    return _back(ticket, "fields")


@staff_only
@require_POST
def transition(request: HttpRequest, number: str) -> HttpResponse:
    """A change of status, with its reason."""
    user = staff_user(request)
    ticket = ticket_for_user(user, number)
    move = request.POST.get("move", "")
    reason = request.POST.get("reason", "")
    try:
        if move == "start":
            actions.ticket_start(ticket=ticket, actor=user)
        elif move in ("wait_customer", "wait_third_party"):
            actions.ticket_wait(ticket=ticket, actor=user, on=move[5:], reason=reason)
        elif move == "resume":
            actions.ticket_resume(ticket=ticket, actor=user, reason=reason)
        elif move == "resolve":
            actions.ticket_resolve(ticket=ticket, actor=user, resolution=reason)
        elif move == "close":
            actions.ticket_close(ticket=ticket, actor=user, reason=reason)
        elif move == "reopen":
            actions.ticket_reopen(ticket=ticket, actor=user, reason=reason)
        else:
            raise InvalidInput("move", _("%(move)r is not a change of status") % {"move": move})
    except ActionError as exc:
        report(request, exc)
    else:
        messages.success(
            request,
            _("%(action)s: done.") % {"action": TRANSITION_LABELS[move]},
        )
    return _back(ticket)


@staff_only
@require_POST
def assign(request: HttpRequest, number: str) -> HttpResponse:
    """Assign to a suggested consultant, or override with a reason (dispatchers, R3)."""
    user = staff_user(request)
    ticket = ticket_for_user(user, number)
    assignee = User.objects.filter(pk=int_or_none(request.POST.get("assignee")) or 0).first()
    try:
        if assignee is None:
            raise InvalidInput("assignee", _("choose a consultant"))
        actions.ticket_assign(
            ticket=ticket,
            actor=user,
            assignee=assignee,
            override_reason=request.POST.get("override_reason", ""),
        )
    except ActionError as exc:
        report(request, exc)
    else:
        messages.success(request, _("Assigned to %(assignee)s.") % {"assignee": assignee})
    return _back(ticket, "assignment")


@staff_only
@require_POST
def presence(request: HttpRequest, number: str) -> HttpResponse:
    """Report that I have the ticket open (typing or not); answer who else has (htmx poll)."""
    user = staff_user(request)
    ticket = ticket_for_user(user, number)
    console_presence.report(ticket.pk, user, typing=request.POST.get("typing") == "1")
    return render(
        request,
        "console/partials/presence.html",
        {"others": console_presence.others(ticket.pk, user)},
    )


@staff_only
@require_POST
def take(request: HttpRequest, number: str) -> HttpResponse:
    """A consultant takes an unassigned ticket for themself (R3: the skill check holds)."""
    user = staff_user(request)
    ticket = ticket_for_user(user, number)
    try:
        if ticket.assignee_id is not None:
            raise IllegalTransition(
                _("the ticket is already assigned to %(who)s") % {"who": ticket.assignee}
            )
        actions.ticket_assign(ticket=ticket, actor=user, assignee=user)
    except ActionError as exc:
        report(request, exc)
    else:
        messages.success(request, _("You took %(number)s.") % {"number": ticket.number})
    return _back(ticket)


@staff_only
@require_POST
def time_entry(request: HttpRequest, number: str) -> HttpResponse:
    """Manual time entry: minutes, date, what was done (R6, through ``time_log``)."""
    from supportdesk.billing.actions import time_log

    user = staff_user(request)
    ticket = ticket_for_user(user, number)
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


@staff_only
@require_POST
def timer(request: HttpRequest, number: str) -> HttpResponse:
    """Start, stop (and log) or discard the work timer."""
    user = staff_user(request)
    ticket = ticket_for_user(user, number)
    what = request.POST.get("timer", "")
    try:
        if what == "start":
            console_actions.timer_start(ticket=ticket, actor=user)
            messages.success(request, _("Timer started."))
        elif what == "stop":
            entry = console_actions.timer_stop(
                ticket=ticket, actor=user, description=request.POST.get("description", "")
            )
            messages.success(
                request, _("Timer stopped: logged %(minutes)s min.") % {"minutes": entry.minutes}
            )
        elif what == "discard":
            console_actions.timer_discard(ticket=ticket, actor=user)
            messages.success(request, _("Timer discarded."))
        else:
            raise InvalidInput(
                "timer", _("%(what)r is not one of start, stop, discard") % {"what": what}
            )
    except ActionError as exc:
        report(request, exc)
    return _back(ticket, "time")


@staff_only
@require_POST
def link(request: HttpRequest, number: str) -> HttpResponse:
    """Link to another ticket, or merge this duplicate into it."""
    user = staff_user(request)
    ticket = ticket_for_user(user, number)
    how = request.POST.get("how", "related")
    other_number = request.POST.get("other", "").strip()
    try:
        other = _other(user, other_number)
        if how == "merge":
            actions.ticket_merge(
                duplicate=ticket, target=other, actor=user, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Merged into %(number)s.") % {"number": other.number})
            return _back(other)
        kind = TicketLink.Kind.FOLLOW_UP if how == "follow_up" else TicketLink.Kind.RELATED
        actions.ticket_link(source=ticket, target=other, actor=user, kind=kind)
        messages.success(request, _("Linked to %(number)s.") % {"number": other.number})
    except ActionError as exc:
        report(request, exc)
    return _back(ticket, "links")


def _other(user: User, number: str) -> Ticket:
    pk = Ticket.pk_from_number(number) if number else None
    found = tickets_for_user(user).filter(pk=pk).first() if pk else None
    if found is None:
        raise InvalidInput(
            "other", _("%(number)r is not a ticket number") % {"number": number or "nothing"}
        )
    return ticket_for_user(user, found.number)


@staff_only
@require_POST
def split(request: HttpRequest, number: str) -> HttpResponse:
    """Split a second issue off into its own ticket."""
    user = staff_user(request)
    ticket = ticket_for_user(user, number)
    message = None
    if message_id := int_or_none(request.POST.get("message")):
        message = ticket.messages.filter(pk=message_id).first()
    try:
        new = actions.ticket_split(
            ticket=ticket,
            actor=user,
            subject=request.POST.get("subject", ""),
            message=message,
            description=request.POST.get("description", ""),
        )
    except ActionError as exc:
        report(request, exc)
        return _back(ticket, "links")
    messages.success(request, _("Split into %(number)s.") % {"number": new.number})
    return _back(new)
