"""Keeping the dashboard's figures (``reports.models``) equal to the tickets, incrementally.

A ticket's *part* in the figures is a small record (:class:`TicketFigures`): its day and
working day of registration, its dimensions, and its outcome of each commitment as
``commitments.kpi.outcome_conditions`` decides it at the time of application. The figure
tables hold the sums of the parts. :func:`apply` recomputes the parts of some tickets from
their rows, and adds ``new part − stored part`` to the tables with increments in the
database (``INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n``): never a read, then a
write. The stored parts are locked while they change, so two workers applying the same
ticket take turns, and applying a ticket whose part has not changed adds nothing — a
redelivered event is harmless.

What calls it:

- the subscriber (``reports.subscribers``) after every event that can change a ticket's
  figures;
- :func:`sweep`, every minute: an outcome can change with nothing happening — an
  unassigned ticket misses its deadline when the deadline passes. The sweep applies the
  tickets whose deadlines passed since the last sweep (indexed queries), all open tickets
  after the working week was changed, and the tickets leaving the fairness window when a
  new week begins. The figures are therefore those of the last sweep's instant;
- :func:`rebuild`, from scratch (``supportdesk report rebuild``).

Until the figures are built the dashboard computes from the tickets, as before.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from supportdesk.commitments.calendar import WorkingCalendar
from supportdesk.commitments.clocks import current_calendar
from supportdesk.commitments.models import CalendarChange
from supportdesk.core import clock
from supportdesk.reports.models import (
    DAY_COUNTS,
    FigureBacklog,
    FigureBandWait,
    FigureBreakdown,
    FigureConsultant,
    FigureDay,
    FigureMinutes,
    FigureOrganisation,
    FiguresState,
    FigureWait,
    TicketFigures,
)
from supportdesk.reports.selectors.common import SIZE_BANDS, Periods
from supportdesk.tickets.models import OPEN_STATUSES, WAITING_STATUSES, Kind, Ticket

PENDING, MET, MISSED = 0, 1, 2
BATCH = 2000

# Table → (key columns, counter columns); the order of each is the order of the SQL.
TABLES: dict[str, tuple[Any, tuple[str, ...], tuple[str, ...]]] = {
    "day": (FigureDay, ("day",), DAY_COUNTS),
    "minutes": (FigureMinutes, ("unit", "start", "measure", "minutes"), ("n",)),
    "backlog": (FigureBacklog, ("workday",), ("open", "unassigned", "waiting")),
    "breakdown": (FigureBreakdown, ("week", "dimension", "value"), ("registered", "open")),
    "consultant": (
        FigureConsultant,
        ("assignee_id", "day"),
        ("open", "assigned", "in_progress", "waiting", "resolved"),
    ),
    "organisation": (
        FigureOrganisation,
        ("organisation_id",),
        ("tickets", "assigned", "met", "missed"),
    ),
    "wait": (FigureWait, ("organisation_id", "minutes"), ("n",)),
    # Not in a part's counts: ``wait`` summed by the organisations' bands (see add).
    "wait_band": (FigureBandWait, ("band", "minutes"), ("n",)),
}

# The columns of a ticket a part is computed from.
TICKET_COLUMNS = (
    "pk",
    "organisation_id",
    "assignee_id",
    "kind",
    "channel",
    "impact",
    "code_owner",
    "status",
    "registered_at",
    "assigned_at",
    "started_at",
    "resolved_at",
    "assignment_due",
    "same_day_due",
    "resolution_due",
    "assignment_minutes",
    "resolution_minutes",
)
PART_FIELDS = [f.attname for f in TicketFigures._meta.concrete_fields if f.attname != "ticket_id"]


# --- a ticket's part --------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    now: dt.datetime
    window_start: dt.date
    calendar: WorkingCalendar
    tz: dt.tzinfo


def _date(instant: dt.datetime, tz: dt.tzinfo) -> dt.date:
    return timezone.localtime(instant, tz).date()


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def outcomes(row: dict[str, Any], now: dt.datetime) -> tuple[int, int, int]:
    """Assignment, same-day and resolution outcome, as ``kpi.outcome_conditions`` says."""
    assigned, started, resolved = row["assigned_at"], row["started_at"], row["resolved_at"]
    a_due, s_due, r_due = row["assignment_due"], row["same_day_due"], row["resolution_due"]
    assignment = PENDING
    if a_due is not None:
        if assigned is not None:
            assignment = MET if assigned <= a_due else MISSED
        elif a_due < now:
            assignment = MISSED
    same_day = PENDING
    if s_due is not None:
        if assigned is not None and started is not None and assigned <= s_due and started <= s_due:
            same_day = MET
        elif (
            s_due < now
            or (assigned is not None and assigned > s_due)
            or (started is not None and started > s_due)
        ):
            same_day = MISSED
    resolution = PENDING
    if r_due is not None:
        if resolved is not None:
            resolution = MET if resolved <= r_due else MISSED
        elif r_due < now and row["status"] not in WAITING_STATUSES:
            resolution = MISSED
    return assignment, same_day, resolution


def part_of(row: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """A ticket's part in the figures (the fields of :class:`TicketFigures`)."""
    day = _date(row["registered_at"], ctx.tz)
    is_open = row["status"] in OPEN_STATUSES
    assignment, same_day, resolution = outcomes(row, ctx.now)
    return {
        "counted": True,
        "day": day,
        "workday": (
            _date(ctx.calendar.close_of_working_day(row["registered_at"]), ctx.calendar.tz)
            if is_open
            else None
        ),
        "organisation_id": row["organisation_id"],
        "assignee_id": row["assignee_id"],
        "kind": row["kind"],
        "channel": row["channel"],
        "impact": row["impact"],
        "code_owner": row["code_owner"],
        "status": row["status"],
        "unassigned": row["assigned_at"] is None,
        "assignment": assignment,
        "same_day": same_day,
        "resolution": resolution,
        "assignment_minutes": row["assignment_minutes"],
        "resolution_minutes": row["resolution_minutes"],
        "resolved_day": _date(row["resolved_at"], ctx.tz) if row["resolved_at"] else None,
        "in_window": day >= ctx.window_start,
    }


EMPTY_PART: dict[str, Any] = {name: None for name in PART_FIELDS} | {"counted": False}

Key = tuple[str, tuple[Any, ...], str]


def counts_of(part: dict[str, Any]) -> Counter[Key]:
    """What a part adds to each figure: (table, key, counter) → 1."""
    out: Counter[Key] = Counter()
    if not part.get("counted"):
        return out
    day: dt.date = part["day"]
    week, month = _monday(day), day.replace(day=1)
    out["day", (day,), "registered"] += 1
    for name in ("assignment", "same_day", "resolution"):
        if part[name] == MET:
            out["day", (day,), f"{name}_met"] += 1
        elif part[name] == MISSED:
            out["day", (day,), f"{name}_missed"] += 1
    for measure, column in (("a", "assignment_minutes"), ("r", "resolution_minutes")):
        minutes = part[column]
        if minutes is not None:
            out["minutes", ("w", week, measure, minutes), "n"] += 1
            out["minutes", ("m", month, measure, minutes), "n"] += 1
    is_open = part["status"] in OPEN_STATUSES
    waiting = part["status"] in WAITING_STATUSES
    if is_open:
        out["backlog", (part["workday"],), "open"] += 1
        if part["unassigned"]:
            out["backlog", (part["workday"],), "unassigned"] += 1
        if waiting:
            out["backlog", (part["workday"],), "waiting"] += 1
    dimensions = [("kind", part["kind"]), ("channel", part["channel"]), ("impact", part["impact"])]
    if part["kind"] == Kind.BUG:
        dimensions.append(("code_owner", part["code_owner"]))
    for dimension, value in dimensions:
        out["breakdown", (week, dimension, value), "registered"] += 1
        if is_open:
            out["breakdown", (week, dimension, value), "open"] += 1
    assignee = part["assignee_id"]
    if assignee is not None:
        if is_open:
            out["consultant", (assignee, day), "open"] += 1
            if part["status"] == "assigned":
                out["consultant", (assignee, day), "assigned"] += 1
            elif part["status"] == "in_progress":
                out["consultant", (assignee, day), "in_progress"] += 1
            elif waiting:
                out["consultant", (assignee, day), "waiting"] += 1
        if part["resolved_day"] is not None:
            out["consultant", (assignee, part["resolved_day"]), "resolved"] += 1
    if part["in_window"]:
        org = part["organisation_id"]
        out["organisation", (org,), "tickets"] += 1
        if part["assignment_minutes"] is not None:
            out["organisation", (org,), "assigned"] += 1
            out["wait", (org, part["assignment_minutes"]), "n"] += 1
        if part["assignment"] == MET:
            out["organisation", (org,), "met"] += 1
        elif part["assignment"] == MISSED:
            out["organisation", (org,), "missed"] += 1
    return out


# --- writing the differences -------------------------------------------------------------


def _upsert_sql(table: str) -> str:
    model, keys, counters = TABLES[table]
    q = connection.ops.quote_name
    name = q(model._meta.db_table)
    columns = [*keys, *counters]
    return (
        f"INSERT INTO {name} ({', '.join(q(c) for c in columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({', '.join(q(k) for k in keys)}) DO UPDATE SET "
        + ", ".join(f"{q(c)} = {name}.{q(c)} + excluded.{q(c)}" for c in counters)
    )


def band_of(tickets: int) -> str | None:
    """The size band (``SIZE_BANDS``) of an organisation with this many tickets in the
    fairness window; None without tickets (fairness leaves it out)."""
    if tickets <= 0:
        return None
    for band in SIZE_BANDS:
        if tickets >= band.least and (band.below is None or tickets < band.below):
            return band.key
    return None


Rows = dict[str, dict[tuple[Any, ...], dict[str, int]]]


def _band_rows(rows: Rows) -> dict[tuple[Any, ...], dict[str, int]]:
    """What ``rows`` (about to be added) change in ``wait_band``.

    An organisation whose band stays adds its waits' changes to its band; one whose
    ticket count crosses a band's bound moves all its waits from the old band to the new.
    Its figures row is locked first (in the tables' order, as the upserts take them), so
    its count and waits read here stay as read until the commit.
    """
    tickets = {
        key[0]: values.get("tickets", 0) for key, values in rows.get("organisation", {}).items()
    }
    waits: dict[int, dict[int, int]] = {}
    for (org, minutes), values in rows.get("wait", {}).items():
        waits.setdefault(org, {})[minutes] = values.get("n", 0)
    orgs = sorted(set(tickets) | set(waits))
    if not orgs:
        return {}
    current = FigureOrganisation.objects.filter(organisation_id__in=orgs).order_by(
        "organisation_id"
    )
    if connection.features.has_select_for_update:
        current = current.select_for_update()
    before = dict(current.values_list("organisation_id", "tickets"))
    out: Counter[tuple[Any, ...]] = Counter()
    moving: dict[int, tuple[str | None, str | None]] = {}
    for org in orgs:
        old_band = band_of(before.get(org, 0))
        new_band = band_of(before.get(org, 0) + tickets.get(org, 0))
        if old_band == new_band:
            if new_band is not None:
                for minutes, n in waits.get(org, {}).items():
                    out[new_band, minutes] += n
        else:
            moving[org] = (old_band, new_band)
    if moving:
        stored = FigureWait.objects.filter(organisation_id__in=list(moving), n__gt=0)
        for org, minutes, n in stored.values_list("organisation_id", "minutes", "n"):
            old_band, new_band = moving[org]
            if old_band is not None:
                out[old_band, minutes] -= n
            if new_band is not None:
                out[new_band, minutes] += n
        for org, (_old_band, new_band) in moving.items():
            if new_band is not None:
                for minutes, n in waits.get(org, {}).items():
                    out[new_band, minutes] += n
    return {key: {"n": n} for key, n in out.items() if n}


def add(delta: Counter[Key] | dict[Key, int]) -> int:
    """Add ``delta`` to the figure tables in the database; returns the rows touched.

    ``wait_band`` follows from ``organisation`` and ``wait`` (:func:`_band_rows`).
    """
    rows: Rows = {}
    for (table, key, counter), n in delta.items():
        if n:
            rows.setdefault(table, {}).setdefault(key, {})[counter] = n
    touched = 0
    banded = False
    with connection.cursor() as cursor:
        for table in sorted({*rows, "wait_band"}):
            if table in ("organisation", "wait", "wait_band") and not banded:
                # Before the first of the organisations' tables is written.
                rows["wait_band"] = _band_rows(rows)
                banded = True
            by_key = rows.get(table)
            if not by_key:
                continue
            _model, _keys, counters = TABLES[table]
            params = [
                [*key, *(values.get(c, 0) for c in counters)]
                for key, values in sorted(by_key.items(), key=lambda kv: str(kv[0]))
            ]
            # Sorted, so concurrent writers take the rows' locks in the same order.
            for start in range(0, len(params), 1000):
                cursor.executemany(_upsert_sql(table), params[start : start + 1000])
            touched += len(params)
    return touched


def _state(*, lock: bool = False) -> FiguresState | None:
    qs = FiguresState.objects.all()
    if lock:
        qs = qs.select_for_update()
    return qs.order_by("pk").first()


def _context(state: FiguresState, now: dt.datetime) -> Context:
    return Context(
        now=now,
        window_start=state.window_start,
        calendar=current_calendar(),
        tz=timezone.get_default_timezone(),
    )


def _shared_lock() -> FiguresState | None:
    """The state row, held against a rebuild for the rest of the transaction.

    Applications only share it (``FOR SHARE`` on PostgreSQL), so they run side by side; a
    rebuild takes it for itself.
    """
    if connection.vendor == "postgresql":
        sql = f"SELECT * FROM {_STATE_TABLE} FOR SHARE"  # noqa: S608 (the model's table)
        found = list(FiguresState.objects.raw(sql))
        return found[0] if found else None
    return _state()


_STATE_TABLE = connection.ops.quote_name(FiguresState._meta.db_table)


def apply(ticket_ids: Iterable[int], *, now: dt.datetime | None = None) -> int:
    """Bring the figures of these tickets up to date; returns how many parts changed.

    Does nothing before the figures are built (the rebuild will count these tickets).
    """
    ids = sorted(set(ticket_ids))
    if not ids:
        return 0
    changed = 0
    with transaction.atomic():
        state = _shared_lock()
        if state is None:
            return 0
        ctx = _context(state, now or clock.now())
        for start in range(0, len(ids), BATCH):
            changed += _apply_batch(ids[start : start + BATCH], ctx)
    return changed


def _apply_batch(ids: list[int], ctx: Context) -> int:
    # A part row for each ticket first (nothing counted), so there is a row to lock.
    existing = list(Ticket.objects.filter(pk__in=ids).values_list("pk", flat=True))
    TicketFigures.objects.bulk_create(
        [TicketFigures(ticket_id=pk) for pk in existing], ignore_conflicts=True
    )
    stored = {
        p.ticket_id: p
        for p in TicketFigures.objects.select_for_update().filter(ticket_id__in=ids).order_by("pk")
    }
    # Read after the lock: a concurrent application of the same ticket has committed.
    rows = {row["pk"]: row for row in Ticket.objects.filter(pk__in=ids).values(*TICKET_COLUMNS)}
    delta: Counter[Key] = Counter()
    changed_parts = []
    for pk in ids:
        if pk not in stored:  # the ticket is gone (its part went with it)
            continue
        current = stored[pk]
        old = {name: getattr(current, name) for name in PART_FIELDS}
        new = part_of(rows[pk], ctx) if pk in rows else dict(EMPTY_PART)
        if new == old:
            continue
        delta.update(counts_of(new))
        delta.subtract(counts_of(old))
        for name, value in new.items():
            setattr(current, name, value)
        changed_parts.append(current)
    if changed_parts:
        add(delta)
        TicketFigures.objects.bulk_update(changed_parts, PART_FIELDS, batch_size=500)
    return len(changed_parts)


# --- from scratch ----------------------------------------------------------------------


def _ticket_rows(qs: Any) -> Iterator[dict[str, Any]]:
    return qs.order_by("pk").values(*TICKET_COLUMNS).iterator(chunk_size=BATCH)


def rebuild(*, now: dt.datetime | None = None, since: dt.date | None = None) -> dict[str, Any]:
    """Make the figures again from the tickets; returns what was done and how long it took.

    Everything (``since`` None): the tables are emptied and refilled in one transaction;
    the subscribers wait for it (they share the state row the rebuild holds). With
    ``since``: the tickets registered on or after that local date are applied again (the
    rest is kept), which is how a correction of old data is brought in.
    """
    began = time.perf_counter()
    now = now or clock.now()
    if since is not None and _state() is not None:
        lo = timezone.make_aware(dt.datetime.combine(since, dt.time(0)))
        ids = list(
            Ticket.objects.filter(registered_at__gte=lo).order_by("pk").values_list("pk", flat=True)
        )
        changed = apply(ids, now=now)
        return {"tickets": len(ids), "changed": changed, "seconds": time.perf_counter() - began}
    with transaction.atomic():
        state = _state(lock=True)
        window_start = Periods(timezone.localdate(now)).trend[0]
        if state is None:
            state = FiguresState(
                built_at=now, swept_until=now, window_start=window_start, calendar_seen=now
            )
        state.built_at = state.swept_until = state.calendar_seen = now
        state.window_start = window_start
        state.save()
        ctx = _context(state, now)
        TicketFigures.objects.all().delete()
        for model, _keys, _counters in TABLES.values():
            model.objects.all().delete()
        if connection.vendor == "postgresql":
            from supportdesk.reports.rebuild_sql import rebuild_in_sql

            done = rebuild_in_sql(ctx)
            return done | {"seconds": time.perf_counter() - began}
        total: Counter[Key] = Counter()
        parts: list[TicketFigures] = []
        n = 0
        for row in _ticket_rows(Ticket.objects.all()):
            part = part_of(row, ctx)
            total.update(counts_of(part))
            parts.append(TicketFigures(ticket_id=row["pk"], **part))
            n += 1
            if len(parts) >= BATCH:
                TicketFigures.objects.bulk_create(parts)
                parts = []
        TicketFigures.objects.bulk_create(parts)
        rows = add(total)
    return {"tickets": n, "rows": rows, "seconds": time.perf_counter() - began}


# --- the sweep -----------------------------------------------------------------------


def sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Count the deadlines that passed since the last sweep; follow a change of the
    working week and the fairness window's move to a new week. Builds the figures when
    they have never been built."""
    now = now or clock.now()
    state = _state()
    if state is None:
        result = rebuild(now=now)
        return {"rebuilt": int(result["tickets"])}
    since = state.swept_until
    if now <= since:
        return {"deadlines": 0, "calendar": 0, "window": 0}
    a = Q(assigned_at__isnull=True, assignment_due__gte=since, assignment_due__lt=now)
    s = Q(same_day_due__gte=since, same_day_due__lt=now) & (
        Q(assigned_at__isnull=True) | Q(started_at__isnull=True)
    )
    r = Q(resolved_at__isnull=True, resolution_due__gte=since, resolution_due__lt=now)
    due = {
        pk
        for condition in (a, s, r)
        for pk in Ticket.objects.filter(condition).values_list("pk", flat=True)
    }
    calendar = 0
    changed_week = CalendarChange.objects.filter(changed_at__gte=state.calendar_seen or since)
    if changed_week.exists():
        # Deadlines and working days of registration moved without an event.
        open_ids = set(Ticket.objects.filter(status__in=OPEN_STATUSES).values_list("pk", flat=True))
        calendar = len(open_ids)
        due |= open_ids
    window = 0
    window_start = Periods(timezone.localdate(now)).trend[0]
    if window_start != state.window_start:
        lo = timezone.make_aware(dt.datetime.combine(state.window_start, dt.time(0)))
        hi = timezone.make_aware(dt.datetime.combine(window_start, dt.time(0)))
        moved = set(
            Ticket.objects.filter(registered_at__gte=lo, registered_at__lt=hi).values_list(
                "pk", flat=True
            )
        )
        window = len(moved)
        due |= moved
    with transaction.atomic():
        locked = _state(lock=True)
        if locked is None or locked.swept_until != since:
            return {"deadlines": 0, "calendar": 0, "window": 0}  # another sweep won
        locked.swept_until = now
        locked.calendar_seen = now
        locked.window_start = window_start
        locked.save()
        ctx = _context(locked, now)
        ids = sorted(due)
        for start in range(0, len(ids), BATCH):
            _apply_batch(ids[start : start + BATCH], ctx)
    return {"deadlines": len(due) - calendar - window, "calendar": calendar, "window": window}


def built() -> FiguresState | None:
    """The state of the figures, or None while they have never been built."""
    return _state()


def verbs() -> tuple[str, ...]:
    """The event verbs after which a ticket's figures are applied again."""
    from supportdesk.tickets.events import STATUS_VERBS, Verb

    return tuple(
        sorted(
            {
                *STATUS_VERBS,
                Verb.UPDATED,
                Verb.MERGED,
                Verb.SPLIT,
                Verb.SPLIT_FROM,
                Verb.ASSIGNMENT_BREACHED,
            }
        )
    )
