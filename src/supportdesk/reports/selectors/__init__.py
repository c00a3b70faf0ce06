"""The reads behind the reports (R3–R6): every figure is aggregated in the database.

Each function is one query (or a fixed few), whatever the number of tickets, so a page
costs a fixed number of queries. Python only fills in the periods that had no tickets and
turns minutes into hours.

Definitions, shown on the pages and in the README:

- *attainment*: as ``commitments.kpi`` counts it — a ticket counts once its outcome is
  decided (met, or missed); pending ones are left out of the share;
- *age in working days* of an open ticket: how many working days have begun since the
  working day it was registered on (0: registered today; a ticket registered after the
  close belongs to the next working day, as its clocks do);
- *at risk*: open and unassigned once dispatchers are warned (``assignment_warn_at``), or
  open, not paused, and due to be resolved within one working day, or overdue;
- *organisation size band* (fairness, R4): by the organisation's tickets registered in the
  trend window (the last 52 weeks) — small under 12 (less than one a month), medium 12 to
  119, large 120 or more (ten a month or more);
- *billing hours*: from the lines of live statements (drafts and issued statements; a
  credited statement's time is released and billed again by the month's next draft, so
  counting it too would count it twice). Billable hours are billed minutes of charged
  lines (minimum charge and rounding included); included and free hours are the logged
  minutes of lines the rules made included or free. Time not yet on a statement is not
  counted.

Split by section: ``common`` (periods and helpers), ``attainment``, ``desk`` (the desk
now), ``breakdowns`` (and fairness), ``billing`` and ``organisation``; every name is
imported here too.
"""

from __future__ import annotations

from supportdesk.reports.selectors.attainment import (  # noqa: F401
    attainment_by_period,
    attainment_figures,
)
from supportdesk.reports.selectors.billing import (  # noqa: F401
    _LIVE,
    _hours_aggregates,
    _hours_row,
    billing_hours,
    billing_months,
    statements_by_month,
)
from supportdesk.reports.selectors.breakdowns import (  # noqa: F401
    _BREAKDOWN_SQL,
    _FAIRNESS_SQL,
    BREAKDOWNS,
    _sql_names,
    breakdowns,
    fairness,
    large_advantage,
)
from supportdesk.reports.selectors.common import (  # noqa: F401
    AGE_BANDS,
    FAIRNESS_TOLERANCE,
    LOAD_RESOLVED_DAYS,
    MEASURE_LABELS,
    MEASURES,
    RESOLUTION_RISK_WORKING_DAYS,
    RISK_LIST_LIMIT,
    SIZE_BANDS,
    TREND_WEEKS,
    Periods,
    SizeBand,
    _hours,
    _local_date,
    _share,
    _tz,
    months_between,
)
from supportdesk.reports.selectors.desk import (  # noqa: F401
    age_boundaries,
    backlog_by_age,
    load_per_consultant,
    tickets_at_risk,
)
from supportdesk.reports.selectors.organisation import (  # noqa: F401
    billed_hours_by_month,
    organisation_tickets,
    tickets_by_status,
)
