"""The reports' figures on the constructed dataset equal the ones worked out by hand.

The dataset and its timeline are in conftest.py; each expected number below says how it
follows from that table. Run on SQLite and on PostgreSQL (DATABASE_URL).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from supportdesk.reports.tables import billing_report, commitments_report, service_report
from tests.commitments.helpers import local
from tests.reports.conftest import NOW, make_ticket

pytestmark = pytest.mark.django_db


def _rows(table, key="measure"):
    return {(row["period"], row[key]): row for row in table.rows}


def _figure(row):
    return (row["met"], row["missed"], row["pending"], row["share"], row["median_working_hours"])


def test_attainment_this_week_month_and_quarter(dataset):
    report = commitments_report(now=NOW)
    rows = _rows(report.tables["attainment"])
    a, s, r = (
        "Assigned within 2 working days",
        "Assigned and started the same working day",
        "Resolved within 10 working days",
    )
    # Week (Mon 8 – Wed 10 Mar): T5, T6. T5 assigned Mon 16:00 (due Wed 09:00): met; T6
    # pending. Median assignment: T5's 420 min = 7 h.
    assert _figure(rows["This week", a]) == (1, 0, 1, 1.0, 7.0)
    assert rows["This week", a]["on_target"] is True
    # T5 started Tue 09:00, after Monday's close: missed; T6 pending. No median kept.
    assert _figure(rows["This week", s])[:4] == (0, 1, 1, 0.0)
    # Nothing resolved, nothing past due: both pending, no share, no median.
    assert _figure(rows["This week", r]) == (0, 0, 2, None, None)

    # Month (1 – 10 Mar): T3, T4, T5, T6. Assignment met T3, T5; missed T4 (unassigned,
    # due Thu 4 Mar); T6 pending: 2/3. Median of 60 and 420 min = 240 min = 4 h.
    assert _figure(rows["This month", a]) == (2, 1, 1, 0.6667, 4.0)
    # Same day: met T3; missed T4 (past 17:00 on Tue 2) and T5; T6 pending: 1/3.
    assert _figure(rows["This month", s])[:4] == (1, 2, 1, 0.3333)
    assert _figure(rows["This month", r]) == (0, 0, 4, None, None)

    # Quarter (1 Jan – 10 Mar): T1–T7. Assignment met T1, T3, T5, T7; missed T2 (late),
    # T4; pending T6: 4/6. Median of 20, 30, 60, 420, 1620 min: 60 min = 1 h.
    assert _figure(rows["This quarter", a]) == (4, 2, 1, 0.6667, 1.0)
    assert rows["This quarter", a]["on_target"] is False
    # Same day: met T1, T3, T7; missed T2, T4, T5; pending T6: 3/6.
    assert _figure(rows["This quarter", s])[:4] == (3, 3, 1, 0.5)
    # Resolution: met T1; missed T2 (late) and T7 (open, due Mon 1 Mar); pending T3, T4,
    # T5 (waiting), T6: 1/3. Median of 1080 and 8640 min = 4860 min = 81 h.
    assert _figure(rows["This quarter", r]) == (1, 2, 4, 0.3333, 81.0)


def test_weekly_trend_groups_by_the_desks_weeks(dataset):
    trend = commitments_report(now=NOW).tables["trend"]
    # 52 weeks: from Monday 16 March 2026 (51 weeks before Monday 8 March 2027).
    assert len(trend.rows) == 52
    assert trend.rows[0]["start"] == dt.date(2026, 3, 16)
    assert trend.rows[-1]["start"] == dt.date(2027, 3, 8)
    busy = {
        row["start"]: (
            row["registered"],
            row["assignment_share"],
            row["same_day_share"],
            row["resolution_share"],
        )
        for row in trend.rows
        if row["registered"]
    }
    assert busy == {
        # T8: assigned, started the same day and resolved a day later: all met.
        dt.date(2026, 11, 30): (1, 1.0, 1.0, 1.0),
        # T1 met all three, T2 missed all three.
        dt.date(2027, 2, 1): (2, 0.5, 0.5, 0.5),
        # T7: assigned and started at once; open past its resolution date.
        dt.date(2027, 2, 15): (1, 1.0, 1.0, 0.0),
        # T3 met, T4 missed assignment and same day; resolution of both still ahead.
        dt.date(2027, 3, 1): (2, 0.5, 0.5, None),
        # T5 assigned in time, started the next day; T6 pending on all three.
        dt.date(2027, 3, 8): (2, 1.0, 0.0, None),
    }
    assert sum(row["registered"] for row in trend.rows) == 8


def test_a_ticket_registered_just_after_midnight_on_monday_is_in_that_week(alice):
    # 00:30 on Monday 8 March in Stockholm is 23:30 on Sunday in UTC.
    make_ticket(alice, local(2027, 3, 8, 0, 30), kind="how_to", channel="portal", status="new")
    trend = commitments_report(now=NOW).tables["trend"]
    by_week = {row["start"]: row["registered"] for row in trend.rows}
    assert by_week[dt.date(2027, 3, 8)] == 1
    assert by_week[dt.date(2027, 3, 1)] == 0


def test_tickets_at_risk_now_in_the_queue_order(dataset):
    report = commitments_report(now=NOW)
    rows = report.tables["at_risk"].rows
    # T7: resolution due Mon 1 Mar 10:00, open: 7 working days (63 h) + 2 h late = -65 h.
    # T4: unassigned, assignment due Thu 4 Mar 10:00: 4 working days + 2 h = -38 h.
    # T3 (due Mon 15 Mar), T6 (warned Thu 11 Mar) are not yet at risk; T5 waits on the
    # customer. First come, first served: T7 (15 Feb) before T4 (2 Mar).
    assert [(r["number"], r["clock"], r["working_hours_left"]) for r in rows] == [
        (dataset["T7"].number, "resolution", -65.0),
        (dataset["T4"].number, "assignment", -38.0),
    ]
    assert report.facts["at_risk_total"] == 2


def test_backlog_by_age_in_working_days(dataset):
    rows = commitments_report(now=NOW).tables["backlog"].rows
    got = {row["age"]: (row["open"], row["unassigned"], row["waiting"]) for row in rows}
    assert got == {
        "Today": (1, 1, 0),  # T6, registered this morning, unassigned
        "1 working day": (0, 0, 0),
        "2 working days": (1, 0, 1),  # T5, Monday: Tuesday and Wednesday began since
        "3–5 working days": (0, 0, 0),
        "6–10 working days": (2, 1, 0),  # T3 (Mon 1 Mar, 7) and T4 (Tue 2 Mar, 6)
        "Over 10 working days": (1, 0, 0),  # T7, Mon 15 Feb
    }


def test_load_per_consultant(dataset, consultant, cecilia):
    rows = commitments_report(now=NOW).tables["load"].rows
    got = {
        row["consultant"]: (
            row["open"],
            row["assigned"],
            row["in_progress"],
            row["waiting"],
            row["resolved_30_days"],
            row["oldest_open"],
        )
        for row in rows
    }
    assert got == {
        # Carl: T3 and T7 in progress; resolved T1 (3 Feb) and T8 (Dec), both over 30 days.
        str(consultant): (2, 0, 2, 0, 0, dt.date(2027, 2, 15)),
        # Cecilia: T5 waiting; resolved T2 on 24 Feb, within the last 30 days.
        str(cecilia): (1, 0, 0, 1, 1, dt.date(2027, 3, 8)),
    }
    assert rows[0]["consultant"] == str(consultant)  # the busiest first


def test_tickets_by_kind_channel_impact_and_code_owner(dataset):
    report = commitments_report(now=NOW)

    def counts(key):
        return {
            row["value"]: (row["registered"], row["open"])
            for row in report.tables[key].rows
            if row["registered"]
        }

    # All eight tickets are in the last 52 weeks. Open: T3, T4, T5, T6, T7.
    assert counts("kind") == {
        "how_to": (2, 1),  # T1, T5
        "bug": (2, 1),  # T2, T4
        "configuration": (3, 3),  # T3, T6, T7
        "infrastructure": (1, 0),  # T8
    }
    assert counts("channel") == {"portal": (3, 2), "email": (3, 1), "phone": (2, 2)}
    assert counts("impact") == {"": (7, 4), "production_down": (1, 1)}
    # Code owners of the two bugs.
    assert counts("code_owner") == {"partner": (1, 0), "odoo_enterprise": (1, 1)}


def test_fairness_of_the_dataset(dataset):
    report = commitments_report(now=NOW)
    small, medium, large = report.tables["fairness"].rows
    # Both organisations have 4 tickets in the window: both small. Assigned: T8 5, T7 20,
    # T1 30, T3 60, T5 420, T2 1620 min; the middle two are 30 and 60: median 45 min;
    # nearest rank 90th percentile: 6th of 6 = 1620 min = 27 h. In time: T1, T3, T5, T7,
    # T8 met, T2 and T4 missed (T6 pending): 5/7.
    assert (small["organisations"], small["tickets"], small["assigned"]) == (2, 8, 6)
    assert (small["median_wait_hours"], small["p90_wait_hours"]) == (0.75, 27.0)
    assert small["assigned_in_time_share"] == 0.7143
    assert medium["tickets"] == large["tickets"] == 0
    assert large["median_wait_hours"] is None
    assert report.facts["large_advantage"] is None


def test_billing_hours_per_organisation_and_month(dataset):
    report = billing_report(first=dt.date(2026, 12, 1), last=dt.date(2027, 3, 1), now=NOW)
    hours = [
        (
            r["month"],
            r["organisation"],
            r["status"],
            r["billable_hours"],
            r["included_hours"],
            r["free_hours"],
            r["net"],
        )
        for r in report.tables["hours"].rows
    ]
    assert hours == [
        # A's March draft: T6's 12 min billed at the 30 min minimum: 0.5 h, 600.00.
        (dt.date(2027, 3, 1), "Alpha AB", "draft", 0.5, 0.0, 0.0, Decimal("600.00")),
        # A's February statement: T1's 45 min included, T2's 60 min free.
        (dt.date(2027, 2, 1), "Alpha AB", "issued", 0.0, 0.75, 1.0, Decimal("0.00")),
        # B's February: the credited statement is left out; the new draft bills T7's 90 min.
        (dt.date(2027, 2, 1), "Beta AB", "draft", 1.5, 0.0, 0.0, Decimal("1800.00")),
        # B's December: T8's 15 min, free.
        (dt.date(2026, 12, 1), "Beta AB", "issued", 0.0, 0.0, 0.25, Decimal("0.00")),
    ]
    months = {
        r["month"]: (r["billable_hours"], r["included_hours"], r["free_hours"], r["net"])
        for r in report.tables["months"].rows
    }
    assert months == {
        dt.date(2026, 12, 1): (0.0, 0.0, 0.25, Decimal("0.00")),
        dt.date(2027, 1, 1): (0.0, 0.0, 0.0, Decimal("0.00")),
        # 1.5 (B) billable; 0.75 included and 1.0 free (A); 1800.00 + 0.00.
        dt.date(2027, 2, 1): (1.5, 0.75, 1.0, Decimal("1800.00")),
        dt.date(2027, 3, 1): (0.5, 0.0, 0.0, Decimal("600.00")),
    }
    # T3's 20 March minutes are on no statement: not counted anywhere.


def test_statements_drafted_issued_and_credited(dataset):
    report = billing_report(first=dt.date(2026, 12, 1), last=dt.date(2027, 3, 1), now=NOW)
    got = {
        r["month"]: (
            r["drafted"],
            r["issued"],
            r["credited"],
            r["credit_statements"],
            r["drafted_net"],
            r["issued_net"],
            r["credited_net"],
        )
        for r in report.tables["statements"].rows
    }
    zero = Decimal("0.00")
    assert got == {
        dt.date(2026, 12, 1): (0, 1, 0, 0, zero, zero, zero),  # B's, free time only
        dt.date(2027, 1, 1): (0, 0, 0, 0, zero, zero, zero),
        # B's first February statement (1800.00) credited, then drafted again; A's issued.
        dt.date(2027, 2, 1): (1, 1, 1, 1, Decimal("1800.00"), zero, Decimal("1800.00")),
        dt.date(2027, 3, 1): (1, 0, 0, 0, Decimal("600.00"), zero, zero),  # A's draft
    }


def test_the_service_report_of_each_organisation(dataset, org_a, org_b):
    a = service_report(organisation=org_a, now=NOW)
    rows = _rows(a.tables["attainment"])
    # A's quarter: T1, T2, T5, T6. Assignment met T1, T5, missed T2: 2/3. Same day met
    # T1, missed T2, T5: 1/3. Resolution met T1, missed T2, T5 and T6 pending: 1/2.
    for period in ("This quarter", "Last 12 months"):  # A has no older ticket
        assert _figure(rows[period, "Assigned within 2 working days"])[:4] == (2, 1, 1, 0.6667)
        assert _figure(rows[period, "Assigned and started the same working day"])[:4] == (
            1,
            2,
            1,
            0.3333,
        )
        assert _figure(rows[period, "Resolved within 10 working days"])[:4] == (1, 1, 2, 0.5)
    assert {r["status"]: r["tickets"] for r in a.tables["status"].rows if r["tickets"]} == {
        "new": 1,  # T6
        "waiting_customer": 1,  # T5
        "resolved": 1,  # T2
        "closed": 1,  # T1
    }
    billed = {r["month"]: r for r in a.tables["billed"].rows}
    # Issued statements only: February (45 min included, 60 free); March is a draft.
    assert (
        billed[dt.date(2027, 2, 1)]["included_hours"],
        billed[dt.date(2027, 2, 1)]["free_hours"],
    ) == (0.75, 1.0)
    assert billed[dt.date(2027, 3, 1)]["billable_hours"] == 0.0
    assert len(billed) == 12  # April 2026 to March 2027

    b = service_report(organisation=org_b, now=NOW)
    rows = _rows(b.tables["attainment"])
    # B's quarter: T3, T4, T7 — assignment met T3, T7, missed T4: 2/3; resolution: T7
    # missed, T3 and T4 pending: 0/1. Over 12 months T8 adds one met to each: 3/4, 1/2.
    assert _figure(rows["This quarter", "Assigned within 2 working days"])[:4] == (2, 1, 0, 0.6667)
    assert _figure(rows["This quarter", "Resolved within 10 working days"])[:4] == (0, 1, 2, 0.0)
    assert _figure(rows["Last 12 months", "Assigned within 2 working days"])[:4] == (3, 1, 0, 0.75)
    assert _figure(rows["Last 12 months", "Resolved within 10 working days"])[:4] == (1, 1, 2, 0.5)
    billed = {r["month"]: r for r in b.tables["billed"].rows}
    # December issued (15 min free); February's statement was credited and its new draft
    # is not issued: nothing billed for February.
    assert billed[dt.date(2026, 12, 1)]["free_hours"] == 0.25
    assert billed[dt.date(2027, 2, 1)]["billable_hours"] == 0.0
    assert billed[dt.date(2027, 2, 1)]["net"] == Decimal("0.00")
