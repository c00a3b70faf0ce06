"""The telephone in the console (R1): live calls, call-backs, logging a call."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from supportdesk.accounts.models import User
from supportdesk.commitments.queue import in_queue_order
from supportdesk.console.forms import LogCallForm
from supportdesk.console.views.common import int_or_none, report, staff_only, staff_user
from supportdesk.core.errors import ActionError, InvalidInput
from supportdesk.phone import actions as phone_actions
from supportdesk.phone.models import Call
from supportdesk.phone.numbers import normalise, users_with_number
from supportdesk.phone.selectors import CallerContext, callbacks, caller_context, live_calls
from supportdesk.tickets.access import tickets_for_user
from supportdesk.tickets.models import Kind, Ticket


def _live(request: HttpRequest) -> list[CallerContext]:
    """Who is calling now, with their organisation and open tickets."""
    return [caller_context(c) for c in live_calls(staff_user(request))]


@staff_only
def phone(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "console/phone.html",
        {
            "live": _live(request),
            "callbacks": callbacks()[:100],
            "recent": Call.objects.select_related(
                "caller", "organisation", "answered_by", "ticket"
            )[:30],
        },
    )


@staff_only
def phone_live(request: HttpRequest) -> HttpResponse:
    """Who is calling, their organisation and open tickets (polled by the console)."""
    return render(request, "console/partials/live_calls.html", {"live": _live(request)})


@staff_only
def phone_lookup(request: HttpRequest) -> HttpResponse:
    """The people with a number, and their organisations' open tickets (as you type)."""
    number = request.GET.get("number", "")
    e164 = normalise(number)
    people = [u for u in users_with_number(e164) if u.is_customer] if e164 else []
    organisations = {p.organisation_id for p in people if p.organisation_id is not None}
    tickets = (
        list(
            in_queue_order(Ticket.objects.filter(organisation_id__in=organisations)).select_related(
                "organisation", "assignee", "requester"
            )[:15]
        )
        if organisations
        else []
    )
    return render(
        request,
        "console/partials/phone_lookup.html",
        {"number": number, "e164": e164, "people": people, "tickets": tickets},
    )


@staff_only
@require_http_methods(["GET", "POST"])
def log_call(request: HttpRequest) -> HttpResponse:
    """Log a call: a new ticket on the phone channel, or the call added to an open one."""
    user = staff_user(request)
    call = None
    if call_id := int_or_none(request.GET.get("call") or request.POST.get("call")):
        call = Call.objects.select_related("caller").filter(pk=call_id).first()
        if call is None:
            raise Http404("no such call")
    initial = {}
    if call is not None:
        initial = {
            "number": call.number,
            "direction": call.direction,
            "caller": call.caller_id,
            "organisation": call.organisation_id,
            "call": call.pk,
        }
    elif request.GET.get("number"):
        initial = {"number": request.GET["number"]}
    form = LogCallForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            caller = None
            if data["caller"]:
                caller = User.objects.filter(pk=data["caller"], role="customer").first()
                if caller is None:
                    raise InvalidInput("caller", _("is not a customer user"))
            ticket = None
            if data["ticket"].strip():
                pk = Ticket.pk_from_number(data["ticket"])
                ticket = tickets_for_user(user).filter(pk=pk).first() if pk else None
                if ticket is None:
                    raise InvalidInput(
                        "ticket", _("%(data)r is not a ticket number") % {"data": data["ticket"]}
                    )
            logged = phone_actions.call_log(
                actor=user,
                number=data["number"],
                direction=data["direction"],
                summary=data["summary"],
                caller=caller,
                organisation=data["organisation"],
                ticket=ticket,
                subject=data["subject"],
                kind=data["kind"] or Kind.HOW_TO,
                call=call,
            )
        except ActionError as exc:
            field = getattr(exc, "field", None)
            form.add_error(
                field if field in form.fields else None, getattr(exc, "reason", exc.message)
            )
        else:
            assert logged.ticket is not None
            messages.success(
                request, _("Call logged on %(number)s.") % {"number": logged.ticket.number}
            )
            return redirect("console:workspace", number=logged.ticket.number)
    number = form.data.get("number") if form.is_bound else initial.get("number", "")
    return render(
        request, "console/log_call.html", {"form": form, "call": call, "number": number or ""}
    )


@staff_only
@require_POST
def call_back(request: HttpRequest, call_id: int) -> HttpResponse:
    """Mark a missed call returned, or take its call-back on oneself."""
    user = staff_user(request)
    call = Call.objects.filter(pk=call_id).first()
    if call is None:
        raise Http404("no such call")
    try:
        if request.POST.get("claim"):
            phone_actions.call_claim(call=call, actor=user)
            messages.success(request, _("The call-back is yours."))
        else:
            phone_actions.call_called_back(call=call, actor=user)
            messages.success(request, _("Marked as called back."))
    except ActionError as exc:
        report(request, exc)
    # Back where the button was: My day or the telephone page (never a URL from input).
    return redirect("console:my_day" if request.POST.get("next") == "my_day" else "console:phone")
