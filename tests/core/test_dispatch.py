"""The dispatcher: subscribers run after the commit, never for a rolled-back action, and a
failing subscriber neither undoes the action nor stops the others; it is run again."""

from __future__ import annotations

import logging

import pytest
from django.db import transaction

from supportdesk.core import dispatch
from supportdesk.core.errors import IllegalTransition
from supportdesk.mail.models import OutboundMail
from supportdesk.tickets import actions
from supportdesk.tickets.delivery import catch_up
from supportdesk.tickets.events import Verb
from supportdesk.tickets.models import Event, EventDelivery, Status
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def seen(monkeypatch):
    """A subscriber of ``started`` that records what it saw, removed after the test."""
    calls: list[tuple[str, bool]] = []

    def on_started(event: Event) -> None:
        # What the subscriber sees is committed: the ticket's new status is readable.
        calls.append((event.verb, transaction.get_connection().in_atomic_block))

    monkeypatch.setitem(dispatch._registry, Verb.STARTED, [on_started])
    return calls


@pytest.fixture
def assigned(alice, dispatcher, consultant):
    return actions.ticket_assign(ticket=make_ticket(alice), actor=dispatcher, assignee=consultant)


def test_subscribers_run_after_the_commit_not_inside_the_action(seen, assigned, consultant):
    with transaction.atomic():
        actions.ticket_start(ticket=assigned, actor=consultant)
        assert seen == [], "nothing runs before the commit"
    assert [verb for verb, _ in seen] == [Verb.STARTED]


def test_subscribers_never_run_for_a_rolled_back_action(seen, assigned, consultant):
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.ticket_start(ticket=assigned, actor=consultant)
        raise RuntimeError("the caller's transaction fails after the action")
    assert seen == []
    assigned.refresh_from_db()
    assert assigned.status == Status.ASSIGNED


def test_a_refused_action_publishes_nothing(seen, alice, consultant):
    ticket = make_ticket(alice)
    with pytest.raises(IllegalTransition):
        actions.ticket_start(ticket=ticket, actor=consultant)
    assert seen == []


def test_a_failing_subscriber_keeps_the_action_and_the_others_and_is_retried(
    monkeypatch, assigned, consultant, caplog
):
    attempts: list[int] = []
    others: list[int] = []

    def flaky(event: Event) -> None:
        attempts.append(event.pk)
        if len(attempts) == 1:
            raise ConnectionError("the chat server is down")

    def steady(event: Event) -> None:
        others.append(event.pk)

    monkeypatch.setitem(dispatch._registry, Verb.STARTED, [flaky, steady])
    with caplog.at_level(logging.ERROR, logger="supportdesk.dispatch"):
        actions.ticket_start(ticket=assigned, actor=consultant)
    assigned.refresh_from_db()
    assert assigned.status == Status.IN_PROGRESS, "the action stands"
    event = Event.objects.get(ticket=assigned, verb=Verb.STARTED)
    assert others == [event.pk]
    assert "flaky failed on started" in caplog.text
    # The worker's retry (run at once by the test queue) ran it again, successfully.
    assert attempts == [event.pk, event.pk]


def test_a_durable_subscriber_acts_once_however_often_it_is_handed_the_event(
    alice, dispatcher, consultant
):
    ticket = make_ticket(alice)
    actions.ticket_assign(ticket=ticket, actor=dispatcher, assignee=consultant)
    assigned = Event.objects.get(ticket=ticket, verb=Verb.ASSIGNED)
    mails = OutboundMail.objects.filter(ticket=ticket, purpose="status").count()
    assert mails == 1
    dispatch.deliver(assigned)
    dispatch.deliver(assigned)
    assert OutboundMail.objects.filter(ticket=ticket, purpose="status").count() == 1
    assert EventDelivery.objects.filter(event=assigned, subscriber="mail.customers").count() == 1


def test_the_catch_up_delivers_events_whose_subscribers_never_ran(
    alice, dispatcher, consultant, settings, monkeypatch
):
    settings.DISPATCH_CATCH_UP_AFTER_SECONDS = 0
    # A process that stops right after the commit: the subscribers never run.
    monkeypatch.setattr(dispatch, "publish", lambda event: None)
    ticket = make_ticket(alice)
    actions.ticket_assign(ticket=ticket, actor=dispatcher, assignee=consultant)
    assert not OutboundMail.objects.filter(ticket=ticket).exists()
    monkeypatch.undo()
    assert catch_up() >= 2  # the registration and the assignment, for each durable subscriber
    to_customer = OutboundMail.objects.filter(ticket=ticket, recipient=alice.email)
    assert sorted(to_customer.values_list("purpose", flat=True)) == ["ack", "status"]
    assert OutboundMail.objects.filter(ticket=ticket, purpose="staff_assigned").count() == 1
    assert catch_up() == 0, "delivered events are not handed again"
