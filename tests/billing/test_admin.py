"""The admin shows issued statements read-only, says why, and refuses changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from supportdesk.billing import actions
from tests.billing.conftest import log, ticket_of

MARCH = dt.date(2027, 3, 1)


@pytest.fixture
def admin_client(client, admin_user, settings):
    settings.OTP_REQUIRED_ROLES = []  # the second factor has its own tests
    client.force_login(admin_user)
    return client


@pytest.fixture
def draft(alice, consultant, biller, org_a):
    log(ticket_of(alice), consultant, 45, dt.date(2027, 3, 10))
    return actions.statement_draft(organisation=org_a, month=MARCH, actor=biller)


def test_issued_statement_is_read_only_in_the_admin_with_the_reason(admin_client, draft, biller):
    statement = actions.statement_issue(statement=draft, actor=biller)
    url = reverse("admin:billing_statement_change", args=[statement.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Statement 2027-0001 is issued: an issued statement is never changed" in text
    assert 'name="note"' not in text and 'name="_save"' not in text
    assert "charged — configuration change" in text  # the lines, read-only
    response = admin_client.post(url, {"note": "edited"})
    assert response.status_code == 403
    statement.refresh_from_db()
    assert statement.note == ""
    delete = admin_client.post(
        reverse("admin:billing_statement_delete", args=[statement.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    statement.refresh_from_db()
    assert statement.status == "issued"


def test_a_draft_may_carry_a_note_in_the_admin(admin_client, draft):
    url = reverse("admin:billing_statement_change", args=[draft.pk])
    assert 'name="note"' in admin_client.get(url).content.decode()
    response = admin_client.post(url, {"note": "Check the March rate"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.note == "Check the March rate"


def test_time_entries_are_read_only_in_the_admin(admin_client, draft):
    entry = draft.lines.get(type="entry").entry
    url = reverse("admin:billing_timeentry_change", args=[entry.pk])
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"minutes": "1"}).status_code == 403
    entry.refresh_from_db()
    assert entry.minutes == 45
