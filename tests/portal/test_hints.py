"""The one-line charge hint of each kind of request, per organisation (R6)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportdesk.accounts.models import Agreement, Organisation
from supportdesk.portal.hints import FREE_KINDS, charge_hint
from supportdesk.tickets.models import Kind

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 26)


def test_free_kinds_are_free_for_everyone(org_a):
    for kind in (Kind.INFRASTRUCTURE, Kind.SERVICE_DELIVERY, Kind.LICENCE, Kind.SERVER_RESOURCES):
        assert charge_hint(org_a, kind, TODAY) == "free of charge"


def test_how_to_is_included_while_the_agreement_is_valid(org_a):
    Agreement.objects.create(
        organisation=org_a, valid_from=dt.date(2026, 1, 1), valid_to=dt.date(2026, 12, 31)
    )
    assert (
        charge_hint(org_a, Kind.HOW_TO, TODAY) == "included in your agreement (valid to 2026-12-31)"
    )
    assert charge_hint(org_a, Kind.HOW_TO, dt.date(2027, 1, 1)) == "billable, minimum 30 minutes"


def test_how_to_under_an_open_ended_agreement(org_a):
    Agreement.objects.create(organisation=org_a, valid_from=dt.date(2025, 1, 1))
    assert charge_hint(org_a, Kind.HOW_TO, TODAY) == "included in your agreement"


def test_other_kinds_are_billable_with_the_minimum(org_a):
    Agreement.objects.create(organisation=org_a, valid_from=dt.date(2025, 1, 1))
    for kind in (Kind.CONFIGURATION, Kind.BUG_FIX, Kind.REGISTER_BUG, Kind.DEPLOYMENT):
        assert charge_hint(org_a, kind, TODAY) == "billable, minimum 30 minutes"


dates = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))


@settings(max_examples=40, deadline=None)
@given(
    kind=st.sampled_from(Kind.values),
    start=dates,
    length=st.one_of(st.none(), st.integers(min_value=0, max_value=1500)),
    today=dates,
)
def test_only_how_to_depends_on_the_agreement(kind, start, length, today):
    organisation, _ = Organisation.objects.get_or_create(name="Hypothesis AB")
    organisation.agreements.all().delete()
    without = charge_hint(organisation, kind, today)
    end = None if length is None else start + dt.timedelta(days=length)
    Agreement.objects.create(organisation=organisation, valid_from=start, valid_to=end)
    with_agreement = charge_hint(organisation, kind, today)
    covered = start <= today and (end is None or today <= end)
    if kind in FREE_KINDS:
        assert without == with_agreement == "free of charge"
    elif kind == Kind.HOW_TO:
        assert without == "billable, minimum 30 minutes"
        assert with_agreement.startswith("included") == covered
    else:
        assert without == with_agreement == "billable, minimum 30 minutes"


def test_the_hint_speaks_swedish(org_a):
    from django.utils import translation

    with translation.override("sv"):
        assert charge_hint(org_a, Kind.CONFIGURATION, TODAY) == "debiteras, minst 30 minuter"
        assert charge_hint(org_a, Kind.LICENCE, TODAY) == "kostnadsfritt"
