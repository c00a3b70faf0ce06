"""A customer never sees an internal, draft or another organisation's article: not in the
list, search, suggestions, by direct URL, nor through the API."""

from __future__ import annotations

import pytest

from supportdesk.api.models import ApiToken
from supportdesk.help.access import articles_for_user
from supportdesk.help.search import search_articles

pytestmark = pytest.mark.django_db

ALICE_SEES = {"public", "customers", "alpha"}


def titles(html, articles, keys):
    """The articles linked from a page (titles may be highlighted word by word)."""
    return {k for k in keys if f"/help/a/{articles[k].slug}/" in html}


def test_each_reader_reads_exactly_what_visibility_allows(articles, alice, bob, consultant):
    from django.contrib.auth.models import AnonymousUser

    def keys(user):
        visible = set(articles_for_user(user).values_list("pk", flat=True))
        return {k for k, a in articles.items() if a.pk in visible}

    assert keys(AnonymousUser()) == {"public"}
    assert keys(alice) == ALICE_SEES
    assert keys(bob) == {"public", "customers", "beta"}
    assert keys(consultant) == set(articles)


def test_search_finds_only_what_the_customer_may_read(articles, alice):
    hits = search_articles(articles_for_user(alice), "invoice posting", limit=20)
    found = {k for k, a in articles.items() if a.pk in {h.article.pk for h in hits}}
    assert found == ALICE_SEES


def test_help_page_search_and_listing_respect_visibility(client, articles, alice):
    client.force_login(alice)
    for url in ("/help/", "/help/?q=invoice"):
        html = client.get(url).content.decode()
        assert titles(html, articles, articles) == ALICE_SEES, url


def test_public_help_page_shows_public_articles_only(client, articles):
    html = client.get("/help/?q=invoice").content.decode()
    assert titles(html, articles, articles) == {"public"}


def test_direct_url_of_a_hidden_article_is_404(client, articles, alice):
    client.force_login(alice)
    for key, article in articles.items():
        status = client.get(f"/help/a/{article.slug}/").status_code
        assert status == (200 if key in ALICE_SEES else 404), key
    client.logout()
    assert client.get(f"/help/a/{articles['customers'].slug}/").status_code == 404
    assert client.get(f"/help/a/{articles['public'].slug}/").status_code == 200


def test_suggestions_offer_only_readable_articles(client, articles, alice):
    client.force_login(alice)
    html = client.get(
        "/help/suggest/", {"subject": "cannot post invoice", "description": "", "help_draft": "d1"}
    ).content.decode()
    assert titles(html, articles, articles) <= ALICE_SEES
    assert titles(html, articles, articles)  # something was suggested


def test_api_reads_only_what_the_customer_may_read(client, articles, alice):
    _row, token = ApiToken.issue(user=alice, name="t")
    headers = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/help/articles", headers=headers)
    assert listed.status_code == 200, listed.content
    slugs = {row["slug"] for row in listed.json()}
    assert slugs == {articles[k].slug for k in ALICE_SEES}
    searched = client.get("/api/v1/help/articles", {"q": "invoice"}, headers=headers).json()
    assert {row["slug"] for row in searched} == {articles[k].slug for k in ALICE_SEES}
    for key in ("internal", "beta", "draft"):
        got = client.get(f"/api/v1/help/articles/{articles[key].slug}", headers=headers)
        assert got.status_code == 404, key


def test_customers_cannot_write_articles_through_the_api(client, alice, articles):
    _row, token = ApiToken.issue(user=alice, name="t")
    headers = {"Authorization": f"Bearer {token}"}
    created = client.post(
        "/api/v1/help/articles",
        {"title": "Mine", "body": "x", "category": "sales"},
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 403
    changed = client.patch(
        f"/api/v1/help/articles/{articles['public'].slug}",
        {"title": "Hacked"},
        content_type="application/json",
        headers=headers,
    )
    assert changed.status_code == 403
    articles["public"].refresh_from_db()
    assert articles["public"].title != "Hacked"


def test_staff_pages_are_404_for_customers(client, alice, articles):
    client.force_login(alice)
    for url in (
        "/console/help/",
        "/console/help/new/",
        f"/console/help/{articles['public'].pk}/",
        "/console/help/suggest/?q=invoice",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/console/help/{articles['public'].pk}/publish/").status_code == 404
