"""Two-factor log-in for staff with TOTP (django-otp): required for the roles in
OTP_REQUIRED_ROLES (administrators), a choice for other staff."""

from __future__ import annotations

import base64

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
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from supportdesk.accounts.cache import forget_user
from supportdesk.accounts.models import User
from supportdesk.portal.forms import TwoFactorForm


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
            if required:
                form.add_error(None, _("Your role must log in with a second factor."))
            elif confirmed.verify_token(form.cleaned_data["token"]):
                persistent_id = confirmed.persistent_id
                confirmed.delete()
                forget_user(user.pk, persistent_id)
                messages.success(request, _("Two-factor log-in is off."))
                return redirect("two_factor")
            else:
                form.add_error("token", _("The code is wrong or too old. Try the next one."))
        return render(
            request,
            "portal/two_factor.html",
            {"device": confirmed, "form": form, "required": required},
        )
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            forget_user(user.pk, device.persistent_id)
            otp_login(request, device)
            messages.success(request, _("Two-factor log-in is on."))
            return redirect(_next(request))
        form.add_error("token", _("The code is wrong or too old. Try the next one."))
    return render(
        request,
        "portal/two_factor.html",
        {
            "form": form,
            "required": required,
            "qr": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 - SVG made by qrcode
            "secret": base64.b32encode(device.bin_key).decode(),
            "next": _next(request),
        },
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
        if allowed and device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error(
            "token",
            _("The code is wrong or too old. Try the next one.")
            if allowed
            else _("Too many wrong codes: wait a few seconds and try again."),
        )
    return render(request, "portal/two_factor_verify.html", {"form": form, "next": _next(request)})
