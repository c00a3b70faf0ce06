"""Accounts: log-in with throttling, invitations (no self sign-up), password reset, language."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from supportdesk.accounts.models import User
from supportdesk.core import clock
from supportdesk.core.errors import IllegalTransition, InvalidInput, PermissionDenied
from supportdesk.core.fieldnames import named
from supportdesk.core.web import refused
from supportdesk.portal.actions import (
    billing_contact_set,
    invitation_create,
    invitation_for_token,
    organisations_user_may_invite_to,
)
from supportdesk.portal.actions import (
    invitation_accept as accept,
)
from supportdesk.portal.forms import (
    AcceptInvitationForm,
    InvitationForm,
    LoginForm,
    OutboxPasswordResetForm,
)
from supportdesk.portal.models import Invitation
from supportdesk.portal.throttle import address_window

PASSWORD_RESETS_PER_HOUR = 5


class LoginView(auth_views.LoginView):
    """Django's log-in (which gives the session a new key) with throttled failures."""

    form_class = LoginForm
    redirect_authenticated_user = True


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin site has no log-in form of its own: the one log-in page, with its
    throttle and the second factor, serves it too."""
    target = request.GET.get("next") or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("admin:index")
    return HttpResponseRedirect(f"{reverse('login')}?{urlencode({'next': target})}")


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, mailed through the outbox, a few requests per address."""

    form_class = OutboxPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form: Any) -> HttpResponse:
        window = address_window(
            "password_reset", self.request, limit=PASSWORD_RESETS_PER_HOUR, seconds=3600
        )
        minutes = window.blocked_minutes()
        if minutes:
            form.add_error(
                None,
                _("Too many password resets from your address. Try again in %(minutes)s minutes.")
                % {"minutes": minutes},
            )
            return self.form_invalid(form)
        window.hit()
        return super().form_valid(form)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
@require_http_methods(["GET", "POST"])
def invitations(request: HttpRequest) -> HttpResponse:
    """The "Invite" page: a business consultant invites users of their organisations (R9)."""
    user = _user(request)
    organisations = organisations_user_may_invite_to(user)
    if not organisations.exists():
        raise Http404("no organisations to invite to")
    form = InvitationForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation, _link = invitation_create(
                actor=user,
                organisation=data["organisation"],
                email=data["email"],
                name=data["name"],
                language=data["language"],
            )
        except InvalidInput as exc:
            refused(request, exc, form=form)
        except PermissionDenied as exc:
            form.add_error("organisation", exc.message)
        else:
            messages.success(
                request,
                _("The invitation was sent to %(email)s. The link works once, for %(days)s days.")
                % {"email": invitation.email, "days": settings.INVITATION_VALID_DAYS},
            )
            return redirect("invitations")
    recent = (
        Invitation.objects.filter(organisation__in=organisations)
        .select_related("organisation", "invited_by")
        .order_by("-created_at")[:50]
    )
    now = clock.now()
    members = (
        User.objects.filter(organisation__in=organisations, role="customer", is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "email")
    )
    return render(
        request,
        "portal/invitations.html",
        {
            "form": form,
            "invitations": [(i, i.state_at(now)) for i in recent],
            "members": members,
        },
    )


@login_required
@require_POST
def billing_contact(request: HttpRequest, user_id: int) -> HttpResponse:
    """Turn a customer user's billing-contact flag on or off (the "Invite" page)."""
    actor = _user(request)
    member = (
        User.objects.filter(pk=user_id, organisation__in=organisations_user_may_invite_to(actor))
        .select_related("organisation")
        .first()
    )
    if member is None:
        raise Http404("no such user")
    value = request.POST.get("billing_contact", "")
    if value not in {"on", "off"}:
        messages.error(request, str(named("billing_contact", _("choose on or off"))))
        return redirect("invitations")
    try:
        billing_contact_set(actor=actor, user=member, billing_contact=value == "on")
    except (InvalidInput, PermissionDenied) as exc:
        messages.error(request, exc.message)
    else:
        text = (
            _("%(email)s now receives the statements.")
            if value == "on"
            else _("%(email)s no longer receives the statements.")
        )
        messages.success(request, text % {"email": member.email})
    return redirect("invitations")


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Set a password from the invitation link; a used or expired link gets a clear page."""
    invitation = invitation_for_token(token)
    if invitation is None:
        return render(request, "portal/invitation_refused.html", {"state": "unknown"}, status=404)
    state = invitation.state_at(clock.now())
    if state != Invitation.State.PENDING:
        return _refused(request, invitation, state)
    form = AcceptInvitationForm(request.POST or None, initial={"name": invitation.name})
    if request.method == "POST" and form.is_valid():
        try:
            user = accept(
                token=token,
                password=form.cleaned_data["password1"],
                name=form.cleaned_data["name"],
                language=translation.get_language() or "",
            )
        except InvalidInput as exc:
            if exc.field == "password":
                form.add_error("password1", exc.reason)
            else:
                form.add_error(None, exc.message)
        except IllegalTransition:
            invitation.refresh_from_db()
            return _refused(request, invitation, invitation.state_at(clock.now()))
        else:
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            messages.success(
                request,
                _("Welcome, your account is ready. Register a ticket or follow your tickets here."),
            )
            return redirect("ticket_list")
    return render(
        request, "portal/invitation_accept.html", {"form": form, "invitation": invitation}
    )


def _refused(request: HttpRequest, invitation: Invitation, state: str) -> HttpResponse:
    return render(
        request,
        "portal/invitation_refused.html",
        {"state": state, "invitation": invitation},
        status=410,
    )


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Switch the language; a logged-in user keeps the choice on their account."""
    language = request.POST.get("language", "")
    nxt = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        nxt = "/"
    response = HttpResponseRedirect(nxt)
    if language in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            User.objects.filter(pk=request.user.pk).update(language=language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE or 365 * 24 * 3600,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
        )
    return response
