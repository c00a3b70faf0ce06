"""Statement pages for customers and staff, and the staff page to log time on a ticket.

Every object is reached through an access helper that takes the user; "not yours" is 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from supportdesk.accounts.http import request_user
from supportdesk.accounts.models import User
from supportdesk.billing import actions, odoo_export
from supportdesk.billing.documents import statement_context, statement_csv, statement_pdf
from supportdesk.billing.forms import (
    CloseMonthForm,
    CorrectionForm,
    CreditForm,
    OverrideForm,
    TimeLogForm,
)
from supportdesk.billing.models import Statement, TimeEntry
from supportdesk.billing.selectors import (
    entries_for_ticket,
    statement_for_user,
    statements_for_user,
)
from supportdesk.core import clock
from supportdesk.core.errors import ActionError
from supportdesk.core.web import form_errors, refused, run_action, staff_only
from supportdesk.tickets.access import ticket_for_user

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


CSV = "text/csv; charset=utf-8"


def statement_post(
    view: Callable[[HttpRequest, User, Statement], HttpResponse],
) -> Callable[[HttpRequest, str], HttpResponse]:
    """A change to the statement of the URL's ``number`` by staff, by POST:
    ``view(request, user, statement)``; to anyone else the page is not found."""

    @staff_only
    @require_POST
    @wraps(view)
    def wrapped(request: HttpRequest, number: str) -> HttpResponse:
        user = request_user(request)
        return view(request, user, statement_for_user(user, number))

    return wrapped


@login_required
def statement_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    statements = statements_for_user(user).order_by("-month", "organisation__name", "-id")
    if user.is_support_staff and request.GET.get("status") in Statement.Status.values:
        statements = statements.filter(status=request.GET["status"])
    page = Paginator(statements, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "billing/statement_list.html",
        {
            "page": page,
            "close_form": CloseMonthForm() if user.role in actions.BILLING_ROLES else None,
        },
    )


@login_required
def statement_detail(request: HttpRequest, number: str) -> HttpResponse:
    user = request_user(request)
    statement = statement_for_user(user, number)
    context = statement_context(statement, user)
    context["can_bill"] = user.role in actions.BILLING_ROLES
    context["credit_form"] = CreditForm()
    context["odoo_configured"] = odoo_export.is_configured()
    return render(request, "billing/statement_detail.html", context)


def _statement_file(
    request: HttpRequest,
    number: str,
    document: Callable[[Statement, User], bytes | str],
    content_type: str,
    disposition: str,
    extension: str,
) -> HttpResponse:
    """The statement as a file, named ``statement-<reference>.<extension>``."""
    user = request_user(request)
    statement = statement_for_user(user, number)
    name = f"statement-{statement.reference}.{extension}"
    response = HttpResponse(document(statement, user), content_type=content_type)
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response


@login_required
def statement_pdf_view(request: HttpRequest, number: str) -> HttpResponse:
    return _statement_file(request, number, statement_pdf, "application/pdf", "inline", "pdf")


@login_required
def statement_csv_view(request: HttpRequest, number: str) -> HttpResponse:
    return _statement_file(request, number, statement_csv, CSV, "attachment", "csv")


@statement_post
def statement_issue_view(request: HttpRequest, user: User, statement: Statement) -> HttpResponse:
    if request.POST.get("confirmed") != "yes" and statement.is_draft:
        # Issuing freezes the statement for good: say what will be issued, and as what.
        context = statement_context(statement, user)
        context["next_number"] = actions.next_number(timezone.localdate(clock.now()).year)
        return render(request, "billing/statement_issue_confirm.html", context)
    issued = run_action(request, actions.statement_issue, statement=statement, actor=user)
    if issued and issued.value is not None:
        statement = issued.value
        messages.success(request, _("Statement %(number)s issued.") % {"number": statement.number})
    return redirect("billing:statement_detail", number=statement.reference)


@statement_post
def statement_redraft_view(request: HttpRequest, user: User, statement: Statement) -> HttpResponse:
    outcome = run_action(
        request,
        actions.statement_draft,
        organisation=statement.organisation,
        month=statement.month,
        actor=user,
    )
    if not outcome:
        return redirect("billing:statement_detail", number=statement.reference)
    drafted = outcome.value
    if drafted is None:
        messages.success(request, _("Nothing left to bill for that month: the draft was removed."))
        return redirect("billing:statement_list")
    messages.success(request, _("Draft computed again from the time logged."))
    return redirect("billing:statement_detail", number=drafted.reference)


@statement_post
def statement_credit_view(request: HttpRequest, user: User, statement: Statement) -> HttpResponse:
    form = CreditForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("reason: is required to credit a statement"))
        return redirect("billing:statement_detail", number=statement.reference)
    credited = run_action(
        request,
        actions.statement_credit,
        statement=statement,
        actor=user,
        reason=form.cleaned_data["reason"],
    )
    if not credited or credited.value is None:
        return redirect("billing:statement_detail", number=statement.reference)
    credit = credited.value
    messages.success(
        request,
        _("Credit statement %(credit)s issued for %(number)s.")
        % {"credit": credit.number, "number": statement.number},
    )
    return redirect("billing:statement_detail", number=credit.reference)


@statement_post
def statement_export_view(request: HttpRequest, user: User, statement: Statement) -> HttpResponse:
    try:
        move_id = odoo_export.statement_export(statement=statement, actor=user)
    except (ActionError, odoo_export.ExportFailed) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Exported to Odoo as draft invoice %(move_id)s.") % {"move_id": move_id}
        )
    return redirect("billing:statement_detail", number=statement.reference)


@staff_only
@require_POST
def close_month_view(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = CloseMonthForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect("billing:statement_list")
    month, organisation = form.cleaned_data["month"], form.cleaned_data["organisation"]
    try:
        if organisation is None:
            drafted = actions.close_month(month=month, actor=user)
        else:
            one = actions.statement_draft(organisation=organisation, month=month, actor=user)
            drafted = [one] if one else []
    except ActionError as exc:
        refused(request, exc)
    else:
        messages.success(
            request,
            _("%(length)s draft statement(s) for %(month)s.")
            % {"length": len(drafted), "month": format(month, "%Y-%m")},
        )
    return redirect("billing:statement_list")


# --- time on a ticket (staff) ---------------------------------------------------------


@staff_only
def ticket_time(request: HttpRequest, number: str) -> HttpResponse:
    """Staff log time on a ticket and see how each entry is charged (R6)."""
    user = request_user(request)
    ticket = ticket_for_user(user, number)
    form = TimeLogForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        logged = run_action(
            request,
            actions.time_log,
            form=form,
            success=_("Time logged on %(number)s.") % {"number": ticket.number},
            ticket=ticket,
            actor=user,
            minutes=form.cleaned_data["minutes"],
            description=form.cleaned_data["description"],
            date=form.cleaned_data["date"],
        )
        if logged:
            return redirect("billing:ticket_time", number=ticket.number)
    return render(
        request,
        "billing/ticket_time.html",
        {
            "ticket": ticket,
            "entries": entries_for_ticket(ticket),
            "form": form,
            "override_form": OverrideForm(),
            "correction_form": CorrectionForm(),
            "can_override": user.role in actions.OVERRIDE_ROLES,
        },
    )


def _entry_for_staff(user: User, number: str, entry_id: int) -> TimeEntry:
    ticket = ticket_for_user(user, number)
    try:
        return TimeEntry.objects.select_related("ticket").get(pk=entry_id, ticket=ticket)
    except TimeEntry.DoesNotExist:
        raise Http404("no such entry") from None


def _entry_change_view(
    form_class: type[forms.Form],
    action: Callable[..., object],
    success: StrOrPromise,
    invalid: StrOrPromise,
) -> Callable[[HttpRequest, str, int], HttpResponse]:
    """A staff view that posts a form about one time entry to its action (the form's fields
    are the action's keywords), then goes back to the ticket's time page."""

    @staff_only
    @require_POST
    def view(request: HttpRequest, number: str, entry_id: int) -> HttpResponse:
        user = request_user(request)
        entry = _entry_for_staff(user, number, entry_id)
        form = form_class(request.POST)
        if form.is_valid():
            run_action(
                request, action, success=str(success), entry=entry, actor=user, **form.cleaned_data
            )
        else:
            messages.error(request, str(invalid))
        return redirect("billing:ticket_time", number=entry.ticket.number)

    return view


entry_override_view = _entry_change_view(
    OverrideForm,
    actions.time_override,
    gettext_lazy("Charge of the entry recorded."),
    gettext_lazy("charge: choose free, charged or the rules"),
)
entry_correct_view = _entry_change_view(
    CorrectionForm,
    actions.time_correct,
    gettext_lazy("Correction recorded: it is credited on the next statement."),
    gettext_lazy("minutes and reason: both are required for a correction"),
)
