"""TOTP two-factor log-in for staff: required for administrators, a choice for others."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db


def code(device: TOTPDevice, *, ahead: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0 - ahead * device.step, digits=device.digits):06d}"


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def test_an_administrator_without_a_device_must_enrol_first(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("ticket_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor"))
    page = client.get(response["Location"]).content.decode()
    assert "Your role must log in with a second factor" in page
    assert "<svg" in page  # the QR code, made on the server
    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)
    done = client.post(
        reverse("two_factor"), {"token": code(device), "next": reverse("ticket_list")}
    )
    assert done.status_code == 302 and done["Location"] == reverse("ticket_list")
    assert TOTPDevice.objects.get(user=admin_user).confirmed
    assert client.get(reverse("ticket_list")).status_code == 200


def test_a_wrong_code_does_not_enrol(client, admin_user):
    client.force_login(admin_user)
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
