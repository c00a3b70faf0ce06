"""The ticket workspace: fields by role, reply, notes, status, assignment, time, side panel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from supportdesk.accounts.models import User
from supportdesk.billing import actions as billing
from supportdesk.billing.models import TimeEntry
from supportdesk.commitments.assignment import Suggestion
from supportdesk.console import selectors
from supportdesk.console.forms import (
    TicketFieldsForm,
    TimeEntryForm,
    ticket_fields_html,
    time_entry_fields_html,
)
from supportdesk.console.models import SavedReply, TimerRun
from supportdesk.console.rows import open_ticket_items, staff_options
from supportdesk.core import clock
from supportdesk.tickets import actions
from supportdesk.tickets.models import Ticket
from tests.factories import AgreementFactory, SkillFactory, UserFactory, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(alice):
    return make_ticket(alice, subject="Invoice cannot be posted")


@pytest.fixture
def assigned(ticket, consultant):
    actions.ticket_assign(ticket=ticket, actor=consultant, assignee=consultant)
    return Ticket.objects.get(pk=ticket.pk)


def url(ticket, action=""):
    return f"/console/tickets/{ticket.number}/{action + '/' if action else ''}"


PAGES = [
    "",
    "reply",
    "note",
    "fields",
    "status",
    "assign",
    "take",
    "time",
    "timer",
    "link",
    "split",
]


@pytest.mark.parametrize("action", PAGES)
def test_customers_get_404_on_every_workspace_url(client, ticket, bob, alice, action):
    for customer in (bob, alice):  # the ticket's own requester too: this is the staff view
        client.force_login(customer)
        method = client.get if not action else client.post
        assert method(url(ticket, action)).status_code == 404


def test_workspace_shows_the_ticket_clocks_and_side_panel(client, ticket, consultant, org_a):
    org_a.odoo_url = "https://alpha.odoo.com"
    org_a.save()
    AgreementFactory(organisation=org_a, valid_from=dt.date(2020, 1, 1), reference="MSA-7")
    other = make_ticket(ticket.requester, subject="Another open one")
    client.force_login(consultant)
    html = client.get(url(ticket)).content.decode()
    assert ticket.number in html and "Invoice cannot be posted" in html
    assert "Assignment" in html and "Resolution target" in html
    assert "Maintenance and Support Agreement valid today" in html and "MSA-7" in html
    assert "https://alpha.odoo.com" in html
    assert other.number in html
    assert "INV/2026/00012" in html  # the recognised Odoo reference


def test_side_panel_lists_the_other_open_tickets_as_the_template_did(alice, ticket):
    hostile = "\"><script>alert('x')</script>&amp; and a subject far longer than forty"
    others = [make_ticket(alice, subject=hostile), make_ticket(alice, subject="Short one")]
    template = Template(
        "{% for t in tickets %}<li><a href=\"{% url 'console:workspace' t.number %}\">"
        '{{ t.number }}</a> {{ t.subject|truncatechars:40 }} <span class="status'
        ' s-{{ t.status }}">{{ t.get_status_display }}</span></li>{% endfor %}'
    )
    for language in ("en", "sv"):
        with translation.override(language):
            panel = selectors.side_panel(ticket)
            assert [t.pk for t in panel.open_tickets] == [t.pk for t in others]
            shown = open_ticket_items(panel.open_tickets)
            assert shown == template.render(Context({"tickets": panel.open_tickets}))
    assert "<script>" not in shown


def test_side_panel_says_when_no_agreement_is_valid(client, ticket, consultant, org_a):
    AgreementFactory(
        organisation=org_a, valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2021, 1, 1)
    )
    client.force_login(consultant)
    assert "No agreement valid today" in client.get(url(ticket)).content.decode()


def test_side_panel_counts_recent_time_with_corrections_and_overrides(assigned, consultant):
    other = make_ticket(assigned.requester, subject="Another one")
    today = timezone.localdate(clock.now())
    first = billing.time_log(
        ticket=assigned, actor=consultant, minutes=90, description="x", date=today
    )
    billing.time_correct(entry=first, actor=consultant, minutes=30, reason="typo")
    second = billing.time_log(
        ticket=other, actor=consultant, minutes=45, description="y", date=today
    )
    billing.time_override(entry=second, actor=consultant, charge="free", reason="goodwill")
    ticket = Ticket.objects.select_related("organisation").get(pk=assigned.pk)
    with CaptureQueriesContext(connection) as queries:
        panel = selectors.side_panel(ticket)
    assert len(queries) == 3  # the organisation's agreements, open tickets, recent time
    assert panel.recent_minutes == 90 - 30 + 45
    assert panel.recent_charged_minutes == 90 - 30  # no agreement: charged, but the override
    shown = [
        (entry.ticket.number, entry.signed_minutes, charge)
        for entry, charge, _ in panel.recent_time
    ]
    assert sorted(shown) == sorted(
        [
            (assigned.number, 90, "Charged"),
            (assigned.number, -30, "Charged"),
            (other.number, 45, "Free"),
        ]
    )


def test_reply_with_a_saved_reply_and_internal_note(client, assigned, consultant):
    SavedReply.objects.create(title="Screenshot", body="Could you send a screenshot?")
    client.force_login(consultant)
    html = client.get(url(assigned)).content.decode()
    assert 'data-body="Could you send a screenshot?"' in html
    client.post(url(assigned, "reply"), {"body": "Could you send a screenshot?"})
    client.post(url(assigned, "note"), {"body": "Probably the lock date"})
    assigned.refresh_from_db()
    assert assigned.status == "in_progress"  # the first reply starts the work
    public, note = assigned.messages.order_by("id")
    assert not public.internal and public.channel == "console"
    assert note.internal
    html = client.get(url(assigned)).content.decode()
    assert "Probably the lock date" in html and "internal note" in html


def test_an_empty_reply_is_refused_with_the_reason(client, assigned, consultant):
    client.force_login(consultant)
    response = client.post(url(assigned, "reply"), {"body": "  "}, follow=True)
    assert "Message text: is required" in response.content.decode()
    assert not assigned.messages.exists()


def test_fields_are_editable_by_role(client, ticket, consultant, dispatcher, skill):
    client.force_login(consultant)
    data = {
        "subject": "Lock date blocks posting",
        "description": ticket.description,
        "kind": "configuration",
        "impact": "invoicing_blocked",
        "code_owner": "",
        "required_skill": skill.pk,
        "contact_method": "email",
        "contact_phone": "",
        "add_reference": "S00042",
        "reason": "",
    }
    client.post(url(ticket, "fields"), data)
    ticket.refresh_from_db()
    assert ticket.subject == "Lock date blocks posting"
    assert ticket.kind == "configuration" and ticket.required_skill == skill
    assert ticket.impact_review == "claimed"  # a consultant's flag awaits the desk
    assert ticket.odoo_refs.filter(normalised="S00042").exists()
    # Only a dispatcher sees and sets the impact review.
    assert 'name="impact_review"' not in client.get(url(ticket)).content.decode()
    client.force_login(dispatcher)
    assert 'name="impact_review"' in client.get(url(ticket)).content.decode()
    client.post(
        url(ticket, "fields"), {**data, "impact_review": "removed", "reason": "Not blocked"}
    )
    ticket.refresh_from_db()
    assert ticket.impact_review == "removed" and ticket.queue_rank == 1


# The template's loop the fields form was rendered by, over a form made for the user.
FIELDS_TEMPLATE = Template(
    "{% for field in form %}<div class=\"{% if field.name == 'description' or field.name =="
    ' \'reason\' %}wide{% endif %}"><label for="{{ field.id_for_label }}">{{ field.label }}'
    "</label>{{ field }}</div>{% endfor %}"
)


@pytest.mark.parametrize("language", ["en", "sv"])
def test_the_fields_form_is_written_as_the_form_rendered_it(
    language, ticket, consultant, dispatcher, skill
):
    hostile = "\"><script>alert('x')</script>&amp; <b>"
    SkillFactory(name=hostile)
    Ticket.objects.filter(pk=ticket.pk).update(
        subject=hostile,
        description=f"{hostile}\nsecond line",
        contact_phone=hostile,
        kind="bug",
        impact="invoicing_blocked",
        impact_review="claimed",
        code_owner="customer",
        required_skill=skill,
        contact_method="phone",
    )
    ticket = Ticket.objects.get(pk=ticket.pk)
    blank = make_ticket(ticket.requester, subject="Blank")
    with translation.override(language):
        for user in (consultant, dispatcher):
            for shown in (ticket, blank):
                form = TicketFieldsForm(user=user, ticket=shown)
                written = ticket_fields_html(user, shown)
                assert written == FIELDS_TEMPLATE.render(Context({"form": form}))
        times = time_entry_fields_html()
        form = TimeEntryForm()
        assert times == {name: str(form[name]) for name in form.fields}
    assert "<script>" not in written and "&lt;script&gt;" in ticket_fields_html(dispatcher, ticket)
    assert 'name="impact_review"' not in ticket_fields_html(consultant, ticket)


def test_the_fields_form_reads_only_the_skills(ticket, dispatcher):
    with CaptureQueriesContext(connection) as queries:
        ticket_fields_html(dispatcher, ticket)
    assert len(queries) == 1 and "accounts_skill" in queries[0]["sql"]


def test_status_transitions_with_reasons(client, assigned, consultant):
    client.force_login(consultant)
    client.post(url(assigned, "status"), {"move": "start"})
    client.post(url(assigned, "status"), {"move": "wait_customer", "reason": "Need the file"})
    assigned.refresh_from_db()
    assert assigned.status == "waiting_customer"
    assert assigned.events.get(verb="waiting").reason == "Need the file"
    html = client.get(url(assigned)).content.decode()
    assert "Resume work" in html and "Need the file" in html
    client.post(url(assigned, "status"), {"move": "resolve", "reason": "Fixed the lock date"})
    assigned.refresh_from_db()
    assert assigned.status == "resolved"
    response = client.post(url(assigned, "status"), {"move": "start"}, follow=True)
    assert "cannot go to" in response.content.decode()


def test_assignment_with_suggestions_and_override_reason(
    client, ticket, dispatcher, consultant, other_consultant, skill
):
    actions.ticket_update(ticket=ticket, actor=dispatcher, required_skill=skill)
    client.force_login(dispatcher)
    html = client.get(url(ticket)).content.decode()
    assert str(consultant) in html.split('id="assignment"')[1].split("</section>")[0]
    assert "lacks the skill" in html  # other_consultant is suggested below, unqualified
    response = client.post(url(ticket, "assign"), {"assignee": other_consultant.pk}, follow=True)
    assert "lacks the required skill" in response.content.decode()
    client.post(
        url(ticket, "assign"), {"assignee": other_consultant.pk, "override_reason": "Urgent"}
    )
    ticket.refresh_from_db()
    assert ticket.assignee == other_consultant


def test_a_consultant_may_take_a_ticket_but_not_give_it_away(
    client, ticket, consultant, other_consultant
):
    client.force_login(consultant)
    response = client.post(url(ticket, "assign"), {"assignee": other_consultant.pk}, follow=True)
    assert "only a dispatcher" in response.content.decode()
    client.post(url(ticket, "assign"), {"assignee": consultant.pk})
    assert Ticket.objects.get(pk=ticket.pk).assignee == consultant


def test_manual_time_entry_through_the_billing_action(client, assigned, consultant):
    client.force_login(consultant)
    today = clock.now().date()
    client.post(
        url(assigned, "time"),
        {"minutes": "45", "date": today.isoformat(), "description": "Changed the lock date"},
    )
    entry = TimeEntry.objects.get()
    assert (entry.minutes, entry.consultant, entry.description) == (
        45,
        consultant,
        "Changed the lock date",
    )
    assert assigned.events.filter(verb="time_logged").exists()
    assert "Changed the lock date" in client.get(url(assigned)).content.decode()


def test_time_in_the_future_is_refused(client, assigned, consultant):
    client.force_login(consultant)
    tomorrow = clock.now().date() + dt.timedelta(days=2)
    response = client.post(
        url(assigned, "time"),
        {"minutes": "10", "date": tomorrow.isoformat(), "description": "x"},
        follow=True,
    )
    assert "in the future" in response.content.decode()
    assert not TimeEntry.objects.exists()


def test_the_timer_logs_the_measured_minutes(client, assigned, consultant):
    client.force_login(consultant)
    start = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
    with clock.at(start):
        client.post(url(assigned, "timer"), {"timer": "start"})
    assert TimerRun.objects.filter(user=consultant, ticket=assigned).exists()
    with clock.at(start + dt.timedelta(minutes=17, seconds=5)):
        assert "Timer running" in client.get(url(assigned)).content.decode()
        client.post(url(assigned, "timer"), {"timer": "stop", "description": "Checked config"})
    entry = TimeEntry.objects.get()
    assert entry.minutes == 18  # a started minute is worked
    assert entry.description == "Checked config"
    assert not TimerRun.objects.exists()


def test_the_timer_needs_what_was_done_and_keeps_running_without_it(client, assigned, consultant):
    client.force_login(consultant)
    client.post(url(assigned, "timer"), {"timer": "start"})
    response = client.post(url(assigned, "timer"), {"timer": "stop"}, follow=True)
    assert "Description: is required" in response.content.decode()
    assert TimerRun.objects.exists() and not TimeEntry.objects.exists()
    client.post(url(assigned, "timer"), {"timer": "discard"})
    assert not TimerRun.objects.exists()


def test_link_merge_and_split_from_the_workspace(client, alice, consultant):
    first = make_ticket(alice, subject="Invoice error")
    duplicate = make_ticket(alice, subject="Invoice error again")
    actions.ticket_reply(ticket=duplicate, actor=alice, body="Same problem today", channel="portal")
    client.force_login(consultant)
    response = client.post(url(duplicate, "link"), {"other": first.number, "how": "merge"})
    assert response["Location"] == url(first)
    duplicate.refresh_from_db()
    assert duplicate.status == "closed"
    html = client.get(url(first)).content.decode()
    assert "Same problem today" in html and f"from duplicate {duplicate.number}" in html
    message = actions.ticket_reply(
        ticket=first, actor=alice, body="Also: the VAT report", channel="portal"
    )
    response = client.post(url(first, "split"), {"subject": "VAT report", "message": message.pk})
    new = Ticket.objects.get(subject="VAT report")
    assert response["Location"] == url(new)
    assert new.description == "Also: the VAT report"
    assert "split into" in client.get(url(first)).content.decode()


def test_a_consultant_takes_an_unassigned_ticket(client, ticket, consultant):
    client.force_login(consultant)
    html = client.get(url(ticket)).content.decode()
    assert 'id="take-it"' in html and "Take it" in html

    response = client.post(url(ticket, "take"), follow=True)

    ticket.refresh_from_db()
    assert ticket.assignee == consultant and ticket.status == "assigned"
    page = response.content.decode()
    assert f"You took {ticket.number}." in page
    assert 'id="take-it"' not in page  # nothing left to take


def test_taking_an_assigned_ticket_is_refused_and_changes_nothing(
    client, assigned, other_consultant
):
    client.force_login(other_consultant)
    assert 'id="take-it"' not in client.get(url(assigned)).content.decode()

    response = client.post(url(assigned, "take"), follow=True)

    assigned.refresh_from_db()
    assert assigned.assignee.email == "carl@partner.example"
    assert "already assigned to" in response.content.decode()


def test_a_dispatcher_is_not_offered_to_take_tickets(client, ticket, dispatcher):
    client.force_login(dispatcher)
    assert 'id="take-it"' not in client.get(url(ticket)).content.decode()


def test_the_workspace_says_when_a_colleague_has_the_ticket_open_or_is_typing(
    client, ticket, consultant, other_consultant
):
    other_consultant.name = "Cecilia Holm"
    other_consultant.save()
    client.force_login(other_consultant)
    assert client.post(url(ticket, "presence")).content.decode().strip() == ""  # alone
    client.force_login(consultant)
    assert (
        "Cecilia Holm also has this ticket open."
        in client.post(url(ticket, "presence")).content.decode()
    )

    client.force_login(other_consultant)
    seen = client.post(url(ticket, "presence"), {"typing": "1"}).content.decode()
    assert "also has this ticket open" in seen  # Carl, seen just now
    client.force_login(consultant)
    assert "Cecilia Holm is typing a reply on this ticket." in (
        client.post(url(ticket, "presence")).content.decode()
    )

    later = clock.now() + dt.timedelta(seconds=45)
    with clock.at(later):  # Cecilia closed the page: her entry goes stale
        assert "Cecilia" not in client.post(url(ticket, "presence")).content.decode()


def test_the_saved_replies_are_offered_by_title(client, assigned, consultant):
    for title in ("Zebra", "<b>Alpha</b>", "Middle"):
        SavedReply.objects.create(title=title, body=f"Body of {title}")
    assert [r.title for r in selectors.saved_replies()] == ["<b>Alpha</b>", "Middle", "Zebra"]
    client.force_login(consultant)
    html = client.get(url(assigned)).content.decode()
    assert html.index("&lt;b&gt;Alpha&lt;/b&gt;") < html.index(">Middle<") < html.index(">Zebra<")


SUGGESTIONS_TEMPLATE = Template(
    "{% load i18n %}{% for s in suggestions %}<li>\n"
    '<form method="post" action="{{ urls.assign }}" class="inline">{% csrf_token %}'
    '<input type="hidden" name="assignee" value="{{ s.user.pk }}">\n'
    '<button type="submit" class="small"{% if s.user.pk == ticket.assignee_id %} disabled'
    "{% endif %}>{{ s.user }}</button></form>\n"
    '<small>{{ s.open_load }} {% translate "open" %}{% if not s.qualified %} · <span class="late">'
    '{% translate "lacks the skill" %}</span>{% endif %}</small></li>{% endfor %}'
)
WRITTEN_SUGGESTIONS = Template(
    "{% load console_tags %}{% suggestion_items suggestions urls.assign %}"
)


@pytest.mark.parametrize("language", ["en", "sv"])
@pytest.mark.parametrize("token", ["a<b>&\"'c", None])
def test_the_suggestions_are_written_as_the_template_wrote_them(language, token, assigned):
    hostile = "\"><script>alert('x')</script>&amp;"
    people = [
        UserFactory(email="h@partner.example", name=hostile, role="consultant", organisation=None),
        assigned.assignee,
    ]
    suggestions = [
        Suggestion(user=people[0], qualified=False, open_load=3, last_assigned_at=None),
        Suggestion(user=people[1], qualified=True, open_load=0, last_assigned_at=None),
    ]
    context = {
        "suggestions": suggestions,
        "urls": {"assign": f"/console/tickets/{assigned.number}/assign/?a=<&>"},
        "ticket": assigned,
        "csrf_token": token,
    }
    with translation.override(language):
        written = WRITTEN_SUGGESTIONS.render(Context(context))
        assert written == SUGGESTIONS_TEMPLATE.render(Context(context))
    assert "<script>" not in written and " disabled>" in written


STAFF_TEMPLATE = Template(
    '{% load i18n %}{% for u in staff %}<option value="{{ u.pk }}"{% if u.pk == me.pk %}'
    ' selected{% endif %}>{{ u }}{% if u.pk == me.pk %} ({% translate "me" %}){% endif %}'
    "</option>{% endfor %}"
)


@pytest.mark.parametrize("language", ["en", "sv"])
def test_the_assign_to_list_is_written_as_the_template_wrote_it(language, consultant, dispatcher):
    hostile = "\"><script>alert('x')</script>&amp;"
    UserFactory(email="h@partner.example", name=hostile, role="consultant", organisation=None)
    UserFactory(email="<e>@partner.example", name="", role="dispatcher", organisation=None)
    UserFactory(email="gone@partner.example", role="consultant", organisation=None, is_active=False)
    UserFactory(email="c@customer.example", role="customer")
    staff = list(
        User.objects.filter(pk__in=[r["id"] for r in selectors.active_staff()]).order_by("email")
    )
    assert "gone@partner.example" not in {u.email for u in staff}
    assert {u.email for u in staff} >= {consultant.email, dispatcher.email, "<e>@partner.example"}
    with translation.override(language):
        written = staff_options(selectors.active_staff(), consultant)
        assert written == STAFF_TEMPLATE.render(Context({"staff": staff, "me": consultant}))
    assert "<script>" not in written and " selected>" in written
