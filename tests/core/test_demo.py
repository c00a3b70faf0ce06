"""``supportdesk demo``: data to try every screen with, and bulk data for benchmarks.

The demo registers its 60 tickets through the real actions (with their notifications),
which takes seconds: each test runs it once and checks what a person trying it notices.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone

from supportdesk.accounts.models import Organisation, User
from supportdesk.tickets.models import Channel, Event, Kind, Status, Ticket

pytestmark = pytest.mark.django_db


def demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_demo_organisations_agreements_and_tickets_cover_every_case_with_messages():
    demo()
    today = timezone.localdate()

    orgs = list(Organisation.objects.all())
    assert len(orgs) == 3
    valid = [o for o in orgs if o.agreement_on(today) is not None]
    expired = [o for o in orgs if o.agreements.exists() and o.agreement_on(today) is None]
    without = [o for o in orgs if not o.agreements.exists()]
    assert (len(valid), len(expired), len(without)) == (1, 1, 1)
    assert all(a.valid_to < today for a in expired[0].agreements.all())

    tickets = Ticket.objects.all()
    assert tickets.count() == 60
    assert set(tickets.values_list("channel", flat=True)) == set(Channel.values)
    assert set(tickets.values_list("kind", flat=True)) == set(Kind.values)
    assert set(tickets.values_list("status", flat=True)) == set(Status.values)
    assert set(tickets.values_list("organisation", flat=True)) == {o.pk for o in orgs}

    # Tickets that were worked on carry messages; each timeline ends in the ticket's status.
    worked_on = Ticket.objects.exclude(status__in=[Status.NEW, Status.ASSIGNED])
    assert worked_on.exists()
    assert not worked_on.annotate(n=Count("messages")).filter(n=0).exists()
    for ticket in Ticket.objects.prefetch_related("events"):
        events = list(ticket.events.all())
        assert events[0].verb == "created"
        statuses = [e.new["status"] for e in events if "status" in e.new]
        assert statuses[-1] == ticket.status, ticket.number
        assert all(e.created_at >= ticket.registered_at for e in events)


def test_demo_logins_work_and_a_rerun_only_adds_the_bulk_tickets_asked_for(client):
    output = demo()
    assert "Demo logins (password: " in output
    password = output.split("password: ", 1)[1].split(")", 1)[0]
    emails = [line.split()[0] for line in output.splitlines() if "@" in line]
    assert len(emails) == 9
    assert set(emails) <= set(User.objects.values_list("email", flat=True))
    assert client.login(username=emails[0], password=password)
    assert client.login(username=emails[-1], password=password)
    assert not client.login(username=emails[0], password=password + "x")

    before = (User.objects.count(), Ticket.objects.count(), Event.objects.count())
    assert "already present" in demo("--if-empty")
    assert (User.objects.count(), Ticket.objects.count(), Event.objects.count()) == before

    # --tickets adds bulk tickets for benchmarks, each with its creation event.
    before = Ticket.objects.count()
    output = demo("--tickets", "500")
    assert "Bulk-created 500 tickets" in output
    assert "Demo logins" not in output  # the people are not made twice
    assert Ticket.objects.count() == before + 500
    added_ids = list(Ticket.objects.order_by("-pk").values_list("pk", flat=True)[:500])
    created = Event.objects.filter(ticket_id__in=added_ids, verb="created")
    assert created.values("ticket_id").distinct().count() == 500
    assert not Ticket.objects.filter(pk__in=added_ids, resolution_due__isnull=True).exists()


def test_demo_refuses_a_negative_ticket_count():
    with pytest.raises(CommandError, match="--tickets: must be zero or more"):
        demo("--tickets", "-1")
    assert Ticket.objects.count() == 0
