"""The one queue order (R4): business-critical first, then first come, first served.

Never by customer size: a large customer with an agreement and many tickets gets no
place in the queue that a small customer without one would not get.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportdesk.api.models import ApiToken
from supportdesk.commitments.queue import in_queue_order
from supportdesk.core.errors import InvalidInput
from supportdesk.tickets import actions
from supportdesk.tickets.models import Impact, Ticket
from tests.commitments.helpers import at, local
from tests.factories import AgreementFactory, OrganisationFactory, UserFactory, make_ticket

pytestmark = pytest.mark.django_db

CRITICAL = [Impact.PRODUCTION_DOWN, Impact.INVOICING_BLOCKED, Impact.MONTH_END_TAX]


@pytest.fixture
def large_customer(dispatcher, consultant):
    """A customer with an agreement and a long history: 20 tickets worked and closed in 2026."""
    org = OrganisationFactory(name="Nordvik Industri AB")
    AgreementFactory(organisation=org, valid_from=dt.date(2025, 1, 1), reference="MSA-1")
    karin = UserFactory(email="karin@nordvik.example", organisation=org)
    for n in range(20):
        with at(2026, 9, 1 + n, 9, 0):
            ticket = make_ticket(karin, subject=f"Old question {n}")
            actions.ticket_assign(ticket=ticket, actor=dispatcher, assignee=consultant)
            actions.ticket_resolve(ticket=ticket, actor=consultant)
            actions.ticket_close(ticket=ticket, actor=karin)
    assert org.tickets.count() == 20
    return karin


@pytest.fixture
def small_customer():
    """A one-person customer without an agreement and no history."""
    org = OrganisationFactory(name="Bergström Konsult")
    return UserFactory(email="nils@bergstrom.example", organisation=org)


@pytest.fixture
def wednesday_tickets(large_customer, small_customer):
    """(large's 09:00 normal, small's 10:00 production down, large's 11:00 normal)."""
    with at(2027, 3, 10, 9, 0):
        large_early = make_ticket(large_customer, subject="Report layout")
    with at(2027, 3, 10, 10, 0):
        small_down = make_ticket(
            small_customer, subject="Odoo does not start", impact=Impact.PRODUCTION_DOWN
        )
    with at(2027, 3, 10, 11, 0):
        large_late = make_ticket(large_customer, subject="Another report layout")
    return large_early, small_down, large_late


def numbers(tickets) -> list[str]:
    return [t.number for t in tickets]


def test_small_customers_later_production_down_ticket_comes_before_large_customers_tickets(
    wednesday_tickets,
):
    large_early, small_down, large_late = wednesday_tickets

    queue = list(in_queue_order(Ticket.objects.all()))

    # The closed history of the large customer is not in the queue at all.
    assert numbers(queue) == numbers([small_down, large_early, large_late])


def test_the_api_queue_order_is_the_same_for_staff(client, wednesday_tickets, dispatcher):
    large_early, small_down, large_late = wednesday_tickets
    _, raw = ApiToken.issue(user=dispatcher, name="board")
    auth = {"Authorization": f"Bearer {raw}"}

    page = client.get("/api/v1/tickets", {"order": "queue"}, headers=auth)

    assert page.status_code == 200, page.content
    body = page.json()
    assert [t["number"] for t in body["items"]] == numbers([small_down, large_early, large_late])
    assert body["items"][0]["impact"] == "production_down"
    assert body["next_cursor"] is None

    # Paging with the cursor follows the same order.
    first = client.get("/api/v1/tickets", {"order": "queue", "limit": 2}, headers=auth).json()
    assert [t["number"] for t in first["items"]] == numbers([small_down, large_early])
    rest = client.get(
        "/api/v1/tickets",
        {"order": "queue", "limit": 2, "cursor": first["next_cursor"]},
        headers=auth,
    ).json()
    assert [t["number"] for t in rest["items"]] == [large_late.number]


def test_a_dispatcher_removing_the_impact_flag_puts_the_ticket_back_in_fcfs_order(
    wednesday_tickets, dispatcher
):
    large_early, small_down, large_late = wednesday_tickets

    with at(2027, 3, 10, 10, 30):
        actions.ticket_update(
            ticket=small_down,
            actor=dispatcher,
            impact_review="removed",
            reason="Odoo starts; only one scheduled action fails",
        )

    queue = list(in_queue_order(Ticket.objects.all()))
    assert numbers(queue) == numbers([large_early, small_down, large_late])
    event = small_down.events.get(verb="updated")
    assert event.new["impact_review"] == "removed"
    assert event.reason == "Odoo starts; only one scheduled action fails"


def test_removing_an_impact_flag_needs_a_reason_and_changes_nothing_without_one(
    wednesday_tickets, dispatcher
):
    large_early, small_down, large_late = wednesday_tickets

    with pytest.raises(InvalidInput) as refused:
        actions.ticket_update(ticket=small_down, actor=dispatcher, impact_review="removed")

    assert refused.value.field == "reason"
    queue = list(in_queue_order(Ticket.objects.all()))
    assert numbers(queue) == numbers([small_down, large_early, large_late])


def test_a_customer_flagging_invoicing_blocked_later_moves_the_ticket_up(wednesday_tickets):
    large_early, small_down, large_late = wednesday_tickets

    with at(2027, 3, 10, 12, 0):
        actions.ticket_update(
            ticket=large_late, actor=large_late.requester, impact=Impact.INVOICING_BLOCKED
        )

    queue = list(in_queue_order(Ticket.objects.all()))
    # Both critical: among themselves first come, first served by registration.
    assert numbers(queue) == numbers([small_down, large_late, large_early])


organisation_specs = st.lists(
    st.fixed_dictionaries(
        {
            "agreement": st.booleans(),
            "tickets": st.lists(
                st.tuples(
                    st.integers(0, 20),  # minutes after 08:00: collisions test the id order
                    st.sampled_from(["", *CRITICAL]),
                    st.booleans(),  # the desk removes a critical flag
                ),
                max_size=8,
            ),
        }
    ),
    min_size=1,
    max_size=5,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(organisations=organisation_specs)
def test_queue_order_is_critical_flag_then_registration_then_id_whatever_the_organisation(
    dispatcher, organisations
):
    base = local(2027, 3, 10, 8, 0)
    with transaction.atomic():
        created: list[tuple[Ticket, bool]] = []
        for index, spec in enumerate(organisations):
            org = OrganisationFactory(name=f"Customer {index} AB")
            if spec["agreement"]:
                AgreementFactory(organisation=org, valid_from=dt.date(2026, 1, 1))
            requester = UserFactory(email=f"user{index}@customer{index}.example", organisation=org)
            for minutes, impact, removed in spec["tickets"]:
                registered = base + dt.timedelta(minutes=minutes)
                with at(2027, 3, 10, 9, 0):
                    ticket = make_ticket(requester, impact=impact, registered_at=registered)
                    if impact and removed:
                        actions.ticket_update(
                            ticket=ticket,
                            actor=dispatcher,
                            impact_review="removed",
                            reason="not business critical",
                        )
                created.append((ticket, bool(impact) and not removed))

        queue = [t.pk for t in in_queue_order(Ticket.objects.all())]
        expected = [
            t.pk
            for t, critical in sorted(
                created, key=lambda item: (not item[1], item[0].registered_at, item[0].pk)
            )
        ]
        assert queue == expected
        transaction.set_rollback(True)
