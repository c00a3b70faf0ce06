"""Every URL pattern × {anonymous, customer of another organisation, colleague without
see-all, consultant on admin-only pages} gets the expected status, and no refused POST
changes anything. Generated from the URL resolver: a new URL without an entry in MATRIX
fails ``test_every_url_has_an_entry``.

Kinds of URL:
- ``public``: anyone may open it (never a server error).
- ``login``: any logged-in user's own page (anonymous → log-in page).
- ``ticket``: an object of organisation A (ticket, statement, attachment…): anonymous →
  log-in page, Bob of organisation B → 404, Alice's colleague without see-all → 404.
- ``staff``: staff only: anonymous → log-in page, customers → 404.
- ``api`` / ``api_ticket``: the REST API: anonymous → 401; Bob's token on A's ticket → 404.
- ``token``: reached with a secret in the URL or header: a wrong one → 404.
- ``signed_link``: a signed one-click link (rating): a wrong one → 410, nothing recorded.
- ``admin``: Django's admin: anyone but an administrator → the log-in page.
- ``webhook``: the mail providers' webhooks, authenticated by the provider's signature
  (tested with the mail channel).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver

from supportdesk.api.models import ApiToken
from supportdesk.billing import actions as billing
from supportdesk.phone.models import Call
from supportdesk.tickets.models import Ticket
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

MATRIX: dict[str, str] = {
    "": "login",
    "healthz": "public",
    "login/": "public",
    "logout/": "public",
    "account/language/": "public",
    "account/two-factor/": "login",
    "account/two-factor/verify/": "login",
    "password-reset/": "public",
    "password-reset/sent/": "public",
    "password-reset/<uidb64>/<token>/": "public",
    "password-reset/done/": "public",
    "invitations/": "staff",
    "invitations/members/<int:user_id>/billing-contact/": "ticket",
    "invitation/<str:token>/": "token",
    "support/": "public",
    "support/charges/": "public",
    "support/inquiry/": "public",
    "support/inquiry/thanks/": "public",
    "tickets/": "login",
    "tickets/export.csv": "login",
    "tickets/new/": "login",
    # A customer's own saved views of the list (a view of another user is "no such view").
    "tickets/views/": "login",
    "tickets/<str:number>/": "ticket",
    "tickets/<str:number>/timeline/": "ticket",
    "tickets/<str:number>/time/": "ticket",
    "tickets/<str:number>/reply/": "ticket",
    "tickets/<str:number>/confirm/": "ticket",
    "tickets/<str:number>/reopen/": "ticket",
    "tickets/<str:number>/attachments/<int:attachment_id>/": "ticket",
    "tickets/<str:number>/messages/<int:message_id>/original/": "ticket",
    "account/tokens/": "login",
    "admin/login/": "public",
    "billing/statements/": "login",
    "billing/statements/close/": "staff",
    "billing/statements/<str:number>/": "ticket",
    "billing/statements/<str:number>/pdf": "ticket",
    "billing/statements/<str:number>/csv": "ticket",
    "billing/statements/<str:number>/issue": "ticket",
    "billing/statements/<str:number>/redraft": "ticket",
    "billing/statements/<str:number>/credit": "ticket",
    "billing/statements/<str:number>/export": "ticket",
    "billing/tickets/<str:number>/time/": "ticket",
    "billing/tickets/<str:number>/time/<int:entry_id>/override": "ticket",
    "billing/tickets/<str:number>/time/<int:entry_id>/correct": "ticket",
    "console/": "staff",
    "console/board/rows/": "staff",
    "console/board/assign/": "staff",
    "console/my-day/": "staff",
    "console/search/": "staff",
    "console/notifications/": "staff",
    "console/notifications/badge/": "staff",
    "console/notifications/read/": "staff",
    "console/preferences/": "staff",
    "console/saved-replies/": "staff",
    "console/phone/": "staff",
    "console/phone/live/": "staff",
    "console/phone/lookup/": "staff",
    "console/phone/log/": "staff",
    "console/phone/calls/<int:call_id>/back/": "staff",
    "console/tickets/<str:number>/": "ticket",
    "console/tickets/<str:number>/reply/": "ticket",
    "console/tickets/<str:number>/note/": "ticket",
    "console/tickets/<str:number>/fields/": "ticket",
    "console/tickets/<str:number>/status/": "ticket",
    "console/tickets/<str:number>/assign/": "ticket",
    "console/tickets/<str:number>/time/": "ticket",
    "console/tickets/<str:number>/timer/": "ticket",
    "console/tickets/<str:number>/link/": "ticket",
    "console/tickets/<str:number>/split/": "ticket",
    "console/odoo/tickets/<str:number>/check/": "ticket",
    "console/odoo/tickets/<str:number>/classify/": "ticket",
    "reports/": "login",
    "reports/commitments/": "staff",
    "reports/billing/": "staff",
    "reports/service/": "login",
    "reports/<slug:report>.xlsx": "login",
    "reports/<slug:report>/<slug:table>.<export_format:fmt>": "login",
    "api/v1/cti": "token",
    "api/v1/cti/<str:token>": "token",
    "api/v1/openapi.json": "public",
    "api/v1/docs": "public",
    "api/v1/": "public",
    "api/v1/tickets": "api",
    "api/v1/tickets/<number>": "api_ticket",
    "api/v1/tickets/<number>/replies": "api_ticket",
    "api/v1/tickets/<number>/assign": "api_ticket",
    "api/v1/tickets/<number>/start": "api_ticket",
    "api/v1/tickets/<number>/wait": "api_ticket",
    "api/v1/tickets/<number>/resume": "api_ticket",
    "api/v1/tickets/<number>/resolve": "api_ticket",
    "api/v1/tickets/<number>/close": "api_ticket",
    "api/v1/tickets/<number>/reopen": "api_ticket",
    "api/v1/me": "api",
    "api/v1/kpi": "api",
    "api/v1/search": "api",
    "api/v1/tickets/<number>/odoo": "api_ticket",
    "api/v1/tickets/<number>/odoo/check": "api_ticket",
    "api/v1/tickets/<number>/odoo/references": "api_ticket",
    "api/v1/tickets/<number>/odoo/references/<reference_id>": "api_ticket",
    "api/v1/tickets/<number>/odoo/classify": "api_ticket",
    "api/v1/tickets/<number>/odoo/code-owner": "api_ticket",
    "api/v1/tickets/<number>/odoo/evidence": "api_ticket",
    "api/v1/tickets/<number>/odoo/upstream": "api_ticket",
    "api/v1/odoo/upstream/<report_id>": "api",
    "api/v1/odoo/instances": "api",
    "api/v1/odoo/instances/<instance_id>/version": "api",
    "api/v1/odoo/releases": "api",
    "api/v1/odoo/releases/<release_id>": "api",
    "api/v1/odoo/releases/<release_id>/tickets": "api",
    "api/v1/odoo/releases/<release_id>/publish": "api",
    "api/v1/reports/commitments": "api",
    "api/v1/reports/billing": "api",
    "api/v1/reports/service": "api",
    # The help center: public pages, the portal's suggestions, staff editing.
    "help/": "public",
    "help/a/<slug:slug>/": "public",
    "help/images/<int:image_id>/": "public",
    "help/solved/": "public",
    "help/suggest/": "public",
    "api/v1/help/articles": "api",
    "api/v1/help/articles/<slug>": "api",
    "api/v1/help/ratings": "api",
    "console/help/": "staff",
    "console/help/<int:pk>/": "staff",
    "console/help/<int:pk>/images/": "staff",
    "console/help/<int:pk>/publish/": "staff",
    "console/help/new/": "staff",
    "console/help/suggest/": "staff",
    "reports/satisfaction/": "staff",
    "tickets/<str:number>/rate/<str:token>/": "signed_link",
    # The consultant's day: saved views, the week editor, compose helpers, presence.
    "console/board/views/": "staff",
    "console/my-day/views/": "staff",
    "console/calendar/": "staff",
    "console/calendar/preview/": "staff",
    "console/calendar/save/": "staff",
    "console/compose/mentions/": "staff",
    "console/compose/preview/": "staff",
    "console/tickets/<str:number>/presence/": "staff",
    "console/tickets/<str:number>/take/": "staff",
    "console/tickets/<str:number>/to-article/": "staff",
    "console/odoo/instances/<int:pk>/test/": "staff",
    # Screenshots read: findings of a ticket, and the staff's signature report.
    "screens/signatures/": "staff",
    "screens/signatures/<int:signature_id>/": "staff",
    "screens/tickets/<str:number>/findings/<int:finding_id>/correct/": "ticket",
    "screens/tickets/<str:number>/findings/<int:finding_id>/crop.png": "ticket",
    "screens/tickets/<str:number>/findings/<int:finding_id>/remove/": "ticket",
    "favicon.ico": "public",
}
PREFIXES = {"admin/": "admin", "mail/": "webhook", "^mail/": "webhook"}


def routes() -> list[str]:
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    return sorted(set(walk(get_resolver().url_patterns)))


def kind(route: str) -> str:
    if route in MATRIX:
        return MATRIX[route]
    for prefix, name in PREFIXES.items():
        if route.startswith(prefix):
            return name
    return "missing"


def test_every_url_has_an_entry():
    missing = [route for route in routes() if kind(route) == "missing"]
    assert not missing, f"add these URLs to the ownership MATRIX: {missing}"
    stale = set(MATRIX) - set(routes())
    assert not stale, f"no longer URLs: {stale}"


@pytest.fixture
def world(alice, alice_colleague, bob, consultant, biller_org_a):
    """Organisation A's objects, reached by every URL with parameters."""
    ticket = make_ticket(
        alice,
        attachments=[SimpleUploadedFile("s.png", b"\x89PNG", content_type="image/png")],
    )
    last_month = dt.date.today().replace(day=1) - dt.timedelta(days=20)
    entry = billing.time_log(
        ticket=ticket, actor=consultant, minutes=30, description="x", date=last_month
    )
    statement = billing.statement_issue(
        statement=billing.statement_draft(
            organisation=alice.organisation, month=last_month.replace(day=1), actor=biller_org_a
        ),
        actor=biller_org_a,
    )
    return {
        "number": ticket.number,
        "statement": statement.number,
        "attachment_id": ticket.attachments.first().pk,
        "message_id": ticket.messages.first().pk,
        "entry_id": entry.pk,
        "user_id": alice.pk,
        "call_id": Call.objects.create(direction="in", call_id="m1", state="missed").pk,
    }


@pytest.fixture
def biller_org_a(db):
    from tests.factories import UserFactory

    return UserFactory(email="bea@partner.example", role="business_consultant", organisation=None)


VALUES = {
    "uidb64": "MQ",
    "token": "not-a-token",
    "report": "commitments",
    "table": "backlog",
    "fmt": "csv",
    "reference_id": "1",
    "report_id": "1",
    "instance_id": "1",
    "release_id": "1",
}


def url_for(route: str, world: dict) -> str:
    def value(match: re.Match) -> str:
        name = match.group(2) or match.group(3)
        if name == "number":
            return (
                world["statement"] if route.startswith("billing/statements/") else world["number"]
            )
        return str(world.get(name, VALUES.get(name, "1")))

    path = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: value(re.match(r"()(\w+)()", m.group(2))), route)
    return "/" + path


def counts() -> dict[str, int]:
    from django.apps import apps

    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"accounts", "tickets", "billing", "api", "phone", "odoo"}
    }


def _login_redirect(response) -> bool:
    if response.status_code == 302 and "/login/" in response["Location"]:
        return True
    # The admin's own log-out page sends visitors back to the admin, which asks them to log in.
    return response.status_code == 302 and response["Location"] == "/admin/"


EXPECTED = {
    # kind: (anonymous, other organisation, colleague without see-all)
    "login": ("login", None, None),
    "ticket": ("login", 404, 404),
    "staff": ("login", 404, 404),
    "api": (401, None, None),
    "api_ticket": (401, 404, 404),
    "token": (404, 404, 404),
    # A rating link that is not ours (tampered, expired, used): the "no longer valid" page.
    "signed_link": (410, 410, 410),
    "admin": ("login", "login", "login"),
}


@pytest.mark.parametrize("route", [r for r in routes() if kind(r) not in {"webhook"}])
def test_who_gets_what(route, client, world, alice, alice_colleague, bob, consultant):
    expected = EXPECTED.get(kind(route))
    url = url_for(route, world)
    before = counts()
    for who, user, want in zip(
        ("anonymous", "other organisation", "colleague without see-all"),
        (None, bob, alice_colleague),
        expected or (None, None, None),
        strict=True,
    ):
        client.logout()
        headers = {}
        if user is not None:
            client.force_login(user)
            if route.startswith("api/"):
                headers = {"Authorization": f"Bearer {ApiToken.issue(user=user, name='m')[1]}"}
        for method in ("get", "post"):
            if method == "post" and route.startswith("api/"):
                response = client.post(url, "{}", content_type="application/json", headers=headers)
            else:
                response = getattr(client, method)(url, headers=headers)
            assert response.status_code < 500, (who, method, url, response.status_code)
            if response.status_code == 405:
                continue  # not a method this URL answers: refused before any view
            if response.status_code == 422 and route.startswith("api/") and want == 404:
                # The body was refused before the ticket was looked up: the same answer
                # as for a ticket that does not exist, so it says nothing about A's.
                missing = url.replace(world["number"], "SD-99999")
                again = client.post(missing, "{}", content_type="application/json", headers=headers)
                assert again.status_code == 422, (who, url)
                continue
            if want == "login":
                assert _login_redirect(response), (who, method, url, response.status_code)
            elif want is not None:
                assert response.status_code == want, (who, method, url, response.status_code)
    tokens = {"api.ApiToken"}
    after = counts()
    changed = {k for k in after if after[k] != before[k]} - tokens
    if kind(route) != "public":
        assert not changed, (route, changed)
    assert Ticket.objects.get(pk=Ticket.pk_from_number(world["number"])).status == "new"


@pytest.mark.parametrize("route", [r for r in routes() if kind(r) == "admin"][:400])
def test_a_consultant_never_enters_the_admin(route, client, world, consultant):
    client.force_login(consultant)
    url = url_for(route, world)
    before = counts()
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert response.status_code in (302, 404), (method, url, response.status_code)
        if response.status_code == 302:
            assert _login_redirect(response), (method, url, response["Location"])
    assert counts() == before
