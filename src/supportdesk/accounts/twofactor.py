"""Codes around two-factor log-in: enrolment codes for administrators, recovery codes.

An administrator's first enrolment needs proof beyond the password: a one-time code
mailed to their address, or one issued by another administrator. Both are static tokens
of an unconfirmed ``enrolment`` device, which never counts as a way to log in.

Every account with two-factor gets recovery codes (a confirmed ``recovery`` static
device), shown once at enrolment; each works once in place of the authenticator's code.
"""

from __future__ import annotations

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from supportdesk.accounts.models import User

ENROLMENT = "enrolment"
RECOVERY = "recovery"
RECOVERY_CODES = 10
# Unused enrolment codes kept per user: asking again many times does not pile them up.
ENROLMENT_CODES_KEPT = 3


def _normalise(code: str) -> str:
    return "".join(code.split()).lower()


def issue_enrolment_code(user: User) -> str:
    """A new one-time enrolment code for ``user`` (to mail, or to hand over in person)."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=ENROLMENT, defaults={"confirmed": False}
        )
        token = StaticToken.random_token()
        device.token_set.create(token=token)
        stale = device.token_set.order_by("-id").values_list("id", flat=True)[ENROLMENT_CODES_KEPT:]
        StaticToken.objects.filter(id__in=list(stale)).delete()
    return token


def use_enrolment_code(user: User, code: str) -> bool:
    """True, and the code is spent, when ``code`` is one of ``user``'s enrolment codes."""
    device = StaticDevice.objects.filter(user=user, name=ENROLMENT).first()
    return device is not None and device.verify_token(_normalise(code))


def new_recovery_codes(user: User) -> list[str]:
    """Replace ``user``'s recovery codes with fresh ones; the caller shows them once."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def recovery_device(user: User, code: str) -> StaticDevice | None:
    """The recovery device when ``code`` is one of ``user``'s unused recovery codes (spent)."""
    device = StaticDevice.objects.filter(user=user, name=RECOVERY, confirmed=True).first()
    if device is not None and device.verify_token(_normalise(code)):
        return device
    return None


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY).count()


def forget_second_factor(user: User) -> None:
    """Two-factor turned off: its recovery codes go with it."""
    StaticDevice.objects.filter(user=user, name=RECOVERY).delete()
