"""Invitation-only accounts (R9): staff invite, the link works once and expires."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from supportdesk.accounts.models import User
from supportdesk.mail.models import OutboundMail
from supportdesk.portal.actions import invitation_accept, invitation_create
from supportdesk.portal.models import Invitation

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-new-pass-phrase"


def invite(client, business_consultant, org, email="nina@alpha.example", **extra):
    client.force_login(business_consultant)
    data = {"organisation": org.pk, "email": email, "name": "Nina Nord", "language": "en"}
    data.update(extra)
    return client.post(reverse("invitations"), data)


def link_path(mail: OutboundMail) -> str:
    return re.search(r"https?://[^/\s]+(/invitation/[^\s]+/)", mail.text).group(1)


def test_business_consultant_invites_a_customer_user_by_mail(client, business_consultant, org_a):
    response = invite(client, business_consultant, org_a)
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.organisation, invitation.invited_by) == (
        "nina@alpha.example",
        org_a,
        business_consultant,
    )
    mail = OutboundMail.objects.get(purpose="invitation")
    assert mail.to == ["nina@alpha.example"]
    assert "Alpha AB" in mail.subject
    assert "Bea Berg" in mail.text and "7 days" in mail.text
    # The mail holds the only copy of the token: the database keeps a hash.
    token = link_path(mail).split("/")[2]
    assert token not in invitation.token_hash
    assert not User.objects.filter(email="nina@alpha.example").exists()
    page = client.get(reverse("invitations")).content.decode()
    assert "nina@alpha.example" in page and "Waiting for the person to set a password" in page


def test_invitation_mail_is_written_in_the_chosen_language(client, business_consultant, org_a):
    invite(client, business_consultant, org_a, language="sv")
    mail = OutboundMail.objects.get(purpose="invitation")
    assert "Ditt supportkonto" in mail.subject
    assert "Välj ditt lösenord" in mail.text


def test_invitee_sets_a_password_and_is_logged_in(client, business_consultant, org_a):
    invite(client, business_consultant, org_a)
    path = link_path(OutboundMail.objects.get(purpose="invitation"))
    client.logout()
    page = client.get(path)
    assert page.status_code == 200
    assert "nina@alpha.example" in page.content.decode()
    response = client.post(
        path, {"name": "Nina Nord", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == reverse("ticket_list")
    user = User.objects.get(email="nina@alpha.example")
    assert (user.role, user.organisation, user.name) == ("customer", org_a, "Nina Nord")
    assert user.check_password(PASSWORD)
    assert client.get(reverse("ticket_list")).status_code == 200
    assert Invitation.objects.get().accepted_at is not None


def test_a_used_link_is_refused_with_a_clear_page(client, business_consultant, org_a):
    invite(client, business_consultant, org_a)
    path = link_path(OutboundMail.objects.get(purpose="invitation"))
    client.logout()
    client.post(path, {"password1": PASSWORD, "password2": PASSWORD})
    client.logout()
    for response in (
        client.get(path),
        client.post(path, {"password1": "another-pass-phrase", "password2": "another-pass-phrase"}),
    ):
        assert response.status_code == 410
        page = response.content.decode()
        assert "This invitation link has already been used" in page
        assert reverse("password_reset") in page
    assert User.objects.get(email="nina@alpha.example").check_password(PASSWORD)


def test_an_expired_link_is_refused_with_a_clear_page(client, business_consultant, org_a):
    invite(client, business_consultant, org_a)
    path = link_path(OutboundMail.objects.get(purpose="invitation"))
    client.logout()
    with time_machine.travel(timezone.now() + dt.timedelta(days=7, minutes=1)):
        response = client.post(path, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 410
    page = response.content.decode()
    assert "This invitation link has expired" in page
    assert "Ask your business consultant to invite you again" in page
    assert "bea@partner.example" in page
    assert not User.objects.filter(email="nina@alpha.example").exists()


def test_a_new_invitation_replaces_the_older_link(client, business_consultant, org_a):
    invite(client, business_consultant, org_a)
    first = link_path(OutboundMail.objects.get(purpose="invitation"))
    invite(client, business_consultant, org_a)
    client.logout()
    response = client.get(first)
    assert response.status_code == 410
    assert "This invitation link was replaced" in response.content.decode()


def test_an_unknown_link_is_a_clear_404(client):
    response = client.get(reverse("invitation_accept", args=["not-a-token"]))
    assert response.status_code == 404
    assert "This is not a valid invitation link" in response.content.decode()


def test_a_weak_password_is_refused_and_nothing_is_created(client, business_consultant, org_a):
    invite(client, business_consultant, org_a)
    path = link_path(OutboundMail.objects.get(purpose="invitation"))
    client.logout()
    response = client.post(path, {"password1": "12345678", "password2": "12345678"})
    assert response.status_code == 200
    assert "too common" in response.content.decode()
    assert not User.objects.filter(email="nina@alpha.example").exists()
    mismatch = client.post(path, {"password1": PASSWORD, "password2": PASSWORD + "x"})
    assert "The two passwords differ." in mismatch.content.decode()
    assert Invitation.objects.get().accepted_at is None


def test_consultants_and_customers_have_no_invite_page(client, consultant, alice):
    for user in (consultant, alice):
        client.force_login(user)
        assert client.get(reverse("invitations")).status_code == 404
        assert client.post(reverse("invitations"), {"email": "x@y.example"}).status_code == 404
    assert not Invitation.objects.exists()


def test_business_consultant_cannot_invite_to_another_organisation(
    client, business_consultant, org_b
):
    response = invite(client, business_consultant, org_b, email="eve@beta.example")
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not Invitation.objects.exists()
    assert not OutboundMail.objects.exists()


def test_administrator_invites_to_any_organisation(admin_user, org_b):
    invitation, link = invitation_create(
        actor=admin_user, organisation=org_b, email="Eve@Beta.example"
    )
    assert invitation.email == "eve@beta.example"
    assert link.startswith("http") and "/invitation/" in link


def test_an_address_with_an_account_is_not_invited_again(client, business_consultant, org_a, alice):
    response = invite(client, business_consultant, org_a, email=alice.email)
    assert response.status_code == 200
    assert "already has an account" in response.content.decode()
    assert not Invitation.objects.exists()


def test_an_invitation_is_accepted_once_even_when_called_twice(business_consultant, org_a):
    _invitation, link = invitation_create(
        actor=business_consultant, organisation=org_a, email="olle@alpha.example"
    )
    token = link.rstrip("/").rsplit("/", 1)[1]
    invitation_accept(token=token, password=PASSWORD)
    from supportdesk.core.errors import IllegalTransition

    with pytest.raises(IllegalTransition, match="accepted"):
        invitation_accept(token=token, password=PASSWORD)
    assert User.objects.filter(email="olle@alpha.example").count() == 1


def test_there_is_no_self_sign_up(client, org_a):
    # Neither a sign-up page nor a way to make an account without an invitation.
    for path in ("/signup/", "/register/", "/accounts/signup/"):
        assert client.get(path).status_code == 404
    page = client.get(reverse("login")).content.decode()
    assert "your business consultant creates yours" in page
