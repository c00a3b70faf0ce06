"""What the customer reads about the process of each code owner (R7, R8), and the staff
panel of a ticket's Odoo side."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from supportdesk.odoo import actions
from supportdesk.tickets.models import CodeOwner
from tests.factories import make_ticket
from tests.odoo.conftest import sale_order_summary

pytestmark = pytest.mark.django_db

# owner -> phrases telling what we do, what the code's owner does, and what is charged
PROCESS = {
    CodeOwner.ODOO_COMMUNITY: [
        "is Odoo Community, owned",
        "runbot",
        "Odoo support",
        "corrects errors in its own code",
        "charged as support",
    ],
    CodeOwner.ODOO_ENTERPRISE: [
        "is Odoo Enterprise, owned",
        "Odoo support",
        "Odoo's fix itself is free",
    ],
    CodeOwner.THIRD_PARTY: [
        "is a third-party app, owned",
        "report it to the vendor",
        "What the vendor does",
        "charged as support",
    ],
    CodeOwner.PARTNER: [
        "is part of our localisation addons",
        "next patch release",
        "the fix is free",
        "yours to do",
    ],
    CodeOwner.CUSTOMER: [
        "is your own",
        "Studio",
        "Odoo supports only its own code",
        "charged as support",
    ],
}


@pytest.mark.parametrize("owner", list(PROCESS))
def test_each_owner_explains_who_does_what_and_what_is_charged(alice, consultant, owner):
    ticket = make_ticket(alice)
    actions.code_owner_override(ticket=ticket, actor=consultant, owner=owner, reason="seen")
    ticket.refresh_from_db()
    html = render_to_string("odoo/owner_process.html", {"ticket": ticket})
    assert escape(ticket.get_code_owner_display()) in html
    for phrase in PROCESS[owner]:
        assert phrase in html, phrase
    # The explanations of the other owners are not shown.
    assert not [p[0] for o, p in PROCESS.items() if o != owner and p[0] in html]


def test_nothing_is_shown_before_a_code_owner_is_set(alice):
    assert render_to_string("odoo/owner_process.html", {"ticket": make_ticket(alice)}).strip() == ""


def test_the_planned_patch_and_the_upstream_report_are_shown(alice, consultant):
    ticket = make_ticket(alice)
    actions.code_owner_override(ticket=ticket, actor=consultant, owner="partner", reason="ours")
    release = actions.patch_release_create(
        actor=consultant,
        module="l10n_se_linserv",
        version="17.0.1.7",
        release_date=dt.date(2026, 12, 1),
    )
    actions.patch_release_link(release=release, ticket=ticket, actor=consultant)
    ticket.refresh_from_db()
    html = render_to_string("odoo/owner_process.html", {"ticket": ticket})
    assert "To be fixed in l10n_se_linserv 17.0.1.7, planned for 2026-12-01." in html


def test_the_staff_panel_shows_checks_and_the_classification(instance, alice, consultant):
    ticket = make_ticket(alice, subject="S00042 and S09999", description="")
    actions.reference_check(ticket=ticket, actor=consultant)
    actions.code_owner_classify(ticket=ticket, actor=consultant, model="sale.order")
    html = Template("{% load odoo_panel %}{% odoo_panel ticket %}").render(
        Context({"ticket": ticket})
    )
    assert sale_order_summary(instance.server_version) in html
    assert "not found by this name" in html
    assert "comes from Odoo Community: module sale" in html


def test_the_staff_panel_costs_the_same_queries_for_one_or_many_references(
    instance, alice, consultant
):
    panel = Template("{% load odoo_panel %}{% odoo_panel ticket %}")
    one = make_ticket(alice, subject="S00042", description="")
    many = make_ticket(alice, subject="S00042 S00043 S09999 INV/2026/00012", description="")
    for ticket in (one, many):
        actions.reference_check(ticket=ticket, actor=consultant)
    counts = []
    for ticket in (one, many):
        with CaptureQueriesContext(connection) as queries:
            panel.render(Context({"ticket": ticket}))
        counts.append(len(queries))
    assert counts[0] == counts[1]
