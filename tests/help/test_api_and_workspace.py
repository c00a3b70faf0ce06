"""The API for articles (staff write, with revisions) and ratings (staff read); the
consultant's suggestions in the workspace, insertable into a reply."""

from __future__ import annotations

import pytest

from supportdesk.api.models import ApiToken
from supportdesk.help import ratings
from supportdesk.help.models import Article, RatingRequest
from tests.factories import make_ticket
from tests.help.conftest import write
from tests.help.test_ratings import resolve

pytestmark = pytest.mark.django_db


def bearer(user):
    _row, token = ApiToken.issue(user=user, name="t")
    return {"Authorization": f"Bearer {token}"}


def test_staff_write_articles_through_the_api_with_revisions(client, consultant, org_a):
    headers = bearer(consultant)
    created = client.post(
        "/api/v1/help/articles",
        {
            "title": "Bank statement import",
            "body": "Use the **CAMT** import.",
            "category": "accounting",
            "visibility": "organisation",
            "organisation": org_a.name,
            "tags": ["bank", "Import"],
            "odoo_versions": "18.0",
        },
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["organisation"], body["tags"]) == (
        "draft",
        "Alpha AB",
        ["bank", "import"],
    )
    slug = body["slug"]
    bad = client.patch(
        f"/api/v1/help/articles/{slug}",
        {"visibility": "all"},
        content_type="application/json",
        headers=headers,
    )
    assert bad.status_code == 422 and bad.json()["field"] == "visibility"
    published = client.patch(
        f"/api/v1/help/articles/{slug}",
        {"status": "published"},
        content_type="application/json",
        headers=headers,
    )
    assert published.json()["status"] == "published"
    article = Article.objects.get(slug=slug)
    assert [r.changed for r in article.revisions.order_by("number")][1:] == [["status"]]


def test_ratings_are_read_by_staff_only(client, alice, consultant, dispatcher):
    ticket = resolve(make_ticket(alice), consultant)
    ratings.rate(request=RatingRequest.objects.get(ticket=ticket), score=3, comment="Fine")
    rows = client.get("/api/v1/help/ratings", headers=bearer(dispatcher)).json()
    assert [(r["ticket"], r["score"], r["comment"], r["contact"]) for r in rows] == [
        (ticket.number, 3, "Fine", alice.email)
    ]
    assert client.get("/api/v1/help/ratings", headers=bearer(alice)).status_code == 403


def test_workspace_offers_articles_to_insert_into_the_reply(client, alice, consultant):
    write(consultant, title="Lock date blocks posting", body="Clear the lock date.")
    write(
        consultant,
        title="Internal lock date trick",
        body="Staff only lock date.",
        visibility="internal",
    )
    ticket = make_ticket(alice, subject="Lock date problem")
    client.force_login(consultant)
    page = client.get(f"/console/tickets/{ticket.number}/").content.decode()
    assert 'id="help-article-q"' in page and 'value="Lock date problem"' in page
    html = client.get("/console/help/suggest/", {"q": "lock date"}).content.decode()
    assert "Insert into reply" in html
    article = Article.objects.get(title="Lock date blocks posting")
    assert (
        f'data-insert-article="[Lock date blocks posting](http://testserver/help/a/{article.slug}/)"'
        in html
    )
