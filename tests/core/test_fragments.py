"""The site's frame is rendered once per role and language and kept: each visitor still
sees their own role's navigation, their own address, their own CSRF token and language."""

from __future__ import annotations

import re

from django.template import Context, Template
from django.test import Client

from supportdesk.core.templatetags.fragments import forget


def _page(client: Client, path: str = "/tickets/") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def _token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match is not None
    return match.group(1)


def test_each_visitor_sees_their_own_frame(alice, bob, consultant, dispatcher):
    pages = {}
    for user in (alice, consultant, bob, dispatcher, alice):
        client = Client()
        client.force_login(user)
        pages.setdefault(user.email, []).append(_page(client))
    alice_page, bob_page = pages[alice.email][0], pages[bob.email][0]
    staff_page, dispatcher_page = pages[consultant.email][0], pages[dispatcher.email][0]
    assert f"({alice.email})" in alice_page and alice.email not in bob_page
    assert f"({bob.email})" in bob_page
    assert "/console/" in staff_page and 'href="/console/"' not in alice_page
    assert f"({dispatcher.email})" in dispatcher_page and consultant.email not in dispatcher_page
    # Kept markup never carries a request's token: two requests, two tokens.
    assert _token(pages[alice.email][0]) != _token(pages[alice.email][1])


def test_the_frame_follows_the_language(alice):
    client = Client()
    client.force_login(alice)
    english = _page(client)
    alice.language = "sv"
    alice.save()
    swedish = _page(client)
    assert "Log out" in english and "Logga ut" in swedish
    assert 'value="sv" lang="sv" selected' in swedish
    assert 'value="en" lang="en" selected' in english


def test_parts_sharing_a_line_are_kept_apart():
    template = Template(
        "{% load fragments %}{% constant %}<a>{% endconstant %}{{ n }}"
        "{% constant %}</a>{% endconstant %}"
    )
    assert template.render(Context({"n": 1})) == "<a>1</a>"
    assert template.render(Context({"n": 2})) == "<a>2</a>"  # the kept parts, each its own


def test_kept_script_tags_carry_each_requests_own_nonce(alice):
    client = Client()
    client.force_login(alice)
    seen = set()
    for _ in range(2):
        response = client.get("/tickets/new/")
        header = response.headers["Content-Security-Policy"]
        nonce = re.search(r"'nonce-([^']+)'", header).group(1)
        scripts = re.findall(r"<script [^>]*>", response.content.decode())
        # htmx from the frame and the page's own script, both kept, both with this nonce.
        assert len(scripts) >= 2
        assert all(f'nonce="{nonce}"' in tag for tag in scripts), scripts
        seen.add(nonce)
    assert len(seen) == 2


def test_a_kept_part_takes_the_nonce_of_the_context_it_is_rendered_in():
    forget()  # templates made from strings share one origin's name
    template = Template(
        '{% load fragments %}{% constant %}<script nonce="{{ csp_nonce }}"></script>{% endconstant %}'
    )
    assert template.render(Context({"csp_nonce": "abc"})) == '<script nonce="abc"></script>'
    assert template.render(Context({"csp_nonce": "xyz"})) == '<script nonce="xyz"></script>'
