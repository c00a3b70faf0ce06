"""The board and the workspace say their fixed words in the viewer's language, though
those words are translated once per process (``core/words.py``) and the pages' static
parts are kept per language (``{% constant %}``): English and Swedish in turn, names
escaped, and the part that depends on the viewer's role follows the viewer."""

from __future__ import annotations

import datetime as dt

import pytest

from supportdesk.core import clock
from supportdesk.tickets import actions
from tests.factories import OrganisationFactory, SkillFactory, UserFactory, make_ticket

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("steady_session_clock")]

MORNING = dt.datetime(2026, 3, 10, 8, 30, tzinfo=dt.UTC)  # a Tuesday in working hours
HOSTILE = "<script>alert(\"x\")</script> & 'Eve'"
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;Eve&#x27;"


def _page(client, user, language: str, path: str) -> str:
    user.language = language
    user.save()
    client.force_login(user)
    with clock.at(MORNING + dt.timedelta(hours=1)):
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_the_board_speaks_each_viewers_language_with_names_escaped(client, dispatcher):
    eve = UserFactory(
        email="eve@partner.example", name=HOSTILE, role="consultant", organisation=None
    )
    org = OrganisationFactory(name=f"Org {HOSTILE}")
    requester = UserFactory(email="r@org.example", name=f"Req {HOSTILE}", organisation=org)
    with clock.at(MORNING):
        ticket = make_ticket(requester, subject=HOSTILE)
        assigned = make_ticket(requester, subject="Assigned")
        actions.ticket_assign(ticket=assigned, actor=dispatcher, assignee=eve)
        skilled = make_ticket(requester, subject="Skilled")
        actions.ticket_update(
            ticket=skilled, actor=dispatcher, required_skill=SkillFactory(name=f"Skill {HOSTILE}")
        )
    for language, words in [
        ("en", ["working hours left to assign", "Assign to ", "Select ", ">New<", "Times are"]),
        ("sv", ["arbetstimmar kvar att tilldela", "Tilldela ", "Markera ", ">Ny<", "Tiderna är"]),
        ("en", ["working hours left to assign", "Assign to ", "Select ", ">New<", "Times are"]),
    ]:
        html = _page(client, dispatcher, language, "/console/")
        assert all(word in html for word in words), language
        assert HOSTILE not in html
        assert f'<span class="number">{ticket.number}</span> {ESCAPED}</a>' in html
        assert f"{ESCAPED}</button>" in html  # the suggestion: the only consultant
        assert f"<td>Org {ESCAPED}<br><small>Req {ESCAPED}</small></td>" in html
        assert f'<small class="tag">Skill {ESCAPED}</small>' in html
        assert f"<td>{ESCAPED}</td>" in html  # the assignee's cell


def test_the_workspace_speaks_each_viewers_language_and_role(client, dispatcher, consultant, alice):
    with clock.at(MORNING):
        ticket = make_ticket(alice)
    path = f"/console/tickets/{ticket.number}/"
    override = 'id="assign-reason"'
    for language, send in [("en", "Send reply"), ("sv", "Skicka svar"), ("en", "Send reply")]:
        as_dispatcher = _page(client, dispatcher, language, path)
        as_consultant = _page(client, consultant, language, path)
        assert send in as_dispatcher and send in as_consultant
        assert override in as_dispatcher and override not in as_consultant
        for html in (as_dispatcher, as_consultant):
            assert f'action="/console/tickets/{ticket.number}/reply/"' in html
            assert html.count('name="csrfmiddlewaretoken"') >= 5


def test_the_board_tabs_follow_the_filter_and_the_language(client, dispatcher):
    # The tabs are kept per view, skill and organisation (``{% constant %}``): each filter
    # and each language gets its own, the current view marked.
    skill, org = SkillFactory(name="Accounting"), OrganisationFactory(name="Tabs AB")
    cases = [
        ("en", "/console/", '<a href="?view=mine">Mine</a>', 'href="?view=all" aria-current'),
        (
            "en",
            f"/console/?view=mine&skill={skill.pk}",
            f'<a href="?view=mine&amp;skill={skill.pk}" aria-current="page">Mine</a>',
            f'<a href="?view=all&amp;skill={skill.pk}">All open</a>',
        ),
        (
            "en",
            f"/console/?view=waiting&org={org.pk}",
            f'<a href="?view=waiting&amp;org={org.pk}" aria-current="page">Waiting</a>',
            f'<a href="?view=mine&amp;org={org.pk}">Mine</a>',
        ),
        ("sv", "/console/", '<a href="?view=mine">Mina</a>', 'href="?view=all" aria-current'),
        ("en", "/console/", '<a href="?view=mine">Mine</a>', 'href="?view=all" aria-current'),
    ]
    for language, path, *expected in cases:
        html = _page(client, dispatcher, language, path)
        tabs = html.split('<nav class="tabs"', 1)[1].split("</nav>", 1)[0]
        assert all(part in tabs for part in expected), (language, path, tabs)
        assert tabs.count("aria-current") == 1
