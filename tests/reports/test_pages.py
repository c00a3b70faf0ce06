"""The report pages, their exports and who may see them (DESIGN rule 3)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from supportdesk.core import clock
from tests.reports.conftest import NOW

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    reverse("reports:commitments"),
    reverse("reports:billing"),
    reverse("reports:export_workbook", args=["commitments"]),
    reverse("reports:export_workbook", args=["billing"]),
    reverse("reports:export_table", args=["commitments", "backlog", "csv"]),
    reverse("reports:export_table", args=["billing", "hours", "xlsx"]),
]


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_staff_reports_are_missing_pages_to_customers(client, alice, dataset, url):
    client.force_login(alice)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", [*STAFF_PAGES, reverse("reports:service")])
def test_reports_need_a_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_dashboard_shows_figures_charts_and_their_tables(client, dispatcher, dataset):
    client.force_login(dispatcher)
    response = client.get(reverse("reports:commitments"))
    assert response.status_code == 200
    html = response.content.decode()
    # The quarter's assignment figure: 4 of 6 decided (conftest), against 100 %.
    assert "66.7 %" in html
    assert "below target" in html
    # Each chart is inline SVG, labelled, with no script and nothing fetched.
    svgs = re.findall(r"<svg\b.*?</svg>", html, re.S)
    assert len(svgs) == 10  # 3 trends, backlog, load, 4 breakdowns, fairness
    for svg in svgs:
        assert 'role="img"' in svg and 'aria-label="Chart: ' in svg
        assert "<script" not in svg
        assert not re.search(r"(?:href|src)=\"https?:", svg)
    assert "<script src" not in html.replace('<script src="/static/', "")
    # Every chart points at a table with a caption: its accessible alternative.
    for table_id in re.findall(r'aria-describedby="(table-[a-z_]+)"', html):
        assert f'id="{table_id}"' in html
    assert html.count("<caption") == len(re.findall(r'id="table-[a-z_]+"', html))
    # The tickets at risk link to the console.
    t7 = dataset["T7"].number
    assert f'href="{reverse("console:workspace", args=[t7])}"' in html
    # Prints well: the print style sheet is loaded.
    assert "reports/reports.css" in html


def test_the_dashboard_link_is_in_the_staff_navigation(client, dispatcher, alice, db):
    client.force_login(dispatcher)
    assert reverse("reports:commitments") in client.get(reverse("console:board")).content.decode()
    client.force_login(alice)
    assert reverse("reports:service") in client.get(reverse("ticket_list")).content.decode()


def test_billing_overview_page_and_month_filter(client, biller, dataset):
    client.force_login(biller)
    html = client.get(reverse("reports:billing"), {"start": "2027-02", "end": "2027-03"}).content
    text = html.decode()
    assert "1\u202f800.00" in text  # B's February draft
    assert "Beta AB" in text and "2026-12" not in text.split('<h2 id="h-months"')[1]
    bad = client.get(reverse("reports:billing"), {"start": "2027-05", "end": "2027-01"})
    assert bad.status_code == 200
    assert "must not be before the first month" in bad.content.decode()


def test_the_customer_view_shows_only_the_viewers_organisation(client, alice, bob, dataset):
    client.force_login(alice)
    html = client.get(reverse("reports:service")).content.decode()
    assert "Our service to Alpha AB" in html
    assert "Beta AB" not in html
    # B's tickets (T3, T4, T7, T8) never appear: A has no in-progress ticket.
    for name in ("T3", "T4", "T7", "T8"):
        assert dataset[name].number not in html
    client.force_login(bob)
    html = client.get(reverse("reports:service")).content.decode()
    assert "Our service to Beta AB" in html and "Alpha AB" not in html


def test_a_customer_naming_another_organisation_gets_404(client, alice, org_b, dataset):
    client.force_login(alice)
    for url in (
        reverse("reports:service"),
        reverse("reports:export_workbook", args=["service"]),
        reverse("reports:export_table", args=["service", "status", "csv"]),
    ):
        assert client.get(url, {"organisation": org_b.pk}).status_code == 404
        assert client.get(url, {"organisation": "x"}).status_code == 404
    assert (
        client.get(reverse("reports:service"), {"organisation": alice.organisation_id}).status_code
        == 200
    )


def test_staff_choose_the_organisation_of_a_customers_view(client, consultant, org_b, dataset):
    client.force_login(consultant)
    choose = client.get(reverse("reports:service")).content.decode()
    assert "Alpha AB" in choose and "Beta AB" in choose
    html = client.get(reverse("reports:service"), {"organisation": org_b.pk}).content.decode()
    assert "Our service to Beta AB" in html
    assert client.get(reverse("reports:service"), {"organisation": 999999}).status_code == 404


def test_csv_export_of_a_table_carries_the_pages_figures(client, dispatcher, dataset):
    client.force_login(dispatcher)
    response = client.get(reverse("reports:export_table", args=["commitments", "backlog", "csv"]))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Age", "Open", "Unassigned", "Waiting"]
    # conftest: T6 today, T5 two days, T3 and T4 six to ten, T7 over ten.
    assert rows[1:] == [
        ["Today", "1", "1", "0"],
        ["1 working day", "0", "0", "0"],
        ["2 working days", "1", "0", "1"],
        ["3–5 working days", "0", "0", "0"],
        ["6–10 working days", "2", "1", "0"],
        ["Over 10 working days", "1", "0", "0"],
    ]


def test_csv_never_writes_a_formula(client, dispatcher, alice, dataset):
    ticket = dataset["T4"]
    ticket.subject = '=HYPERLINK("http://evil.example")'
    ticket.save(update_fields=["subject"])
    client.force_login(dispatcher)
    body = client.get(
        reverse("reports:export_table", args=["commitments", "at_risk", "csv"])
    ).content.decode()
    assert "'=HYPERLINK" in body


def test_xlsx_export_has_a_sheet_per_table_with_numbers(client, dispatcher, dataset):
    client.force_login(dispatcher)
    response = client.get(reverse("reports:export_workbook", args=["commitments"]))
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 10  # one per table
    sheet = book["Attainment against targets"]
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["Period", "From", "To", "Commitment", "Target", "Attained"]
    quarter_assignment = next(
        [c.value for c in row]
        for row in sheet.iter_rows(min_row=2)
        if row[0].value == "This quarter" and row[3].value == "Assigned within 2 working days"
    )
    assert quarter_assignment[5] == pytest.approx(0.6667)  # a number, shown as a percentage
    assert sheet.cell(row=2, column=6).number_format == "0.0%"


def test_billing_xlsx_of_one_table_follows_the_month_filter(client, biller, dataset):
    client.force_login(biller)
    response = client.get(
        reverse("reports:export_table", args=["billing", "hours", "xlsx"]),
        {"start": "2026-12", "end": "2026-12"},
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert len(values) == 1  # B's December statement only
    assert values[0][1:6] == ["Beta AB", "issued", 0, 0, 0.25]


def test_unknown_tables_and_reports_are_404(client, dispatcher, db):
    client.force_login(dispatcher)
    assert client.get("/reports/commitments/nothing.csv").status_code == 404
    assert client.get("/reports/nothing.xlsx").status_code == 404


def test_generated_time_is_the_clock(dataset, client, dispatcher):
    client.force_login(dispatcher)
    html = client.get(reverse("reports:commitments")).content.decode()
    assert f"{NOW:%-d %B %Y}" in html


def test_the_dashboard_is_kept_a_minute_and_refreshed_on_request(
    client, dispatcher, alice, dataset, settings, django_assert_max_num_queries
):
    """At a million tickets the figures take seconds: dispatchers within the minute share
    one snapshot, shown with its time, and "Refresh now" rebuilds it."""
    settings.REPORTS_CACHE_SECONDS = 60
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    client.force_login(dispatcher)
    with clock.at(NOW):
        first = client.get("/reports/commitments/")
    later = NOW + dt.timedelta(seconds=30)
    with clock.at(later), django_assert_max_num_queries(4):
        # Session, user and two-factor device: none of the report's aggregates run.
        again = client.get("/reports/commitments/")
    assert again.context["report"].generated_at == first.context["report"].generated_at == NOW
    assert again.context["charts"] == first.context["charts"]
    assert "Refresh now" in again.content.decode()
    with clock.at(later):
        refreshed = client.get("/reports/commitments/?refresh=1")
    assert refreshed.context["report"].generated_at == later
    # The snapshot is never shown to a customer.
    client.force_login(alice)
    assert client.get("/reports/commitments/").status_code == 404
