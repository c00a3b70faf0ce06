"""The dashboard's kept figures (``reports.figures``) equal the figures computed from the
tickets, whatever the history; a rebuild equals what the subscribers kept; the dashboard
reads them in a fixed number of queries.

Histories are random: registrations by portal and console, assignments before and after
the deadline, work started, waiting and resuming, resolutions, closings, reopenings,
changes of kind — spread over days, weeks, a month's and a quarter's end, Easter, and
different working weeks — with the deadline sweep run at random moments. Run on SQLite
and on PostgreSQL (DATABASE_URL).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.db.models import Q, Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportdesk.commitments.clocks import clear_calendar_cache, current_calendar
from supportdesk.commitments.models import BusinessHours
from supportdesk.core import clock
from supportdesk.core.errors import ActionError
from supportdesk.reports import figures
from supportdesk.reports.figures import TABLES
from supportdesk.reports.models import FigureBandWait, FigureDay, FiguresState, TicketFigures
from supportdesk.reports.selectors.common import RESOLUTION_RISK_WORKING_DAYS
from supportdesk.reports.tables import commitments_report
from supportdesk.tickets.actions import lifecycle
from supportdesk.tickets.actions.update import ticket_update
from supportdesk.tickets.models import OPEN_STATUSES, Event, Kind, Ticket
from tests.commitments.helpers import local
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Thursday before Easter 2027 (Good Friday 26 March, Easter Monday 29 March); a history
# runs into April: a new month, quarter and several weeks.
START = local(2027, 3, 25, 7, 0)

WEEKS = {
    "office": {d: (dt.time(8), dt.time(17)) for d in range(5)},
    "short": {0: (dt.time(7), dt.time(15, 30)), 1: (dt.time(7), dt.time(15, 30)),
              2: (dt.time(7), dt.time(15, 30)), 3: (dt.time(7), dt.time(15, 30)),
              4: (dt.time(9), dt.time(12))},
    "saturdays": {0: (dt.time(10), dt.time(18)), 2: (dt.time(10), dt.time(18)),
                  5: (dt.time(9), dt.time(13))},
}  # fmt: skip

step_st = st.one_of(
    st.tuples(st.just("create"), st.integers(0, 2), st.sampled_from(["how_to", "bug", "configuration"]),
              st.sampled_from(["", "", "production_down"])),
    st.tuples(st.just("assign"), st.integers(0, 30), st.integers(0, 1)),
    st.tuples(st.just("start"), st.integers(0, 30)),
    st.tuples(st.just("wait"), st.integers(0, 30), st.sampled_from(["customer", "third_party"])),
    st.tuples(st.just("resume"), st.integers(0, 30)),
    st.tuples(st.just("resolve"), st.integers(0, 30)),
    st.tuples(st.just("close"), st.integers(0, 30)),
    st.tuples(st.just("reopen"), st.integers(0, 30)),
    st.tuples(st.just("kind"), st.integers(0, 30), st.sampled_from([Kind.BUG, Kind.HOW_TO])),
    st.tuples(st.just("sweep")),
)  # fmt: skip
history_st = st.lists(
    st.tuples(
        # Minutes to the next step: minutes, hours, or over a night or a weekend.
        st.one_of(st.integers(0, 90), st.integers(90, 900), st.integers(900, 4 * 1440)),
        step_st,
    ),
    min_size=1,
    max_size=40,
)


def _figure_rows() -> dict[str, set[tuple[Any, ...]]]:
    """Every kept table's rows without their ids, rows of nothing but zeros left out."""
    rows: dict[str, set[tuple[Any, ...]]] = {}
    for name, (model, keys, counters) in TABLES.items():
        rows[name] = {
            row for row in model.objects.values_list(*keys, *counters) if any(row[len(keys) :])
        }
    rows["parts"] = set(TicketFigures.objects.values_list("ticket_id", *figures.PART_FIELDS))
    return rows


def _report(now: dt.datetime, *, kept: bool) -> dict[str, Any]:
    data = commitments_report(now=now, kept=kept).as_json()
    data["facts"].pop("figures_as_of")
    return data


def _play(history, week, people) -> dt.datetime:
    customers, consultants, dispatcher = people
    now = START
    made: list[Ticket] = []

    def act(step: tuple[Any, ...]) -> None:
        verb = step[0]
        if verb == "create":
            requester = customers[step[1] % len(customers)]
            made.append(
                lifecycle.ticket_create(
                    actor=requester if step[1] != 2 else consultants[0],
                    organisation=requester.organisation,
                    requester=requester,
                    channel="portal" if step[1] != 2 else "console",
                    subject=f"Question {len(made)}",
                    kind=step[2],
                    impact=step[3],
                )
            )
            return
        if verb == "sweep":
            figures.sweep(now=now)
            return
        if not made:
            return
        ticket = Ticket.objects.get(pk=made[step[1] % len(made)].pk)
        staff = ticket.assignee or consultants[0]
        if verb == "assign":
            lifecycle.ticket_assign(ticket=ticket, actor=dispatcher, assignee=consultants[step[2]])
        elif verb == "start":
            lifecycle.ticket_start(ticket=ticket, actor=staff)
        elif verb == "wait":
            lifecycle.ticket_wait(ticket=ticket, actor=staff, on=step[2])
        elif verb == "resume":
            lifecycle.ticket_resume(ticket=ticket, actor=staff)
        elif verb == "resolve":
            lifecycle.ticket_resolve(ticket=ticket, actor=staff)
        elif verb == "close":
            lifecycle.ticket_close(ticket=ticket, actor=staff)
        elif verb == "reopen":
            lifecycle.ticket_reopen(ticket=ticket, actor=staff)
        elif verb == "kind":
            ticket_update(ticket=ticket, actor=staff, kind=step[2], reason="reclassified")

    for minutes, step in history:
        now += dt.timedelta(minutes=minutes)
        # A step not allowed in the ticket's state is refused; the history goes on.
        with clock.at(now), contextlib.suppress(ActionError):
            act(step)
    return now


def _fresh(week: str, now: dt.datetime) -> None:
    """An empty desk with this working week, its figures built (empty)."""
    Event.objects.all().delete()
    Ticket.objects.all().delete()
    BusinessHours.objects.all().delete()
    BusinessHours.objects.bulk_create(
        BusinessHours(weekday=day, opens=span[0], closes=span[1])
        for day, span in WEEKS[week].items()
    )
    clear_calendar_cache()
    FiguresState.objects.all().delete()
    figures.rebuild(now=now)


@given(
    history=history_st,
    week=st.sampled_from(sorted(WEEKS)),
    # Time after the last step before the figures are read: deadlines pass meanwhile.
    tail=st.one_of(st.integers(1, 120), st.integers(1, 30 * 1440)),
)
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_kept_figures_equal_the_tickets_and_a_rebuild(
    history, week, tail, alice, bob, consultant, other_consultant, dispatcher
):
    _fresh(week, START)
    staff_requester = UserFactory(organisation=alice.organisation)
    end = _play(
        history, week, ([alice, bob, staff_requester], [consultant, other_consultant], dispatcher)
    )
    end += dt.timedelta(minutes=tail)
    with clock.at(end):
        figures.sweep(now=end)  # the figures are those of the last sweep
        kept = _report(end, kept=True)
        assert kept == _report(end, kept=False)
        # The count of tickets at risk (index-backed parts) equals the plain condition.
        assert kept["facts"]["at_risk_total"] == _at_risk_from_scratch(end)
        incremental = _figure_rows()
        figures.rebuild(now=end)
        assert _figure_rows() == incremental


def _at_risk_from_scratch(now: dt.datetime) -> int:
    """Open tickets past the warning unassigned, or due to be resolved within a working day
    and not paused: one OR over the tickets, as the dashboard defined them."""
    calendar = current_calendar()
    horizon = calendar.add_working_days(now, RESOLUTION_RISK_WORKING_DAYS)
    return (
        Ticket.objects.filter(status__in=OPEN_STATUSES)
        .filter(
            Q(assigned_at__isnull=True, assignment_warn_at__lte=now)
            | (Q(resolution_due__lte=horizon) & ~Q(status__in=django_settings.RESOLUTION_PAUSES))
        )
        .count()
    )


def test_waits_move_with_their_organisation_between_size_bands(alice, consultant, dispatcher):
    """An organisation's 12th ticket in the window makes it medium: its waits leave the
    small band for the medium one; the kept fairness equals the tickets' and a rebuild."""
    now = START
    with clock.at(now):
        figures.rebuild(now=now)
    made = []
    for k in range(13):
        now += dt.timedelta(minutes=37)
        with clock.at(now):
            made.append(
                lifecycle.ticket_create(
                    actor=alice,
                    organisation=alice.organisation,
                    requester=alice,
                    channel="portal",
                    subject=f"Posting {k}",
                )
            )
        now += dt.timedelta(minutes=11 * k)
        with clock.at(now):
            lifecycle.ticket_assign(ticket=made[-1], actor=dispatcher, assignee=consultant)
        bands = dict(
            FigureBandWait.objects.filter(n__gt=0)
            .values_list("band")
            .annotate(total=Sum("n"))
            .values_list("band", "total")
        )
        assert bands == ({"small": k + 1} if k < 11 else {"medium": k + 1}), k
        with clock.at(now):
            kept = _report(now, kept=True)
            assert kept["tables"]["fairness"] == _report(now, kept=False)["tables"]["fairness"]
    figures.sweep(now=now)  # same-day deadlines passed meanwhile
    incremental = _figure_rows()
    with clock.at(now):
        figures.rebuild(now=now)
    assert _figure_rows() == incremental


def test_a_redelivered_event_adds_nothing(alice, consultant, dispatcher):
    with clock.at(START):
        figures.rebuild()
        ticket = lifecycle.ticket_create(
            actor=alice, organisation=alice.organisation, requester=alice, channel="portal",
            subject="Invoices do not post",
        )  # fmt: skip
        lifecycle.ticket_assign(ticket=ticket, actor=dispatcher, assignee=consultant)
    before = _figure_rows()
    assert FigureDay.objects.get().registered == 1
    from supportdesk.core.dispatch import deliver
    from supportdesk.reports.subscribers import keep_figures

    for event in Event.objects.filter(ticket=ticket):
        deliver(event, [keep_figures])  # again: the delivery is recorded once
        figures.apply([ticket.pk])  # and applying again changes nothing
    assert _figure_rows() == before


def test_a_deadline_passing_unassigned_is_missed_after_the_sweep(alice):
    with clock.at(START):
        figures.rebuild()
        ticket = lifecycle.ticket_create(
            actor=alice, organisation=alice.organisation, requester=alice, channel="portal",
            subject="Stock moves are wrong",
        )  # fmt: skip
    ticket.refresh_from_db()
    assert FigureDay.objects.get().assignment_missed == 0
    after = ticket.assignment_due + dt.timedelta(minutes=1)
    assert after < local(2027, 4, 1, 0, 0)  # still this quarter (Easter in between)
    figures.sweep(now=after)
    assert FigureDay.objects.get().assignment_missed == 1
    with clock.at(after):
        row = next(
            r
            for r in commitments_report(now=after).tables["attainment"].rows
            if r["period"] == "This quarter" and r["measure"].startswith("Assigned within")
        )
    assert (row["met"], row["missed"], row["pending"]) == (0, 1, 0)


def test_the_command_rebuilds_and_says_how_long(alice, capsys):
    from django.core.management import call_command

    with clock.at(START):
        lifecycle.ticket_create(
            actor=alice, organisation=alice.organisation, requester=alice, channel="portal",
            subject="Payroll export",
        )  # fmt: skip
        assert FiguresState.objects.count() == 0  # not built yet: the dashboard counts tickets
        call_command("report", "rebuild")
        assert "figures rebuilt from 1 tickets" in capsys.readouterr().out
        assert FigureDay.objects.get().registered == 1
        call_command("report", "rebuild", "--since", "2027-03-01")
        assert "1 tickets registered since 2027-03-01" in capsys.readouterr().out
        from django.core.management.base import CommandError

        with pytest.raises(CommandError, match="--since: '1 March' is not a date"):
            call_command("report", "rebuild", "--since", "1 March")


def test_the_dashboard_reads_the_kept_figures_in_a_fixed_number_of_queries(
    client, alice, consultant, dispatcher, settings
):
    settings.REPORTS_CACHE_SECONDS = 0
    # The SQL of the page alone: the charts' cache kept in memory (with the database cache,
    # charts drawn again are written to it; see test_chart_cache).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    url = reverse("reports:commitments")
    client.force_login(dispatcher)
    current_calendar()

    def make(n: int) -> None:
        for k in range(n):
            with clock.at(START + dt.timedelta(hours=7 * k)):
                ticket = lifecycle.ticket_create(
                    actor=alice, organisation=alice.organisation, requester=alice,
                    channel="portal", subject=f"Question {k}",
                )  # fmt: skip
                if k % 2:
                    lifecycle.ticket_assign(ticket=ticket, actor=dispatcher, assignee=consultant)

    with clock.at(START):
        figures.rebuild()
    make(3)
    later = START + dt.timedelta(days=9)
    with clock.at(later):
        figures.sweep()
        client.get(url)  # the first request after log-in writes the session
        with CaptureQueriesContext(connection) as small:
            assert client.get(url).status_code == 200
        report_small = CaptureQueriesContext(connection)
        with report_small:
            commitments_report(now=later)
    make(12)
    with clock.at(later), CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)
    # state 1, days 1, histograms 1, at risk 2, backlog 1, load 2, breakdowns 1, fairness 1
    assert len(report_small) == 10, [q["sql"][:80] for q in report_small.captured_queries]


def test_a_resolution_deadline_passing_is_missed_after_the_sweep(alice, consultant, dispatcher):
    """Assigned and started on time, then nothing: the resolution target passes."""
    with clock.at(START):
        figures.rebuild()
        ticket = lifecycle.ticket_create(
            actor=alice, organisation=alice.organisation, requester=alice, channel="portal",
            subject="Bank statements do not import",
        )  # fmt: skip
    with clock.at(START + dt.timedelta(hours=2)):
        lifecycle.ticket_assign(ticket=ticket, actor=dispatcher, assignee=consultant)
        lifecycle.ticket_start(ticket=ticket, actor=consultant)
    ticket.refresh_from_db()
    figures.sweep(now=ticket.resolution_due - dt.timedelta(days=1))  # other deadlines past
    day = FigureDay.objects.get()
    assert (day.assignment_met, day.same_day_met, day.resolution_missed) == (1, 1, 0)
    figures.sweep(now=ticket.resolution_due + dt.timedelta(minutes=1))
    assert FigureDay.objects.get().resolution_missed == 1
    # Waiting on the customer stops the clock: no longer missed while it waits.
    with clock.at(ticket.resolution_due + dt.timedelta(minutes=2)):
        lifecycle.ticket_wait(ticket=ticket, actor=consultant, on="customer")
    assert FigureDay.objects.get().resolution_missed == 0
