"""Log-in throttling, session security, password reset through the outbox, language."""

from __future__ import annotations

import re
import time

import pytest
from django.conf import settings
from django.urls import reverse

from supportdesk.accounts.models import User
from supportdesk.mail.models import OutboundMail
from supportdesk.portal.middleware import LAST_SEEN_KEY
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def log_in(client, email, password, address="203.0.113.5"):
    return client.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address
    )


def test_login_with_the_right_password_works(client, alice):
    response = log_in(client, alice.email, PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("ticket_list")).status_code == 200


def test_repeated_failures_lock_the_account_for_that_address(client, alice):
    for _ in range(settings.LOGIN_FAILURES_ALLOWED):
        response = log_in(client, alice.email, "wrong")
        assert "Please enter a correct" in response.content.decode()
    locked = log_in(client, alice.email, PASSWORD)
    assert locked.status_code == 200
    page = locked.content.decode()
    assert "Too many failed log-ins for this account from your address" in page
    assert f"Try again in {settings.LOGIN_LOCKOUT_MINUTES} minutes" in page
    assert "_auth_user_id" not in client.session
    # The same account from another address, and another account from this one, still work.
    assert log_in(client, alice.email, PASSWORD, address="198.51.100.7").status_code == 302


def test_another_account_from_a_locked_address_is_not_locked(client, alice, alice_colleague):
    for _ in range(settings.LOGIN_FAILURES_ALLOWED):
        log_in(client, alice.email, "wrong")
    assert log_in(client, alice_colleague.email, PASSWORD).status_code == 302


def test_a_successful_login_forgets_earlier_failures(client, alice):
    for _ in range(settings.LOGIN_FAILURES_ALLOWED - 1):
        log_in(client, alice.email, "wrong")
    assert log_in(client, alice.email, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.LOGIN_FAILURES_ALLOWED - 1):
        log_in(client, alice.email, "wrong")
    assert log_in(client, alice.email, PASSWORD).status_code == 302


def test_login_gives_the_session_a_new_key(client, alice):
    client.get(reverse("login"))
    session = client.session
    session["before"] = "login"
    session.save()
    before = session.session_key
    log_in(client, alice.email, PASSWORD)
    assert client.session.session_key != before


def test_session_cookie_flags(client, alice):
    response = log_in(client, alice.email, PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_an_idle_session_is_logged_out(client, alice):
    client.force_login(alice)
    assert client.get(reverse("ticket_list")).status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - settings.SESSION_IDLE_MINUTES * 60 - 5
    session.save()
    response = client.get(reverse("ticket_list"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "without activity" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_active_session_stays(client, alice):
    client.force_login(alice)
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - settings.SESSION_IDLE_MINUTES * 60 + 120
    session.save()
    assert client.get(reverse("ticket_list")).status_code == 200
    # The request counts as activity: the clock starts again.
    assert client.session[LAST_SEEN_KEY] > time.time() - 5


def test_password_reset_mails_a_link_through_the_outbox(client, alice):
    response = client.post(reverse("password_reset"), {"email": alice.email})
    assert response.status_code == 302
    mail = OutboundMail.objects.get(purpose="password_reset")
    assert mail.to == [alice.email]
    path = re.search(r"https?://[^/\s]+(/password-reset/\S+/)", mail.text).group(1)
    form_page = client.get(path, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "brand-new-pass-phrase", "new_password2": "brand-new-pass-phrase"},
    )
    assert done.status_code == 302
    assert User.objects.get(pk=alice.pk).check_password("brand-new-pass-phrase")
    # The link worked once.
    again = client.get(path, follow=True)
    assert "This link does not work any more" in again.content.decode()


def test_password_reset_for_an_unknown_address_mails_nothing_and_says_the_same(client, db):
    response = client.post(
        reverse("password_reset"), {"email": "nobody@nowhere.example"}, follow=True
    )
    assert "Check your mail" in response.content.decode()
    assert not OutboundMail.objects.exists()


def test_password_reset_requests_are_limited_per_address(client, alice):
    for _ in range(5):
        client.post(reverse("password_reset"), {"email": alice.email})
    response = client.post(reverse("password_reset"), {"email": alice.email})
    assert response.status_code == 200
    assert "Too many password resets from your address" in response.content.decode()
    assert OutboundMail.objects.filter(purpose="password_reset").count() == 5


def test_the_browser_language_is_used_before_a_choice(client, db):
    page = client.get(reverse("support"), HTTP_ACCEPT_LANGUAGE="sv-SE,sv;q=0.9")
    assert 'lang="sv"' in page.content.decode()
    assert "Så får du support" in page.content.decode()


def test_a_logged_in_users_choice_is_kept_on_the_account(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("language_set"), {"language": "sv", "next": reverse("ticket_list")}
    )
    assert response["Location"] == reverse("ticket_list")
    assert User.objects.get(pk=alice.pk).language == "sv"
    # Another browser that asks for English still gets the user's Swedish.
    other = client.__class__()
    other.force_login(alice)
    page = other.get(reverse("ticket_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="sv"' in page and "Mina ärenden" in page


def test_language_switch_refuses_a_foreign_next_address(client, db):
    response = client.post(
        reverse("language_set"), {"language": "sv", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_a_page_refreshing_itself_does_not_keep_the_session_alive(client, alice):
    from tests.factories import make_ticket

    ticket = make_ticket(alice)
    client.force_login(alice)
    session = client.session
    idle_since = time.time() - settings.SESSION_IDLE_MINUTES * 60 + 120
    session[LAST_SEEN_KEY] = idle_since
    session.save()
    url = reverse("ticket_timeline", args=[ticket.number])
    assert client.get(url, HTTP_HX_REQUEST="true", HTTP_X_BACKGROUND_REFRESH="1").status_code == 200
    assert client.session[LAST_SEEN_KEY] == idle_since
