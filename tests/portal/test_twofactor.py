"""TOTP two-factor log-in for staff: required for administrators, a choice for others."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from supportdesk.accounts.twofactor import new_recovery_codes
from supportdesk.mail.models import OutboundMail
from supportdesk.portal.middleware import EXEMPT
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def code(device: TOTPDevice, *, ahead: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0 - ahead * device.step, digits=device.digits):06d}"


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def _prove_enrolment(client, user) -> None:
    """An administrator's first enrolment: the code mailed to them."""
    client.post(reverse("two_factor"), {"action": "mail"})
    mail = OutboundMail.objects.filter(to=[user.email]).latest("id")
    found = re.search(r"is: (\w+)", mail.text)
    assert found is not None
    assert client.post(reverse("two_factor"), {"code": found.group(1)}).status_code == 302


def test_an_administrator_without_a_device_must_enrol_first(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("ticket_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor"))
    first = client.get(response["Location"]).content.decode()
    assert "prove that you are you" in first and "<svg" not in first
    _prove_enrolment(client, admin_user)
    page = client.get(reverse("two_factor")).content.decode()
    assert "Your role must log in with a second factor" in page
    assert "<svg" in page  # the QR code, made on the server
    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)
    done = client.post(
        reverse("two_factor"), {"token": code(device), "next": reverse("ticket_list")}
    )
    # The recovery codes are shown once, then the way on.
    assert done.status_code == 200
    shown = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    assert len(shown) == 10
    assert TOTPDevice.objects.get(user=admin_user).confirmed
    assert client.get(reverse("ticket_list")).status_code == 200


def test_the_password_alone_cannot_enrol_an_administrator(client, admin_user):
    client.force_login(admin_user)
    wrong = client.post(reverse("two_factor"), {"code": "guessed1"})
    assert wrong.status_code == 422 and "wrong" in wrong.content.decode()
    client.post(reverse("two_factor"), {"token": "123456"})
    assert not TOTPDevice.objects.filter(user=admin_user).exists()
    assert client.get(reverse("ticket_list")).status_code == 302


def test_another_administrator_may_issue_the_enrolment_code(client, admin_user):
    colleague = UserFactory(email="root2@partner.example", role="admin", organisation=None)
    device = confirmed_device(colleague)
    client.force_login(colleague)
    client.post(reverse("two_factor_verify"), {"token": code(device)})
    response = client.post(
        "/admin/accounts/user/",
        {"action": "issue_enrolment_code", "_selected_action": [admin_user.pk]},
        follow=True,
    )
    found = re.search(r"Enrolment code for admin@partner.example: (\w+)", response.content.decode())
    assert found is not None
    client.force_login(admin_user)
    assert client.post(reverse("two_factor"), {"code": found.group(1)}).status_code == 302
    assert "<svg" in client.get(reverse("two_factor")).content.decode()


def test_a_recovery_code_logs_in_once(client, consultant):
    confirmed_device(consultant)
    codes = new_recovery_codes(consultant)
    client.force_login(consultant)
    ok = client.post(
        reverse("two_factor_verify"), {"token": codes[0], "next": reverse("ticket_list")}
    )
    assert ok.status_code == 302 and ok["Location"] == reverse("ticket_list")
    assert client.get(reverse("ticket_list")).status_code == 200
    client.logout()
    client.force_login(consultant)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=30)):
        again = client.post(reverse("two_factor_verify"), {"token": codes[0]})
    assert again.status_code == 200 and "wrong" in again.content.decode()


def test_the_admin_login_form_is_the_site_login(client, admin_user):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=%2Fadmin%2F"
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_the_admin_is_throttled_like_every_log_in(client, admin_user):
    for _attempt in range(8):
        client.post(
            reverse("login") + "?next=/admin/",
            {"username": admin_user.email, "password": "wrong"},
        )
    response = client.post(
        reverse("login") + "?next=/admin/",
        {"username": admin_user.email, "password": PASSWORD},
    )
    assert response.status_code == 200 and "Too many failed log-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_wrong_code_does_not_enrol(client, admin_user):
    client.force_login(admin_user)
    _prove_enrolment(client, admin_user)
    client.get(reverse("two_factor"))
    response = client.post(reverse("two_factor"), {"token": "000000"})
    assert "The code is wrong" in response.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert client.get(reverse("ticket_list")).status_code == 302


def test_staff_with_a_device_verify_a_code_after_the_password(client, consultant):
    device = confirmed_device(consultant)
    client.post(
        reverse("login"), {"username": consultant.email, "password": "correct-horse-battery"}
    )
    response = client.get(reverse("ticket_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))
    wrong = client.post(reverse("two_factor_verify"), {"token": "123456"})
    assert "The code is wrong" in wrong.content.decode()
    too_soon = client.post(reverse("two_factor_verify"), {"token": code(device)})
    assert "Too many wrong codes" in too_soon.content.decode()
    # A wrong code makes the next try wait a little (django-otp's throttling).
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=3)):
        ok = client.post(
            reverse("two_factor_verify"), {"token": code(device), "next": reverse("ticket_list")}
        )
    assert ok.status_code == 302 and ok["Location"] == reverse("ticket_list")
    assert client.get(reverse("ticket_list")).status_code == 200


def test_staff_without_a_device_are_not_asked_for_a_code(client, consultant):
    client.force_login(consultant)
    assert client.get(reverse("ticket_list")).status_code == 200


def test_optional_staff_may_turn_two_factor_off_with_a_code(client, consultant):
    device = confirmed_device(consultant)
    client.force_login(consultant)
    client.post(reverse("two_factor_verify"), {"token": code(device)})
    response = client.post(reverse("two_factor"), {"token": code(device, ahead=1)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=consultant).exists()


def test_an_administrator_cannot_turn_two_factor_off(client, admin_user):
    device = confirmed_device(admin_user)
    client.force_login(admin_user)
    client.post(reverse("two_factor_verify"), {"token": code(device)})
    response = client.post(reverse("two_factor"), {"token": code(device, ahead=1)})
    assert "Your role must log in with a second factor" in response.content.decode()
    assert TOTPDevice.objects.filter(user=admin_user, confirmed=True).exists()


def test_the_admin_site_is_behind_the_second_factor(client, admin_user):
    confirmed_device(admin_user)
    client.force_login(admin_user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))


def test_customers_have_no_two_factor_pages(client, alice):
    client.force_login(alice)
    assert client.get(reverse("two_factor")).status_code == 404
    assert client.get(reverse("two_factor_verify")).status_code == 404


def test_an_administrator_owing_the_second_factor_may_open_only_the_exempt_pages(
    client, admin_user
):
    client.force_login(admin_user)
    owed = reverse("two_factor") + "?next="  # where the middleware sends them
    for name in EXEMPT:
        response = client.get(reverse(name))
        assert not response.get("Location", "").startswith(owed), name
    for path in (reverse("ticket_list"), reverse("two_factor") + "x/", "/console/"):
        assert client.get(path)["Location"].startswith(owed), path
