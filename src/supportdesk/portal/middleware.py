"""Session security for every page: idle timeout, staff's second factor, the user's language."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.plugins.otp_totp.models import TOTPDevice

from supportdesk.accounts.cache import cached
from supportdesk.core.links import link_maker

LAST_SEEN_KEY = "last_seen"
# Writing the session on every request would cost a write per page: once a minute is enough.
LAST_SEEN_RESOLUTION = 60
# Sent by parts of a page that refresh themselves (the ticket timeline's polling).
BACKGROUND_HEADER = "X-Background-Refresh"


class CachedOTPMiddleware(OTPMiddleware):
    """django-otp's middleware, with the device that verified the user read through the
    cache like the user (``accounts.cache``)."""

    def _verify_user_sync(self, request: HttpRequest, user: Any) -> Any:
        self._init_user_fields(user)
        if user.is_authenticated:
            persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
            device = (
                cached(
                    user.pk,
                    f"device:{persistent_id}",
                    lambda: self._device_from_persistent_id(persistent_id),
                )
                if persistent_id
                else None
            )
            user.otp_device = self._finalize_device(request, user, device)
        return user


class SessionSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            if self._idle_too_long(request):
                logout(request)
                messages.info(
                    request,
                    _("You were logged out after %(minutes)s minutes without activity.")
                    % {"minutes": settings.SESSION_IDLE_MINUTES},
                )
            else:
                language = getattr(user, "language", "")
                if language in dict(settings.LANGUAGES):
                    # The language the user chose wins over the browser's.
                    translation.activate(language)
                    request.LANGUAGE_CODE = language
                redirect = self._second_factor_redirect(request)
                if redirect is not None:
                    return redirect
        return self.get_response(request)

    def _idle_too_long(self, request: HttpRequest) -> bool:
        now = time.time()
        last_seen = request.session.get(LAST_SEEN_KEY)
        if (
            isinstance(last_seen, int | float)
            and now - last_seen > settings.SESSION_IDLE_MINUTES * 60
        ):
            return True
        if request.headers.get(BACKGROUND_HEADER):
            return False  # a page refreshing itself is not the person being active
        if not isinstance(last_seen, int | float) or now - last_seen >= LAST_SEEN_RESOLUTION:
            request.session[LAST_SEEN_KEY] = int(now)
        return False

    def _second_factor_redirect(self, request: HttpRequest) -> HttpResponse | None:
        """Staff with a TOTP device verify it; roles that require one enrol first."""
        user = request.user
        if not getattr(user, "is_support_staff", False) or _exempt(request.path):
            return None
        is_verified = getattr(user, "is_verified", None)
        if callable(is_verified) and is_verified():
            return None
        # The authenticator app is the second factor; recovery codes only come with it.
        if cached(
            user.pk,
            "has_device",
            lambda: TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists(),
        ):
            target = "two_factor_verify"
        elif getattr(user, "role", "") in settings.OTP_REQUIRED_ROLES:
            target = "two_factor"
        else:
            return None
        query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
        url = reverse(target) + (f"?{query}" if query else "")
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)


# Pages a user who still owes the second factor may open, by URL name.
EXEMPT = ("two_factor", "two_factor_verify", "logout", "language_set", "healthz")


def _exempt(path: str) -> bool:
    """Whether ``path`` is one of the ``EXEMPT`` pages (their URLs reversed once per process,
    ``core.links``) or a static file."""
    return path.startswith(settings.STATIC_URL) or any(
        path == link_maker(name)() for name in EXEMPT
    )
