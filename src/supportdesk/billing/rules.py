"""The charging rules of the service policy (R6, R7, R8), as one table.

Each time entry is decided on its own, from the ticket's kind of request, the code
owner of a bug, and the organisation's agreement on the entry's date:

=====================  ==================  ==========  ===============================================
kind of request        code owner          charge      reason on the line
=====================  ==================  ==========  ===============================================
infrastructure         any                 free        free — server infrastructure question
service_delivery       any                 free        free — question about the delivery of the service
licence                any                 free        free — Odoo licence question
server_resources       any                 free        free — provision of additional server resources
configuration          any                 charged     charged — configuration change
bug_fix                any                 charged     charged — applying or installing a bug fix
register_bug           any                 charged     charged — registering a bug with Odoo
deployment             any                 charged     charged — deployment or architecture change
how_to                 any                 agreement   included — general user support under agreement
                                                       valid to 2027-12-31; without a valid agreement on
                                                       the entry's date: charged — general user support,
                                                       no agreement valid on 2027-03-14
bug                    partner             free        free — bug in our localisation addons
bug                    customer            charged     charged — bug in your own code or Studio
                                                       customisation
bug                    odoo_community      charged     charged — work on an Odoo Community bug
bug                    odoo_enterprise     charged     charged — work on an Odoo Enterprise bug
bug                    third_party         charged     charged — work on a third-party app bug
bug                    not classified      charged     charged — bug work, code owner not classified
=====================  ==================  ==========  ===============================================

A consultant or business consultant may override one entry, free or charged, with a
reason: "free — override by Carl: goodwill after the upgrade (rule: charged —
configuration change)".

Per ticket, the minimum charge: a ticket with chargeable time is billed at least
30 minutes in total. Cumulative billed = max(30, cumulative chargeable minutes),
rounded up to the organisation's increment when it has one; each statement bills the
increase over what issued statements already billed for the ticket, so a 12-minute
entry in March bills 30 minutes and a 20-minute entry in April bills 2 more.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from supportdesk.accounts.models import AgreementLike, agreement_valid_on
from supportdesk.billing.models import Charge, Override
from supportdesk.billing.reasons import Reason, reason_text
from supportdesk.tickets.models import CodeOwner, Kind

MINIMUM_MINUTES = 30
CENT = Decimal("0.01")
# The "charge" of the how-to row: included under a valid agreement, else charged.
AGREEMENT = "agreement"


@dataclass(frozen=True)
class Rule:
    kind: str
    code_owner: str | None  # None: any code owner
    charge: str  # a Charge value, or AGREEMENT
    words: str | Promise  # what the work is, in the reader's language
    policy: str


RULES: tuple[Rule, ...] = (
    Rule(Kind.INFRASTRUCTURE, None, Charge.FREE, _("server infrastructure question"), "R6"),
    Rule(
        Kind.SERVICE_DELIVERY,
        None,
        Charge.FREE,
        _("question about the delivery of the service"),
        "R6",
    ),
    Rule(Kind.LICENCE, None, Charge.FREE, _("Odoo licence question"), "R6"),
    Rule(
        Kind.SERVER_RESOURCES,
        None,
        Charge.FREE,
        _("provision of additional server resources"),
        "R6",
    ),
    Rule(Kind.CONFIGURATION, None, Charge.CHARGED, _("configuration change"), "R6"),
    Rule(Kind.BUG_FIX, None, Charge.CHARGED, _("applying or installing a bug fix"), "R6"),
    Rule(Kind.REGISTER_BUG, None, Charge.CHARGED, _("registering a bug with Odoo"), "R6, R8"),
    Rule(Kind.DEPLOYMENT, None, Charge.CHARGED, _("deployment or architecture change"), "R6"),
    Rule(Kind.HOW_TO, None, AGREEMENT, _("general user support"), "R6"),
    Rule(Kind.BUG, CodeOwner.PARTNER, Charge.FREE, _("bug in our localisation addons"), "R7, R8"),
    Rule(
        Kind.BUG,
        CodeOwner.CUSTOMER,
        Charge.CHARGED,
        _("bug in your own code or Studio customisation"),
        "R7",
    ),
    Rule(
        Kind.BUG, CodeOwner.ODOO_COMMUNITY, Charge.CHARGED, _("work on an Odoo Community bug"), "R8"
    ),
    Rule(
        Kind.BUG,
        CodeOwner.ODOO_ENTERPRISE,
        Charge.CHARGED,
        _("work on an Odoo Enterprise bug"),
        "R8",
    ),
    Rule(Kind.BUG, CodeOwner.THIRD_PARTY, Charge.CHARGED, _("work on a third-party app bug"), "R8"),
    Rule(Kind.BUG, None, Charge.CHARGED, _("bug work, code owner not classified"), "R6"),
)

_BY_KEY: dict[tuple[str, str | None], Rule] = {(r.kind, r.code_owner): r for r in RULES}


@dataclass(frozen=True)
class Decision:
    """How one entry is charged, and why: ``reason_data`` as stored, ``reason`` in words."""

    charge: str  # a Charge value
    reason_data: Reason
    rule: Rule | None  # None for an unknown kind of request

    @property
    def billable(self) -> bool:
        return self.charge == Charge.CHARGED

    @property
    def reason(self) -> str:
        """In the active language (``billing.reasons``)."""
        return reason_text(self.reason_data)


def rule_for(kind: str, code_owner: str) -> Rule | None:
    return _BY_KEY.get((kind, code_owner)) or _BY_KEY.get((kind, None))


# The rule itself lives with the agreements; billing applies it to a prefetched list.
agreement_on = agreement_valid_on


def decide_by_rules(
    *, kind: str, code_owner: str, day: dt.date, agreement: AgreementLike | None
) -> Decision:
    """R6/R7/R8 for one entry; ``agreement`` is the one valid on ``day``, if any."""
    rule = rule_for(kind, code_owner)
    if rule is None:
        # The policy charges everything it does not name as free.
        return Decision(Charge.CHARGED, {"type": "unclassified", "kind": kind}, None)
    if rule.charge == AGREEMENT:
        if agreement is not None:
            valid_to = agreement.valid_to.isoformat() if agreement.valid_to else None
            return Decision(
                Charge.INCLUDED,
                {
                    "type": "agreement",
                    "kind": kind,
                    "valid_from": agreement.valid_from.isoformat(),
                    "valid_to": valid_to,
                },
                rule,
            )
        return Decision(
            Charge.CHARGED, {"type": "no_agreement", "kind": kind, "day": day.isoformat()}, rule
        )
    owner = rule.code_owner or ""
    reason = {"type": "rule", "charge": str(rule.charge), "kind": kind, "owner": owner}
    return Decision(rule.charge, reason, rule)


def decide(
    *,
    kind: str,
    code_owner: str,
    day: dt.date,
    agreement: AgreementLike | None,
    override: str = "",
    override_reason: str = "",
    override_by: str = "",
) -> Decision:
    """The decision for one entry: the rules, unless a consultant overrode them."""
    ruled = decide_by_rules(kind=kind, code_owner=code_owner, day=day, agreement=agreement)
    if not override:
        return ruled
    charge = Charge.FREE if override == Override.FREE else Charge.CHARGED
    reason = {
        "type": "override",
        "charge": str(charge),
        "by": override_by,
        "note": override_reason,
        "rule": ruled.reason_data,
    }
    return Decision(charge, reason, ruled.rule)


def billed_total(chargeable: int, *, increment: int = 0, minimum: int = MINIMUM_MINUTES) -> int:
    """Cumulative billed minutes of a ticket from its cumulative chargeable minutes."""
    if chargeable <= 0:
        return 0
    total = max(minimum, chargeable)
    if increment > 0:
        total = math.ceil(total / increment) * increment
    return total


def adjustment_reason(
    *, logged: int, before: int, total: int, increment: int = 0, minimum: int = MINIMUM_MINUTES
) -> Reason:
    """Why a ticket's billed minutes differ from its chargeable minutes this period.

    ``logged`` is the ticket's cumulative chargeable minutes, ``before`` what issued
    statements billed already, ``total`` the cumulative billed minutes now. In words:
    "minimum charge: 30 min applied (20 min logged)" (``billing.reasons``).
    """
    return {
        "type": "minimum",
        "logged": logged,
        "before": before,
        "total": total,
        "increment": increment,
        "minimum": minimum,
    }


def amount_for(minutes: int, rate: Decimal) -> Decimal:
    """Money for billed minutes at an hourly rate, to the öre."""
    return (Decimal(minutes) * rate / 60).quantize(CENT, rounding=ROUND_HALF_UP)


def vat_for(net: Decimal, percent: Decimal) -> Decimal:
    return (net * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
