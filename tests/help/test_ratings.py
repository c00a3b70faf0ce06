""" "How did we do?": the signed link (tampered, expired, reused, other ticket → refused,
nothing recorded), once per resolution, once a week per contact, the timeline, and the
business consultant told of a low rating."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import signing

from supportdesk.commitments.models import Notification
from supportdesk.help import ratings
from supportdesk.help.models import Rating, RatingRequest
from supportdesk.mail.models import OutboundMail
from supportdesk.tickets import actions
from supportdesk.tickets.models import Event, Ticket
from tests.factories import UserFactory, make_ticket

pytestmark = pytest.mark.django_db


def resolve(ticket, consultant, text="Unlock the period, then post."):
    actions.ticket_assign(ticket=ticket, actor=consultant, assignee=consultant)
    actions.ticket_resolve(
        ticket=Ticket.objects.get(pk=ticket.pk), actor=consultant, resolution=text
    )
    return Ticket.objects.get(pk=ticket.pk)


def mailed_link(ticket, score=4):
    mail = OutboundMail.objects.filter(ticket=ticket, purpose="status").order_by("-id").first()
    found = re.search(rf"{score}: (\S+/rate/\S+)", mail.text) if mail else None
    return found.group(1).replace("http://127.0.0.1:8000", "") if found else None


@pytest.fixture
def resolved(alice, consultant):
    return resolve(make_ticket(alice), consultant)


def test_resolution_mail_carries_the_rating_links_and_one_click_rates(client, resolved, alice):
    link = mailed_link(resolved, score=4)
    assert link and "score=4" in link
    page = client.get(link)  # not logged in
    assert page.status_code == 200
    assert 'value="4" checked' in page.content.decode()
    assert not Rating.objects.exists()  # opening the link records nothing (mail scanners)
    done = client.post(link, {"score": "4", "comment": "Quick and clear"})
    assert done.status_code == 200 and "recorded" in done.content.decode()
    rating = Rating.objects.get()
    assert (rating.score, rating.comment, rating.request.contact) == (4, "Quick and clear", alice)
    event = Event.objects.get(ticket=resolved, verb="rated")
    assert event.new == {"rating": 4} and event.actor == alice


def test_reused_link_is_refused_and_records_nothing_more(client, resolved):
    link = mailed_link(resolved)
    assert client.post(link, {"score": "5"}).status_code == 200
    again = client.post(link, {"score": "1", "comment": "changed my mind"})
    assert again.status_code == 410 and "already been rated" in again.content.decode()
    assert list(Rating.objects.values_list("score", flat=True)) == [5]
    assert Event.objects.filter(verb="rated").count() == 1


def test_tampered_link_is_refused(client, resolved):
    link = mailed_link(resolved)
    path = link.split("?")[0]
    token = path.rstrip("/").rsplit("/", 1)[1]
    tampered = path.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    response = client.post(tampered, {"score": "5"})
    assert response.status_code == 410 and "not valid" in response.content.decode()
    # A token signed with another key is refused too.
    forged = signing.dumps(
        {"r": RatingRequest.objects.get().pk, "t": resolved.pk}, key="x" * 50, salt=ratings.SALT
    )
    assert (
        client.post(f"/tickets/{resolved.number}/rate/{forged}/", {"score": "5"}).status_code == 410
    )
    assert not Rating.objects.exists()


def test_expired_link_is_refused(client, resolved, settings):
    link = mailed_link(resolved)
    later = dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=settings.SATISFACTION_LINK_DAYS, hours=1)
    with time_machine.travel(later, tick=False):
        response = client.post(link, {"score": "5"})
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert not Rating.objects.exists()


def test_link_for_one_ticket_does_not_rate_another(client, resolved, alice, consultant):
    other = resolve(make_ticket(alice, subject="Another"), consultant)
    link = mailed_link(resolved)
    moved = link.replace(resolved.number, other.number)
    response = client.post(moved, {"score": "5"})
    assert response.status_code == 410 and "not for this ticket" in response.content.decode()
    assert not Rating.objects.exists()


def test_bad_score_is_refused_naming_the_field(client, resolved):
    link = mailed_link(resolved).split("?")[0]
    response = client.post(link, {"score": "9"})
    assert (
        response.status_code == 422
        and "Rating: must be a whole number from 1 to 5" in response.content.decode()
    )
    assert not Rating.objects.exists()


def test_asked_once_per_resolution_and_again_after_a_new_resolution(alice, consultant, settings):
    settings.SATISFACTION_MIN_DAYS_BETWEEN = 0
    ticket = resolve(make_ticket(alice), consultant)
    assert RatingRequest.objects.filter(ticket=ticket).count() == 1
    assert ratings.ask(ticket, alice) is None  # the same resolution: never asked twice
    actions.ticket_reopen(ticket=ticket, actor=alice, reason="Still failing")
    actions.ticket_resolve(
        ticket=Ticket.objects.get(pk=ticket.pk), actor=consultant, resolution="Fixed now"
    )
    assert RatingRequest.objects.filter(ticket=ticket, contact=alice).count() == 2


def test_not_asked_more_than_once_a_week_per_contact(alice, alice_colleague, consultant):
    first = resolve(make_ticket(alice, subject="First"), consultant)
    second = resolve(make_ticket(alice, subject="Second"), consultant)
    assert RatingRequest.objects.filter(ticket=first, contact=alice).exists()
    assert not RatingRequest.objects.filter(ticket=second, contact=alice).exists()
    assert mailed_link(second) is None  # the resolution mail does not ask
    # Another contact is asked about their own ticket.
    third = resolve(make_ticket(alice_colleague, subject="Third"), consultant)
    assert RatingRequest.objects.filter(ticket=third, contact=alice_colleague).exists()
    # A week later the same contact is asked again.
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=8), tick=False):
        fourth = resolve(make_ticket(alice, subject="Fourth"), consultant)
    assert RatingRequest.objects.filter(ticket=fourth, contact=alice).exists()


def test_low_rating_notifies_the_business_consultant(resolved, org_a):
    manager = UserFactory(
        email="bea@partner.example", role="business_consultant", organisation=None
    )
    org_a.business_consultant = manager
    org_a.save()
    request = RatingRequest.objects.get()
    ratings.rate(request=request, score=2, comment="Took too long")
    note = Notification.objects.get(user=manager)
    assert resolved.number in note.text and "2/5" in note.text and "Took too long" in note.text


def test_good_rating_notifies_nobody(resolved, org_a):
    manager = UserFactory(
        email="bea@partner.example", role="business_consultant", organisation=None
    )
    org_a.business_consultant = manager
    org_a.save()
    ratings.rate(request=RatingRequest.objects.get(), score=5)
    assert not Notification.objects.filter(user=manager, kind="low_rating").exists()


def test_ticket_page_asks_and_the_timeline_shows_the_answer(client, resolved, alice, consultant):
    client.force_login(alice)
    html = client.get(f"/tickets/{resolved.number}/").content.decode()
    assert "How did we do?" in html
    action = re.search(r'action="(/tickets/[^"]+/rate/[^"]+/)"', html).group(1)
    assert client.post(action, {"score": "3", "comment": "OK in the end"}).status_code == 200
    html = client.get(f"/tickets/{resolved.number}/").content.decode()
    assert "How did we do?" not in html
    assert "Rated 3 of 5" in html and "OK in the end" in html
    client.force_login(consultant)
    staff = client.get(f"/console/tickets/{resolved.number}/").content.decode()
    assert "rated" in staff and "OK in the end" in staff


def test_staff_are_never_asked(client, resolved, consultant):
    client.force_login(consultant)
    assert "How did we do?" not in client.get(f"/tickets/{resolved.number}/").content.decode()
    assert ratings.ask(resolved, consultant) is None


def test_a_colleague_who_is_not_a_contact_is_not_asked(client, resolved, alice_colleague, org_a):
    org_a.members_see_all = True
    org_a.save()
    client.force_login(alice_colleague)
    page = client.get(f"/tickets/{resolved.number}/")
    assert page.status_code == 200 and "How did we do?" not in page.content.decode()
    assert not RatingRequest.objects.filter(contact=alice_colleague).exists()
