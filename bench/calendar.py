"""Deadlines per second of the working-time calendar (R3/R5 clocks), against naive arithmetic.

Run: PYTHONPATH=src .venv/bin/python bench/calendar.py [instants]

Random instants across 2026-2028 (fixed seed); each is given an assignment deadline
(add_working_days(t, 2)) and a resolution-style deadline (add_working_minutes). The reference
is plain ``t + timedelta(days=2)`` over the same instants, run in the same process, so the
ratio is comparable across machines.
"""

import sys
from pathlib import Path

# This file is called calendar.py and Python puts its folder first on sys.path, so the standard
# library's `calendar` (imported by `holidays`) would resolve to this script. Drop the folder.
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    del sys.path[0]

import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from supportdesk.commitments.calendar import default_calendar

SEED = 2026
START = datetime(2026, 1, 1, tzinfo=UTC)
SPAN_US = (datetime(2029, 1, 1, tzinfo=UTC) - START) // timedelta(microseconds=1)


def rate(label: str, run: Callable[[], object], count: int, repeat: int = 3) -> float:
    """Best of ``repeat`` runs, in operations per second, printed on one line."""
    best = min(_timed(run) for _ in range(repeat))
    per_second = count / best
    print(f"{label:<42} {per_second:>12,.0f} /s   {best / count * 1e6:7.3f} µs each")
    return per_second


def _timed(run: Callable[[], object]) -> float:
    began = time.perf_counter()
    run()
    return time.perf_counter() - began


def main(count: int) -> None:
    rng = random.Random(SEED)
    instants = [START + timedelta(microseconds=rng.randrange(SPAN_US)) for _ in range(count)]
    minutes = [rng.randrange(1, 10 * 9 * 60) for _ in range(count)]  # up to 10 working days
    ends = [t + timedelta(minutes=rng.randrange(1, 30 * 24 * 60)) for t in instants]
    pairs = list(zip(instants, minutes, strict=True))
    spans = list(zip(instants, ends, strict=True))
    cal = default_calendar()
    add_days, add_minutes, between = (
        cal.add_working_days,
        cal.add_working_minutes,
        cal.working_minutes_between,
    )
    two_days = timedelta(days=2)
    for t in instants[:1000]:  # warm the per-year caches, as a long-running worker would be
        add_days(t, 2)

    print(f"calendar bench: {count:,} random instants 2026-2028, seed {SEED}, best of 3")
    days_rate = rate("add_working_days(t, 2)", lambda: [add_days(t, 2) for t in instants], count)
    minutes_rate = rate(
        "add_working_minutes(t, 1..5399)",
        lambda: [add_minutes(t, m) for t, m in pairs],
        count,
    )
    rate("working_minutes_between(s, e)", lambda: [between(s, e) for s, e in spans], count)
    naive_rate = rate(
        "reference: t + timedelta(days=2)", lambda: [t + two_days for t in instants], count
    )
    print(f"{'naive / add_working_days':<42} {naive_rate / days_rate:>12.1f} x slower")
    print(f"{'naive / add_working_minutes':<42} {naive_rate / minutes_rate:>12.1f} x slower")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
