"""The working week edited as a whole: preview, refusal of a closed week, confirmation."""

from __future__ import annotations

import pytest

from supportdesk.commitments.models import BusinessHours, CalendarChange
from supportdesk.tickets.models import Ticket
from tests.commitments.helpers import at, local
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

URL = "/console/calendar/"


def week(**days: tuple[str, str]) -> dict[str, str]:
    """Form data: ``mon=("08:00", "17:00")``…; days not named are closed."""
    names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    data = {}
    for n, name in enumerate(names):
        opens, closes = days.get(name, ("08:00", "17:00"))
        data.update({f"opens-{n}": opens, f"closes-{n}": closes})
        if name in days:
            data[f"open-{n}"] = "on"
    return data


OFFICE = week(**{d: ("08:00", "17:00") for d in ("mon", "tue", "wed", "thu", "fri")})


@pytest.fixture
def admin_client(client, admin_user, settings):
    settings.OTP_REQUIRED_ROLES = []  # the second factor has its own tests
    client.force_login(admin_user)
    return client


def test_only_administrators_see_the_week_editor(client, consultant, dispatcher, alice):
    for user in (consultant, dispatcher, alice):
        client.force_login(user)
        assert client.get(URL).status_code == 404
        assert client.post(URL + "save/", OFFICE).status_code == 404


def test_the_editor_shows_the_whole_week_and_the_next_ten_working_days(admin_client):
    with at(2027, 3, 10, 10, 0):  # a Wednesday
        html = admin_client.get(URL).content.decode()
    for day in ("Monday", "Friday", "Saturday", "Sunday"):
        assert day in html
    assert html.count('type="checkbox"') == 7
    assert 'id="open-4" name="open-4" value="on" checked' in html  # Friday open by default
    assert 'id="open-5" name="open-5" value="on">' in html  # Saturday closed
    assert "Wednesday 10 March: 08:00–17:00" in html
    assert "Tuesday 23 March: 08:00–17:00" in html  # the tenth working day
    assert "Friday 12 March 10:00" in html  # assignment due: 2 working days on


def test_the_preview_follows_the_week_as_typed(admin_client):
    with at(2027, 3, 10, 10, 0):
        html = admin_client.post(URL + "preview/", week(fri=("08:00", "16:00"))).content.decode()
    assert "Friday 12 March: 08:00–16:00" in html
    assert "Wednesday" not in html.split("A ticket registered now")[0]  # only Fridays work
    assert html.count("<li>Friday") == 10


def test_a_week_with_no_working_hours_is_refused_and_changes_nothing(admin_client):
    response = admin_client.post(URL + "save/", week())

    assert response.status_code == 422
    assert (
        "the week would have no working hours: open at least one day" in response.content.decode()
    )
    assert not BusinessHours.objects.exists() and not CalendarChange.objects.exists()
    preview = admin_client.post(URL + "preview/", week()).content.decode()
    assert "no working hours" in preview


def test_a_closing_time_before_the_opening_is_refused_naming_the_day(admin_client):
    response = admin_client.post(URL + "save/", week(tue=("17:00", "08:00")))

    assert response.status_code == 422
    assert "Tuesday, closes: the closing time must be later than the opening time" in (
        response.content.decode()
    )
    assert not BusinessHours.objects.exists()


def test_one_friday_row_no_longer_closes_the_rest_of_the_week(admin_client):
    with at(2027, 3, 8, 7, 0):  # Monday before opening: today's hours stay as they are
        response = admin_client.post(
            URL + "save/",
            week(
                **{d: ("08:00", "17:00") for d in ("mon", "tue", "wed", "thu")},
                fri=("08:00", "16:00"),
            ),
        )
    assert response.status_code == 302
    rows = {
        r.weekday: (f"{r.opens:%H:%M}", f"{r.closes:%H:%M}") for r in BusinessHours.objects.all()
    }
    assert rows == {
        0: ("08:00", "17:00"),
        1: ("08:00", "17:00"),
        2: ("08:00", "17:00"),
        3: ("08:00", "17:00"),
        4: ("08:00", "16:00"),
    }
    change = CalendarChange.objects.get()
    assert change.old_week["4"] == ["08:00", "17:00"] and change.new_week["4"] == ["08:00", "16:00"]


def test_moving_deadlines_asks_for_confirmation_naming_the_tickets_then_recomputes(
    admin_client, alice, admin_user
):
    with at(2027, 3, 10, 10, 0):
        ticket = make_ticket(alice, subject="Month-end closing")
    before = Ticket.objects.get(pk=ticket.pk).resolution_due
    assert before == local(2027, 3, 24, 10, 0)
    six_days = week(**{d: ("08:00", "17:00") for d in ("mon", "tue", "wed", "thu", "fri", "sat")})

    with at(2027, 3, 10, 11, 0):
        asked = admin_client.post(URL + "save/", six_days)

    assert asked.status_code == 409
    page = asked.content.decode()
    assert "Confirm the change" in page and ticket.number in page
    assert "The deadlines of 1 open ticket move" in page
    assert not BusinessHours.objects.exists()  # nothing saved yet
    assert Ticket.objects.get(pk=ticket.pk).resolution_due == before

    with at(2027, 3, 10, 11, 0):
        done = admin_client.post(URL + "save/", {**six_days, "confirmed": "yes"}, follow=True)

    assert "deadlines of 1 open tickets moved" in done.content.decode()
    ticket.refresh_from_db()
    assert ticket.resolution_due == local(2027, 3, 22, 10, 0)  # two Saturdays count now
    change = CalendarChange.objects.get()
    assert change.changed_by == admin_user and change.moved_tickets == [ticket.number]
    assert ticket.number in admin_client.get(URL).content.decode()  # listed under Changes


def test_changing_todays_hours_asks_for_confirmation_even_without_open_tickets(admin_client):
    with at(2027, 3, 10, 10, 0):
        asked = admin_client.post(
            URL + "save/",
            week(**{d: ("09:00", "17:00") for d in ("mon", "tue", "wed", "thu", "fri")}),
        )
    assert asked.status_code == 409
    assert "Today's working hours change" in asked.content.decode()
    assert not BusinessHours.objects.exists()


def test_the_admin_business_hours_page_leads_to_the_week_editor(admin_client):
    response = admin_client.get("/admin/commitments/businesshours/")
    assert response.status_code == 302 and response["Location"] == URL
