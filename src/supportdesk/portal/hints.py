"""How a kind of request is charged for an organisation, in one line for the ticket form (R6).

The form teaches the policy: free kinds, general user support included under a valid
Maintenance and Support Agreement, everything else billable with a 30-minute minimum.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from supportdesk.accounts.models import Organisation
from supportdesk.tickets.models import Kind

# "Support at no additional cost" in the service policy.
FREE_KINDS = frozenset(
    {Kind.INFRASTRUCTURE, Kind.SERVICE_DELIVERY, Kind.LICENCE, Kind.SERVER_RESOURCES}
)
MINIMUM_MINUTES = 30


def charge_hint(organisation: Organisation | None, kind: str, today: dt.date) -> str:
    """One line saying how ``kind`` is charged for ``organisation`` on ``today``."""
    if kind in FREE_KINDS:
        return _("free of charge")
    billable = _("billable, minimum %(minutes)s minutes") % {"minutes": MINIMUM_MINUTES}
    if kind == Kind.HOW_TO:
        if organisation is None:
            return _("included under a valid support agreement, otherwise %(billable)s") % {
                "billable": billable
            }
        agreement = organisation.agreement_on(today)
        if agreement is None:
            return billable
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
