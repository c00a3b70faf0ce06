"""Public pages, no log-in: how to get support, what is charged, the inquiry form (R10)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from supportdesk.core.web import run_action
from supportdesk.leads.actions import lead_create
from supportdesk.portal.forms import InquiryForm
from supportdesk.portal.hints import FREE_KINDS, MINIMUM_MINUTES
from supportdesk.portal.throttle import address_window
from supportdesk.tickets.models import Impact, Kind


@require_GET
def support(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/public/support.html",
        {
            "assignment_days": settings.ASSIGNMENT_WORKING_DAYS,
            "resolution_days": settings.RESOLUTION_WORKING_DAYS,
            "impacts": [Impact(value).label for value in Impact.values if value],
        },
    )


@require_GET
def charges(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/public/charges.html",
        {
            "free": [Kind(value).label for value in Kind.values if value in FREE_KINDS],
            "charged": [
                Kind(value).label
                for value in Kind.values
                if value not in FREE_KINDS and value != Kind.HOW_TO
            ],
            "minimum": MINIMUM_MINUTES,
        },
    )


@require_http_methods(["GET", "POST"])
def inquiry(request: HttpRequest) -> HttpResponse:
    """A question from a non-customer becomes a lead for staff, never a ticket (R10)."""
    form = InquiryForm(request.POST or None)
    if request.method == "POST":
        window = address_window("inquiry", request, limit=settings.INQUIRIES_PER_HOUR, seconds=3600)
        minutes = window.blocked_minutes()
        if minutes:
            return render(
                request,
                "portal/public/inquiry.html",
                {
                    "form": form,
                    "throttled": _(
                        "We have received several questions from your address within the hour. "
                        "Please try again in %(minutes)s minutes, or mail %(email)s."
                    )
                    % {"minutes": minutes, "email": settings.SUPPORT_EMAIL},
                },
                status=429,
            )
        if form.is_valid():
            window.hit()
            data = form.cleaned_data
            # A filled-in honeypot is a robot: it is thanked like a person and nothing is kept.
            if not data["website"] and not run_action(
                request,
                lead_create,
                form=form,
                source="web",
                name=data["name"],
                company=data["company"],
                email=data["email"],
                phone=data["phone"],
                subject=data["subject"],
                message=data["message"],
            ):
                return render(request, "portal/public/inquiry.html", {"form": form})
            return redirect("inquiry_thanks")
    return render(request, "portal/public/inquiry.html", {"form": form})


@require_GET
def inquiry_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/public/inquiry_thanks.html")
