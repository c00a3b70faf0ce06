"""Writing articles: revisions naming who changed what, translations, Markdown made safe,
images behind the access check, and a draft made from a resolved ticket."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from supportdesk.core.errors import InvalidInput, PermissionDenied
from supportdesk.core.markdown import render
from supportdesk.help import actions
from supportdesk.help.models import Article, Visibility
from supportdesk.tickets import actions as ticket_actions
from supportdesk.tickets.models import Ticket
from tests.factories import make_ticket
from tests.help.conftest import write

pytestmark = pytest.mark.django_db

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def test_every_save_writes_a_revision_with_author_and_changed_fields(consultant, other_consultant):
    article = write(consultant, title="Lock dates", body="Set the lock date.", publish=False)
    actions.article_save(
        actor=other_consultant, article=article, body="Set the lock date first.", note="clearer"
    )
    actions.article_publish(actor=consultant, article=article)
    actions.article_save(
        actor=consultant, article=article, body="Set the lock date first."
    )  # no change
    revisions = list(article.revisions.order_by("number"))
    assert [(r.number, r.author, r.changed) for r in revisions] == [
        (1, consultant, list(actions.TRACKED)),
        (2, other_consultant, ["body"]),
        (3, consultant, ["status"]),
    ]
    assert revisions[1].note == "clearer"
    assert revisions[0].snapshot["body"] == "Set the lock date."
    assert revisions[1].snapshot["body"] == "Set the lock date first."


def test_history_is_shown_on_the_edit_page(client, consultant, other_consultant):
    article = write(consultant, title="Lock dates", body="One")
    actions.article_save(actor=other_consultant, article=article, title="Lock dates in Odoo")
    client.force_login(consultant)
    html = client.get(f"/console/help/{article.pk}/").content.decode()
    assert "r2" in html and str(other_consultant) in html and "title" in html


def test_bad_input_names_the_field_and_changes_nothing(consultant, alice):
    article = write(consultant, title="Lock dates", body="One")
    for fields, field in [
        ({"title": "  "}, "title"),
        ({"visibility": "everyone"}, "visibility"),
        ({"odoo_versions": "eighteen"}, "odoo_versions"),
        ({"visibility": Visibility.ORGANISATION}, "organisation"),
        ({"category": "space"}, "category"),
    ]:
        with pytest.raises(InvalidInput) as raised:
            actions.article_save(actor=consultant, article=article, **fields)
        assert raised.value.field == field
    article.refresh_from_db()
    assert (article.title, article.visibility, article.revisions.count()) == (
        "Lock dates",
        "public",
        1,
    )
    with pytest.raises(PermissionDenied):
        actions.article_save(actor=alice, article=article, title="Mine")


def test_translation_is_linked_and_the_readers_language_comes_first(client, consultant, alice):
    original = write(consultant, title="Posting invoices", body="Post the invoice.")
    swedish = write(
        consultant,
        title="Bokföra fakturor",
        body="Bokför fakturan.",
        language="sv",
        original=original,
    )
    assert swedish.original == original and swedish.slug.endswith("-sv")
    with pytest.raises(InvalidInput) as raised:
        write(consultant, title="Again", body="x", language="en", original=original)
    assert raised.value.field == "original"
    client.force_login(alice)
    alice.language = "sv"
    alice.save()
    html = client.get("/help/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert f"/help/a/{swedish.slug}/" in html and f"/help/a/{original.slug}/" not in html
    page = client.get(f"/help/a/{original.slug}/").content.decode()
    assert f"/help/a/{swedish.slug}/" in page  # "Also in: Svenska"


def _tags(html):
    from html.parser import HTMLParser

    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Collect().feed(html)
    return found


def test_markdown_is_rendered_and_scripts_never_survive():
    html = render(
        "# Title\n\n**bold** <script>alert(1)</script> [x](javascript:alert(1))"
        ' <img src=x onerror="alert(1)">\n\n![shot](/help/images/1/)'
    )
    tags = _tags(html)
    assert ("h1", {}) in tags and ("strong", {}) in tags
    assert ("img", {"src": "/help/images/1/", "alt": "shot"}) in tags
    assert not [t for t, _ in tags if t == "script"]
    assert not [a for _, a in tags if any(k.startswith("on") for k in a)]
    assert not [a for _, a in tags if a.get("href", "").startswith("javascript")]
    assert [a["src"] for t, a in tags if t == "img"] == ["/help/images/1/"]


def test_images_are_served_only_to_readers_of_their_article(client, consultant, alice, bob, org_a):
    article = write(
        consultant,
        title="Alpha screens",
        body="See below.",
        visibility=Visibility.ORGANISATION,
        organisation=org_a,
    )
    image = actions.article_image_add(
        actor=consultant,
        article=article,
        upload=SimpleUploadedFile("shot.png", PNG, content_type="image/png"),
    )
    client.force_login(alice)
    response = client.get(f"/help/images/{image.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    client.force_login(bob)
    assert client.get(f"/help/images/{image.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/help/images/{image.pk}/").status_code == 404
    with pytest.raises(InvalidInput) as raised:
        actions.article_image_add(
            actor=consultant,
            article=article,
            upload=SimpleUploadedFile("x.svg", b"<svg/>", content_type="image/svg+xml"),
        )
    assert raised.value.field == "image"


def test_draft_from_a_resolved_ticket_removes_names_organisation_and_references(
    client, alice, consultant, org_a
):
    ticket = make_ticket(
        alice,
        subject="Alpha AB cannot post INV/2026/00012",
        description=f"Hi, {alice.name} here ({alice.email}).",
    )
    ticket_actions.ticket_assign(ticket=ticket, actor=consultant, assignee=consultant)
    ticket_actions.ticket_reply(
        ticket=Ticket.objects.get(pk=ticket.pk),
        actor=consultant,
        body=f"Dear {alice.name.split()[0]}, open Accounting > Lock dates and clear it.",
        channel="console",
    )
    ticket_actions.ticket_resolve(ticket=Ticket.objects.get(pk=ticket.pk), actor=consultant)
    client.force_login(consultant)
    response = client.post(f"/console/tickets/{ticket.number}/to-article/")
    article = Article.objects.get(source_ticket=ticket)
    assert response.status_code == 302 and response["Location"] == f"/console/help/{article.pk}/"
    text = article.title + article.body
    for secret in ("Alpha AB", "INV/2026/00012", alice.email, alice.name, alice.name.split()[0]):
        assert secret not in text, secret
    assert "Lock dates and clear it" in article.body
    assert (article.status, article.visibility) == ("draft", "internal")


def test_an_open_ticket_cannot_become_an_article(alice, consultant):
    ticket = make_ticket(alice)
    with pytest.raises(InvalidInput) as raised:
        actions.article_from_ticket(actor=consultant, ticket=ticket)
    assert raised.value.field == "ticket" and "not resolved" in raised.value.reason


def test_help_pages_and_the_rating_question_read_in_swedish(client, consultant, alice):
    write(consultant, title="Bokföra fakturor", body="Bokför fakturan.", language="sv")
    alice.language = "sv"
    alice.save()
    client.force_login(alice)
    html = client.get("/help/?q=faktura", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Sök i hjälpen" in html and "1 artikel hittades" in html
    suggestions = client.get(
        "/help/suggest/", {"subject": "fakturor", "help_draft": "x"}, HTTP_ACCEPT_LANGUAGE="sv"
    ).content.decode()
    assert "De här artiklarna kanske besvarar din fråga" in suggestions
