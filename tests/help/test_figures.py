"""Figures on a constructed dataset equal hand-computed values: satisfaction by consultant,
kind, code owner, organisation and month with the response rate; answers before a ticket."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import translation

from supportdesk.core import clock
from supportdesk.help import ratings
from supportdesk.help.models import HelpActivity, RatingRequest
from supportdesk.reports.satisfaction import satisfaction_report
from supportdesk.tickets import actions
from supportdesk.tickets.models import Ticket
from tests.factories import make_ticket
from tests.help.conftest import write

pytestmark = pytest.mark.django_db


def resolved_ticket(requester, consultant, *, kind, code_owner=""):
    ticket = make_ticket(requester, kind=kind)
    Ticket.objects.filter(pk=ticket.pk).update(code_owner=code_owner)
    actions.ticket_assign(ticket=ticket, actor=consultant, assignee=consultant)
    actions.ticket_resolve(ticket=Ticket.objects.get(pk=ticket.pk), actor=consultant)
    return Ticket.objects.get(pk=ticket.pk)


@pytest.fixture
def dataset(settings, alice, alice_colleague, bob, consultant, other_consultant):
    """Four resolutions; three answered (5, 2, 4); one of Beta's unanswered."""
    settings.SATISFACTION_MIN_DAYS_BETWEEN = 0
    t1 = resolved_ticket(alice, consultant, kind="bug", code_owner="partner")
    t2 = resolved_ticket(alice_colleague, consultant, kind="how_to")
    resolved_ticket(bob, other_consultant, kind="how_to")
    t4 = resolved_ticket(bob, other_consultant, kind="bug", code_owner="odoo_enterprise")
    for ticket, score in ((t1, 5), (t2, 2), (t4, 4)):
        ratings.rate(request=RatingRequest.objects.get(ticket=ticket), score=score)
    assert RatingRequest.objects.count() == 4


def rows(report, table):
    return {
        str(r["group"]): (r["asked"], r["answered"], r["response_rate"], r["average"], r["low"])
        for r in report.tables[table].rows
    }


def test_satisfaction_figures_equal_hand_computed_values(dataset, consultant, other_consultant):
    with translation.override("en"):  # the labels of kinds and code owners
        report = satisfaction_report(now=clock.now())
    total = report.facts["satisfaction"]
    assert (
        total["asked"],
        total["answered"],
        total["response_rate"],
        total["average"],
        total["low"],
    ) == (
        4,
        3,
        0.75,
        3.67,
        1,
    )
    assert rows(report, "by_consultant") == {
        str(consultant): (2, 2, 1.0, "3.50", 1),
        str(other_consultant): (2, 1, 0.5, "4.00", 0),
    }
    assert rows(report, "by_kind") == {
        "Bug": (2, 2, 1.0, "4.50", 0),
        "General user support (how do I…)": (2, 1, 0.5, "2.00", 1),
    }
    assert rows(report, "by_organisation") == {
        "Alpha AB": (2, 2, 1.0, "3.50", 1),
        "Beta AB": (2, 1, 0.5, "4.00", 0),
    }
    assert rows(report, "by_code_owner") == {
        "Not classified": (2, 1, 0.5, "2.00", 1),
        "Odoo Enterprise": (1, 1, 1.0, "4.00", 0),
        "Our localisation addons": (1, 1, 1.0, "5.00", 0),
    }
    [month] = report.tables["by_month"].rows
    assert (month["asked"], month["answered"], month["average"]) == (4, 3, "3.67")


def test_dashboard_page_and_csv_show_the_same_figures(client, dataset, dispatcher, alice):
    client.force_login(dispatcher)
    html = client.get("/reports/satisfaction/").content.decode()
    assert "3.67" in html and "75.0 %" in html
    exported = client.get("/reports/satisfaction/by_organisation.csv").content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(exported)))
    assert table[1][:3] == ["Alpha AB", "2", "2"] and table[2][:3] == ["Beta AB", "2", "1"]
    xlsx = client.get("/reports/satisfaction.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    client.force_login(alice)
    assert client.get("/reports/satisfaction/").status_code == 404


def test_our_service_page_shows_only_the_customers_own_figures(client, dataset, alice):
    client.force_login(alice)
    html = client.get("/reports/service/").content.decode()
    assert "How you rated our work" in html
    assert "Average 3.5 of 5 from 2 answers (2 asked)." in html


def test_answers_before_a_ticket_are_counted_once_and_no_ticket_is_made(
    client, alice, consultant, dispatcher
):
    write(
        consultant,
        title="Lock date blocks posting",
        body="Clear the lock date under Accounting settings.",
    )
    write(consultant, title="Posting with a lock date", body="The lock date stops posting.")
    write(consultant, title="Exporting SIE files", body="Use the SIE export.")
    client.force_login(alice)
    before = Ticket.objects.count()
    for typed in ("lock date", "lock date blocks", "lock date blocks posting"):
        html = client.get(
            "/help/suggest/", {"subject": typed, "description": "", "help_draft": "form-1"}
        ).content.decode()
    assert "Lock date blocks posting" in html.replace("<mark>", "").replace("</mark>", "")
    article = HelpActivity.objects.filter(kind="suggested").first().article
    assert client.get(f"/help/a/{article.slug}/", {"draft": "form-1"}).status_code == 200
    solved = client.post("/help/solved/", {"help_draft": "form-1", "article": article.slug})
    assert solved.status_code == 302
    assert Ticket.objects.count() == before
    client.force_login(dispatcher)
    html = client.get("/reports/satisfaction/").content.decode()
    deflection = satisfaction_report(now=clock.now()).facts["deflection"]
    assert (
        deflection["forms"],
        deflection["suggested"],
        deflection["opened"],
        deflection["solved"],
    ) == (1, 2, 1, 1)
    assert 'data-figure="solved">1<' in html and 'data-figure="suggested">2<' in html
