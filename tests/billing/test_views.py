"""Statement pages, PDF and CSV in the portal and for staff; isolation between organisations."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess

import pytest
from django.urls import reverse
from pypdf import PdfReader

from supportdesk.billing import actions
from supportdesk.billing.models import BillingProfile, Statement, TimeEntry
from supportdesk.tickets.models import CodeOwner, Kind
from tests.billing.conftest import log, ticket_of
from tests.factories import AgreementFactory

MARCH = dt.date(2027, 3, 1)


@pytest.fixture
def statement(alice, consultant, biller, org_a):
    """Alpha's issued March statement: a charged ticket under the minimum, an included
    how-to, a free localisation bug, and a configuration change above the minimum."""
    consultant.name = "Carl Consultant"
    consultant.save()
    alice.billing_contact = True
    alice.save()
    AgreementFactory(
        organisation=org_a, valid_from=dt.date(2027, 1, 1), valid_to=dt.date(2027, 12, 31)
    )
    BillingProfile.objects.create(organisation=org_a, hourly_rate="1200.00")
    log(
        ticket_of(alice, subject="Fiscal year"),
        consultant,
        12,
        dt.date(2027, 3, 3),
        "Opened the fiscal year",
    )
    log(
        ticket_of(alice, kind=Kind.HOW_TO, subject="Reconcile"),
        consultant,
        20,
        dt.date(2027, 3, 4),
        "Showed reconciliation",
    )
    log(
        ticket_of(alice, kind=Kind.BUG, code_owner=CodeOwner.PARTNER, subject="SIE export"),
        consultant,
        50,
        dt.date(2027, 3, 5),
        "Fixed the SIE export",
    )
    log(
        ticket_of(alice, subject="Payment terms"),
        consultant,
        90,
        dt.date(2027, 3, 6),
        "New payment terms",
    )
    draft = actions.statement_draft(organisation=org_a, month=MARCH, actor=biller)
    return actions.statement_issue(statement=draft, actor=biller)


EXPECTED_REASONS = [
    "charged — configuration change",
    "minimum charge: 30 min applied (12 min logged)",
    "included — general user support under agreement valid to 2027-12-31",
    "free — bug in our localisation addons",
    "charged — configuration change",
]
# 30 + 90 = 120 min at 1200 SEK/h: 2400.00, VAT 600.00, total 3000.00.


def test_customer_sees_the_statement_with_every_reason(client, alice, statement):
    client.force_login(alice)
    page = client.get(reverse("billing:statement_detail", args=[statement.number]))
    assert page.status_code == 200
    text = page.content.decode()
    for reason in EXPECTED_REASONS:
        assert reason in text
    for figure in ("2400.00", "600.00", "3000.00", "VAT 25 %", "120 min"):
        assert figure in text
    # Customers do not get the billing buttons.
    assert "Credit this statement" not in text


def test_customer_lists_only_their_organisations_issued_statements(
    client, alice, bob, statement, consultant, biller, org_b
):
    log(ticket_of(bob), consultant, 40, dt.date(2027, 3, 9))
    other = actions.statement_draft(organisation=org_b, month=MARCH, actor=biller)
    client.force_login(alice)
    listing = client.get(reverse("billing:statement_list")).content.decode()
    assert statement.number in listing
    assert reverse("billing:statement_detail", args=[other.reference]) not in listing
    client.force_login(bob)
    listing = client.get(reverse("billing:statement_list")).content.decode()
    assert statement.number not in listing
    # Bob's organisation's statement is a draft: customers never see drafts.
    assert (
        client.get(reverse("billing:statement_detail", args=[other.reference])).status_code == 404
    )


@pytest.mark.parametrize("view", ["statement_detail", "statement_pdf", "statement_csv"])
def test_another_organisations_customer_gets_404(client, bob, statement, view):
    client.force_login(bob)
    assert client.get(reverse(f"billing:{view}", args=[statement.number])).status_code == 404


@pytest.mark.parametrize(
    "view", ["statement_issue", "statement_redraft", "statement_credit", "statement_export"]
)
def test_customers_get_404_on_staff_actions(client, alice, statement, view):
    client.force_login(alice)
    response = client.post(reverse(f"billing:{view}", args=[statement.number]), {"reason": "x"})
    assert response.status_code == 404
    statement.refresh_from_db()
    assert statement.status == "issued"


def test_anonymous_visitors_are_sent_to_log_in(client, statement):
    response = client.get(reverse("billing:statement_pdf", args=[statement.number]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_pdf_is_generated_with_lines_and_totals(client, alice, statement):
    client.force_login(alice)
    response = client.get(reverse("billing:statement_pdf", args=[statement.number]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = " ".join(
        " ".join((page.extract_text() or "").split())
        for page in PdfReader(io.BytesIO(response.content)).pages
    )
    assert f"Statement {statement.number}" in text
    for reason in EXPECTED_REASONS:
        assert " ".join(reason.split()) in text
    for figure in (
        "Net",
        "2400.00",
        "VAT 25 %",
        "600.00",
        "Total",
        "3000.00",
        "1200.00 SEK per hour",
    ):
        assert figure in text
    assert "Opened the fiscal year" in text and "Carl Consultant" in text


def test_pdf_text_reads_back_with_pdftotext_too(alice, statement, tmp_path, client):
    client.force_login(alice)
    pdf = tmp_path / "statement.pdf"
    pdf.write_bytes(client.get(reverse("billing:statement_pdf", args=[statement.number])).content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "minimum charge: 30 min applied (12 min logged)" in text
    assert "3000.00" in text


def test_csv_export_has_a_row_per_line_and_the_totals(client, alice, statement):
    client.force_login(alice)
    response = client.get(reverse("billing:statement_csv", args=[statement.number]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header, lines, totals = rows[0], rows[1:6], rows[6:]
    assert header[9:] == ["billed minutes", "charge", "reason", "amount (SEK)"]
    assert [row[11] for row in lines] == EXPECTED_REASONS
    assert [row[9] for row in lines] == ["12", "18", "0", "0", "90"]
    assert [(row[11], row[12]) for row in totals] == [
        ("net", "2400.00"),
        ("VAT 25 %", "600.00"),
        ("total", "3000.00"),
    ]


def test_csv_cells_never_become_formulas(client, alice, consultant, biller, org_a):
    log(
        ticket_of(alice, subject='=HYPERLINK("http://x")'),
        consultant,
        40,
        dt.date(2027, 3, 2),
        "+cmd",
    )
    draft = actions.statement_draft(organisation=org_a, month=MARCH, actor=biller)
    client.force_login(biller)
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("billing:statement_csv", args=[draft.reference])
                ).content.decode()
            )
        )
    )
    assert rows[1][4].startswith("'=") and rows[1][7] == "'+cmd"


# --- staff ----------------------------------------------------------------------------


def test_staff_draft_issue_and_credit_from_the_pages(client, biller, alice, consultant, org_a):
    log(ticket_of(alice), consultant, 40, dt.date(2027, 3, 2))
    client.force_login(biller)
    response = client.post(reverse("billing:close_month"), {"month": "2027-03"})
    assert response.status_code == 302
    draft = Statement.objects.get(status="draft")
    page = client.get(reverse("billing:statement_detail", args=[draft.reference])).content.decode()
    assert "Draft: computed from the time logged" in page and "Issue" in page
    asked = client.post(reverse("billing:statement_issue", args=[draft.reference]))
    page = asked.content.decode()
    assert "Issue the statement?" in page
    assert f"{draft.gross} SEK" in page and 'id="issue-number">2027-0001<' in page
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.number is None  # nothing issued before confirming
    client.post(reverse("billing:statement_issue", args=[draft.reference]), {"confirmed": "yes"})
    draft.refresh_from_db()
    assert (draft.status, draft.number) == ("issued", "2027-0001")
    response = client.post(
        reverse("billing:statement_credit", args=["2027-0001"]), {"reason": "wrong rate"}
    )
    assert response["Location"].endswith(reverse("billing:statement_detail", args=["2027-0002"]))
    page = client.get(reverse("billing:statement_detail", args=["2027-0002"])).content.decode()
    assert "Credits statement 2027-0001 in full." in page and "-1000.00" in page


def test_close_month_refuses_a_malformed_month(client, biller):
    client.force_login(biller)
    response = client.post(reverse("billing:close_month"), {"month": "March"}, follow=True)
    assert "is not a month like 2027-03" in response.content.decode()
    assert not Statement.objects.exists()


def test_consultant_logs_time_on_the_staff_page(client, consultant, alice):
    ticket = ticket_of(alice, kind=Kind.LICENCE)
    client.force_login(consultant)
    url = reverse("billing:ticket_time", args=[ticket.number])
    response = client.post(url, {"minutes": "35", "description": "Checked the licence count"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Checked the licence count" in page and "free — Odoo licence question" in page
    assert TimeEntry.objects.get().minutes == 35


def test_staff_time_page_shows_field_errors(client, consultant, alice):
    ticket = ticket_of(alice)
    client.force_login(consultant)
    url = reverse("billing:ticket_time", args=[ticket.number])
    page = client.post(
        url, {"minutes": "30", "description": "x", "date": "2027-07-01"}
    ).content.decode()
    assert "is in the future" in page
    assert not TimeEntry.objects.exists()


def test_override_and_correct_from_the_staff_page(client, consultant, alice):
    ticket = ticket_of(alice)
    entry = log(ticket, consultant, 30, dt.date(2027, 6, 1))
    client.force_login(consultant)
    client.post(
        reverse("billing:entry_override", args=[ticket.number, entry.pk]),
        {"charge": "free", "reason": "our mistake"},
    )
    client.post(
        reverse("billing:entry_correct", args=[ticket.number, entry.pk]),
        {"minutes": "10", "reason": "logged too much"},
    )
    page = client.get(reverse("billing:ticket_time", args=[ticket.number])).content.decode()
    assert "override by" in page and "our mistake" in page
    assert TimeEntry.objects.filter(corrects=entry, minutes=10).exists()


def test_staff_time_pages_are_404_for_customers(client, alice, consultant):
    ticket = ticket_of(alice)
    entry = log(ticket, consultant, 30, dt.date(2027, 6, 1))
    client.force_login(alice)
    assert client.get(reverse("billing:ticket_time", args=[ticket.number])).status_code == 404
    response = client.post(
        reverse("billing:entry_override", args=[ticket.number, entry.pk]),
        {"charge": "free", "reason": "please"},
    )
    assert response.status_code == 404
    entry.refresh_from_db()
    assert entry.override == ""


def test_an_entry_is_reached_only_through_its_own_ticket(client, consultant, alice, bob):
    mine, theirs = ticket_of(alice), ticket_of(bob)
    entry = log(theirs, consultant, 30, dt.date(2027, 6, 1))
    client.force_login(consultant)
    response = client.post(
        reverse("billing:entry_override", args=[mine.number, entry.pk]),
        {"charge": "free", "reason": "x"},
    )
    assert response.status_code == 404
