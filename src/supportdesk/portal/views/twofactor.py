"""Two-factor log-in for staff with TOTP (django-otp): required for the roles in
OTP_REQUIRED_ROLES (administrators), a choice for other staff."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from supportdesk.accounts import twofactor as codes
from supportdesk.accounts.cache import forget_user
from supportdesk.accounts.models import Role, User
from supportdesk.core.fieldnames import named
from supportdesk.mail.outbox import queue_mail
from supportdesk.portal.forms import TwoFactorForm

# Set in the session once an administrator proved their enrolment with a code.
ENROLMENT_PROVEN = "two_factor_enrolment_proven"
WRONG_CODE = gettext_lazy("The code is wrong or too old. Try the next one.")


def _staff(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    if not user.is_support_staff:
        raise Http404("two-factor log-in is for staff")
    return user


def _next(request: HttpRequest) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return nxt
    return "/"


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app (QR code and a code to confirm), or turn it off."""
    user = _staff(request)
    required = user.role in settings.OTP_REQUIRED_ROLES
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    form = TwoFactorForm(request.POST or None)
    if confirmed is not None:
        if request.method == "POST" and form.is_valid():
            if request.POST.get("action") == "recovery":
                if confirmed.verify_token(form.cleaned_data["token"]):
                    return _show_recovery_codes(request, user, _next(request))
                form.add_error("token", WRONG_CODE)
            elif required:
                form.add_error(None, _("Your role must log in with a second factor."))
            elif confirmed.verify_token(form.cleaned_data["token"]):
                persistent_id = confirmed.persistent_id
                confirmed.delete()
                codes.forget_second_factor(user)
                forget_user(user.pk, persistent_id)
                messages.success(request, _("Two-factor log-in is off."))
                return redirect("two_factor")
            else:
                form.add_error("token", WRONG_CODE)
        return _page(
            request,
            form,
            required,
            device=confirmed,
            recovery_left=codes.recovery_codes_left(user),
        )
    if user.role == Role.ADMIN and not request.session.get(ENROLMENT_PROVEN):
        return _enrolment_proof(request, user)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            forget_user(user.pk, device.persistent_id)
            otp_login(request, device)
            request.session.pop(ENROLMENT_PROVEN, None)
            messages.success(request, _("Two-factor log-in is on."))
            return _show_recovery_codes(request, user, _next(request))
        form.add_error("token", WRONG_CODE)
    return _page(
        request,
        form,
        required,
        qr=mark_safe(_qr_svg(device.config_url)),  # noqa: S308 - SVG made by qrcode
        secret=base64.b32encode(device.bin_key).decode(),
        next=_next(request),
    )


def _page(
    request: HttpRequest, form: TwoFactorForm, required: bool, **context: Any
) -> HttpResponse:
    """The two-factor page: turning it off (``device``) or enrolling (``qr``, ``secret``)."""
    return render(
        request, "portal/two_factor.html", {"form": form, "required": required, **context}
    )


def _show_recovery_codes(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    """New recovery codes, shown this once."""
    return render(
        request,
        "portal/two_factor_recovery.html",
        {"codes": codes.new_recovery_codes(user), "next": next_url},
    )


def _enrolment_proof(request: HttpRequest, user: User) -> HttpResponse:
    """An administrator's first enrolment: a code mailed to them, or one from another
    administrator, before the authenticator can be set up (the password alone is not
    enough to take over an account that has no second factor yet)."""
    error = ""
    if request.method == "POST" and request.POST.get("action") == "mail":
        code = codes.issue_enrolment_code(user)
        queue_mail(
            to=[user.email],
            subject=_("Your code to set up two-factor log-in"),
            text=_(
                "Your code to set up two-factor log-in on %(site)s is: %(code)s\n\n"
                "If you did not ask for it, someone knows your password: change it."
            )
            % {"site": settings.SITE_NAME, "code": code},
            purpose="two_factor_enrolment",
        )
        messages.success(request, _("A code was mailed to %(email)s.") % {"email": user.email})
        return redirect(f"{request.path}?{urlencode({'next': _next(request)})}")
    if request.method == "POST":
        if codes.use_enrolment_code(user, request.POST.get("code", "")):
            request.session[ENROLMENT_PROVEN] = True
            return redirect(f"{request.path}?{urlencode({'next': _next(request)})}")
        error = str(named("code", _("the code is wrong or was used already")))
    return render(
        request,
        "portal/two_factor_enrolment.html",
        {"error": error, "next": _next(request)},
        status=422 if error else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of log-in for staff with an authenticator app."""
    user = _staff(request)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return redirect("two_factor")
    form = TwoFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _details = device.verify_is_allowed()
        token = form.cleaned_data["token"]
        if allowed and device.verify_token(token):
            otp_login(request, device)
            return redirect(_next(request))
        recovery = codes.recovery_device(user, token) if allowed else None
        if recovery is not None:
            otp_login(request, recovery)
            messages.warning(
                request,
                _("You logged in with a recovery code: %(left)s left.")
                % {"left": codes.recovery_codes_left(user)},
            )
            return redirect(_next(request))
        form.add_error(
            "token",
            WRONG_CODE if allowed else _("Too many wrong codes: wait a few seconds and try again."),
        )
    return render(request, "portal/two_factor_verify.html", {"form": form, "next": _next(request)})
