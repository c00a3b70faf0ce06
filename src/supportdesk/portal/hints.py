"""How a kind of request is charged for an organisation, in one line for the ticket form (R6).

The form teaches the policy: free kinds, general user support included under a valid
Maintenance and Support Agreement, everything else billable with a 30-minute minimum.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from supportdesk.accounts.models import Organisation
from supportdesk.billing.models import Charge
from supportdesk.billing.rules import MINIMUM_MINUTES, RULES, decide_by_rules
from supportdesk.tickets.models import Kind

# "Support at no additional cost" in the service policy, as billing's rules have it.
FREE_KINDS = frozenset(
    rule.kind for rule in RULES if rule.charge == Charge.FREE and rule.code_owner is None
)


def charge_hint(organisation: Organisation | None, kind: str, today: dt.date) -> str:
    """One line saying how ``kind`` is charged for ``organisation`` on ``today``.

    The words are the form's; the decision is billing's own table of rules, so the form
    never promises what a statement would not keep. A bug's code owner is not known yet
    when the customer writes, so a bug reads as billable until a consultant classifies it.
    """
    billable = _("billable, minimum %(minutes)s minutes") % {"minutes": MINIMUM_MINUTES}
    if kind == Kind.HOW_TO and organisation is None:
        return _("included under a valid support agreement, otherwise %(billable)s") % {
            "billable": billable
        }
    agreement = organisation.agreement_on(today) if kind == Kind.HOW_TO and organisation else None
    decision = decide_by_rules(kind=kind, code_owner="", day=today, agreement=agreement)
    if decision.charge == Charge.FREE:
        return _("free of charge")
    if decision.charge == Charge.INCLUDED and agreement is not None:
        if agreement.valid_to is None:
            return _("included in your agreement")
        # ISO dates read the same in every language.
        return _("included in your agreement (valid to %(date)s)") % {
            "date": agreement.valid_to.isoformat()
        }
    return billable


def charge_hints(organisation: Organisation | None, today: dt.date) -> dict[str, str]:
    """The hint of every kind, for the radio buttons of the ticket form."""
    return {kind: charge_hint(organisation, kind, today) for kind in Kind.values}
