"""Tenant isolation in the access helpers (DESIGN rule 3): "not yours" is "not found"."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from supportdesk.tickets import actions
from supportdesk.tickets.access import (
    attachment_for_user,
    messages_for_user,
    story_for_user,
    ticket_for_user,
    tickets_for_user,
    visible_count,
    visible_rows,
)
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def alices_ticket(alice):
    return make_ticket(alice, subject="Alice's invoice problem")


@pytest.fixture
def bobs_ticket(bob):
    return make_ticket(bob, subject="Bob's stock problem")


def test_customer_lists_only_their_own_organisations_tickets(alices_ticket, bobs_ticket, bob):
    assert list(tickets_for_user(bob)) == [bobs_ticket]


def test_ticket_of_another_organisation_is_not_found(alices_ticket, bob):
    with pytest.raises(Http404):
        ticket_for_user(bob, alices_ticket.number)


def test_unknown_and_malformed_ticket_numbers_are_not_found(alices_ticket, alice):
    for number in ("SD-99999", "SD-", "banana", "SD-10000", f"{alices_ticket.pk + 10000}x"):
        with pytest.raises(Http404):
            ticket_for_user(alice, number)


def test_ticket_number_is_found_with_or_without_prefix_and_in_any_case(alices_ticket, alice):
    digits = alices_ticket.number.removeprefix("SD-")
    for number in (alices_ticket.number, digits, alices_ticket.number.lower()):
        assert ticket_for_user(alice, number) == alices_ticket


def test_colleague_does_not_see_alices_ticket_by_default(alices_ticket, alice_colleague):
    assert alices_ticket not in tickets_for_user(alice_colleague)
    with pytest.raises(Http404):
        ticket_for_user(alice_colleague, alices_ticket.number)


def test_colleague_sees_alices_ticket_when_the_organisation_shares_tickets(
    alices_ticket, alice_colleague, org_a
):
    org_a.members_see_all = True
    org_a.save()
    alice_colleague.refresh_from_db()
    assert ticket_for_user(alice_colleague, alices_ticket.number) == alices_ticket


def test_sharing_in_one_organisation_does_not_open_another(alices_ticket, bob, org_b):
    org_b.members_see_all = True
    org_b.save()
    bob.refresh_from_db()
    assert alices_ticket not in tickets_for_user(bob)


def test_colleague_copied_on_the_ticket_sees_it(alices_ticket, alice_colleague):
    alices_ticket.watchers.add(alice_colleague)
    assert ticket_for_user(alice_colleague, alices_ticket.number) == alices_ticket


def test_staff_see_every_organisations_tickets(alices_ticket, bobs_ticket, consultant):
    assert set(tickets_for_user(consultant)) == {alices_ticket, bobs_ticket}
    assert ticket_for_user(consultant, bobs_ticket.number) == bobs_ticket


def test_deactivated_and_anonymous_users_see_nothing(alices_ticket, alice):
    assert list(tickets_for_user(AnonymousUser())) == []
    alice.is_active = False
    alice.save()
    assert list(tickets_for_user(alice)) == []


@pytest.fixture
def ticket_with_files(alices_ticket, alice, consultant):
    public = actions.ticket_reply(
        ticket=alices_ticket,
        actor=alice,
        body="screenshot attached",
        channel="portal",
        attachments=[SimpleUploadedFile("screen.png", b"png", content_type="image/png")],
    )
    note = actions.ticket_add_note(
        ticket=alices_ticket,
        actor=consultant,
        body="their ledger export",
        attachments=[SimpleUploadedFile("ledger.csv", b"a,b", content_type="text/csv")],
    )
    return alices_ticket, public.attachments.get(), note.attachments.get()


def test_customer_gets_public_attachments_but_not_internal_ones(ticket_with_files, alice):
    ticket, public, internal = ticket_with_files
    assert attachment_for_user(alice, ticket.number, public.pk) == public
    with pytest.raises(Http404):
        attachment_for_user(alice, ticket.number, internal.pk)


def test_staff_get_internal_attachments(ticket_with_files, consultant):
    ticket, _public, internal = ticket_with_files
    assert attachment_for_user(consultant, ticket.number, internal.pk) == internal


def test_attachment_of_another_organisations_ticket_is_not_found(ticket_with_files, bob):
    ticket, public, _internal = ticket_with_files
    with pytest.raises(Http404):
        attachment_for_user(bob, ticket.number, public.pk)


def test_attachment_is_only_found_under_its_own_ticket(ticket_with_files, bob):
    _ticket, public, _internal = ticket_with_files
    bobs = make_ticket(bob)
    # Bob's own ticket number with Alice's attachment id must not serve Alice's file.
    with pytest.raises(Http404):
        attachment_for_user(bob, bobs.number, public.pk)


def test_customer_messages_leave_out_internal_notes(ticket_with_files, alice, consultant):
    ticket, _public, _internal = ticket_with_files
    assert [m.internal for m in messages_for_user(consultant, ticket)] == [False, True]
    assert [m.body for m in messages_for_user(alice, ticket)] == ["screenshot attached"]


def test_story_leaves_out_what_customers_may_not_read(ticket_with_files, alice, consultant):
    ticket, public, internal = ticket_with_files
    ticket = ticket_for_user(alice, ticket.number)
    customer, staff = story_for_user(alice, ticket), story_for_user(consultant, ticket)
    assert [m.body for m in customer.messages] == ["screenshot attached"]
    assert [m.internal for m in staff.messages] == [False, True]
    assert [a.pk for files in customer.files.values() for a in files] == [public.pk]
    assert {a.pk for files in staff.files.values() for a in files} == {public.pk, internal.pk}
    assert all(e.public for e in customer.events)
    assert len(staff.events) > len(customer.events)  # the internal note's event
    assert customer.messages[0].author == alice  # read with the message


def _newest_of(tickets):
    return tickets.order_by("-pk").values("pk", "subject", "organisation__name")[:3]


def test_compiled_reads_of_visible_tickets_follow_every_rule(
    alices_ticket, bobs_ticket, alice, alice_colleague, bob, consultant, org_a
):
    more = [make_ticket(alice_colleague, subject=f"Adam's {k}") for k in range(3)]
    alices_ticket.watchers.add(bob)  # a copy to another organisation's user opens nothing

    def seen(user):
        expected = list(_newest_of(tickets_for_user(user)))
        assert visible_rows(user, _newest_of) == expected
        assert visible_count(user, _newest_of) == len(expected)
        return [row["pk"] for row in expected]

    assert seen(alice) == [alices_ticket.pk]
    assert seen(bob) == [bobs_ticket.pk]
    assert seen(alice_colleague) == [t.pk for t in reversed(more)]
    alices_ticket.watchers.add(alice_colleague)
    assert seen(alice_colleague) == [t.pk for t in reversed(more)][:3]
    assert seen(consultant) == [t.pk for t in reversed(more)]
    org_a.members_see_all = True
    org_a.save()
    alice.refresh_from_db()
    assert alices_ticket.pk not in seen(alice)[:3] and len(seen(alice)) == 3
    assert visible_count(alice, lambda t: t.values("pk")) == 4
    alice.is_active = False
    assert visible_rows(alice, _newest_of) == [] and visible_count(alice, _newest_of) == 0
    assert visible_rows(AnonymousUser(), _newest_of) == []
