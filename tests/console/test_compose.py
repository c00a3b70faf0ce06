"""Rich replies: Markdown with a preview, saved replies with placeholders and a file, @name."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from supportdesk.console import actions as console_actions
from supportdesk.console.mentions import mentioned
from supportdesk.console.models import SavedReply
from supportdesk.mail.models import OutboundMail
from supportdesk.tickets.models import Attachment
from tests.factories import UserFactory, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(alice):
    alice.name = "Alice Andersson"
    alice.save()
    return make_ticket(alice, subject="Invoice cannot be posted")


def url(ticket, action=""):
    return f"/console/tickets/{ticket.number}/{action + '/' if action else ''}"


def test_the_preview_renders_markdown_sanitised(client, consultant):
    client.force_login(consultant)
    html = client.post(
        "/console/compose/preview/", {"body": "**Done** <script>x()</script> https://a.example"}
    ).content.decode()
    assert "<strong>Done</strong>" in html and "<script>" not in html
    assert 'href="https://a.example"' in html


def test_customers_get_404_from_the_compose_helpers(client, alice):
    client.force_login(alice)
    assert client.post("/console/compose/preview/", {"body": "x"}).status_code == 404
    assert client.get("/console/compose/mentions/?q=a").status_code == 404


def test_a_markdown_reply_shows_formatted_in_timeline_portal_and_mail(
    client, ticket, consultant, alice
):
    client.force_login(consultant)
    body = "Fixed: see **step 2** in [the guide](https://docs.example/guide)."
    client.post(url(ticket, "reply"), {"body": body})

    page = client.get(url(ticket)).content.decode()
    assert "<strong>step 2</strong>" in page
    assert (
        '<a href="https://docs.example/guide" rel="noopener noreferrer nofollow">the guide</a>'
        in page
    )
    mail = OutboundMail.objects.get(ticket=ticket, to=[alice.email], purpose="reply")
    assert '<a href="https://docs.example/guide"' in mail.html
    assert "the guide <https://docs.example/guide>" in mail.text and "**" in mail.text
    client.force_login(alice)
    portal = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "<strong>step 2</strong>" in portal


def test_a_customer_message_is_not_read_as_markdown_but_its_links_work(client, ticket, consultant):
    from supportdesk.tickets import actions
    from supportdesk.tickets.models import Channel

    actions.ticket_reply(
        ticket=ticket,
        actor=ticket.requester,
        body="*urgent* see https://alpha.odoo.com/odoo/action-123",
        channel=Channel.PORTAL,
    )
    client.force_login(consultant)
    page = client.get(url(ticket)).content.decode()
    assert "*urgent*" in page
    assert 'href="https://alpha.odoo.com/odoo/action-123"' in page


def test_saved_reply_placeholders_are_filled_for_the_ticket_and_escaped(
    client, ticket, consultant, org_a
):
    org_a.name = "Alpha <b>AB</b> [x](javascript:alert(1))"
    org_a.save()
    consultant.name = "Carl Berg"
    consultant.save()
    SavedReply.objects.create(
        title="Greeting",
        body="Hello {customer_first_name}, {ticket_number} is mine ({consultant_name}, "
        "{organisation}). {unknown} {ticket.requester.password}",
    )
    client.force_login(consultant)
    page = client.get(url(ticket)).content.decode()

    assert f"Hello Alice, {ticket.number} is mine (Carl Berg, " in page
    assert "Alpha \\&lt;b\\&gt;AB\\&lt;/b\\&gt; \\[x\\]\\(javascript:alert\\(1\\)\\)" in page
    assert "{unknown} {ticket.requester.password}" in page  # left as typed


def test_a_reply_from_a_saved_reply_carries_its_file(client, ticket, consultant, alice):
    reply = console_actions.saved_reply_save(
        actor=consultant,
        title="VAT guide",
        body="The guide is attached, {customer_first_name}.",
        attachment=SimpleUploadedFile("vat-guide.pdf", b"%PDF-1.4 guide", "application/pdf"),
    )
    client.force_login(consultant)
    client.post(
        url(ticket, "reply"), {"body": "The guide is attached, Alice.", "saved_reply": reply.pk}
    )

    attachment = Attachment.objects.get(ticket=ticket)
    assert attachment.filename == "vat-guide.pdf" and attachment.size == len(b"%PDF-1.4 guide")
    assert attachment.message.body == "The guide is attached, Alice."
    mail = OutboundMail.objects.get(ticket=ticket, to=[alice.email], purpose="reply")
    assert "vat-guide.pdf" in mail.text


def test_saved_replies_are_made_with_a_file_in_the_page(client, consultant):
    client.force_login(consultant)
    client.post(
        "/console/saved-replies/",
        {
            "title": "Form",
            "body": "Fill in the form",
            "attachment": SimpleUploadedFile("form.txt", b"name:", "text/plain"),
        },
    )
    reply = SavedReply.objects.get(title="Form")
    assert reply.attachment_name == "form.txt" and reply.attachment.read() == b"name:"


def test_mentions_name_staff_by_handle_only(consultant, other_consultant, alice):
    erik = UserFactory(email="erik@partner.example", role="consultant", organisation=None)
    text = "@erik and @cecilia please look; mail alice@alpha.example, @nobody, @alice @erik"

    assert mentioned(text) == [erik, other_consultant]  # customers are never mentioned


def test_mention_completion_lists_staff_matching_the_prefix(client, consultant, alice):
    UserFactory(
        email="erik@partner.example", name="Erik Berg", role="dispatcher", organisation=None
    )
    consultant.name = "Carl Svensson"  # a made-up name could itself start with "Er"
    consultant.save(update_fields=["name"])
    client.force_login(consultant)
    html = client.get("/console/compose/mentions/?q=er").content.decode()
    assert 'data-handle="erik"' in html and "Erik Berg" in html
    assert "alice" not in html and "carl" not in html


def test_a_note_mentioning_a_colleague_notifies_them_and_mails_as_they_prefer(
    client, ticket, consultant, other_consultant
):
    from supportdesk.commitments.models import Notification
    from supportdesk.console.models import StaffPreference

    erik = UserFactory(email="erik@partner.example", role="consultant", organisation=None)
    StaffPreference.objects.create(user=other_consultant, mail_mentions=False)
    client.force_login(consultant)
    client.post(url(ticket, "note"), {"body": "@erik @cecilia @carl can you check the lock date?"})

    told = Notification.objects.filter(kind="mentioned")
    assert {n.user for n in told} == {erik, other_consultant}  # not the author
    assert all(ticket.number in n.text for n in told)
    mails = OutboundMail.objects.filter(purpose="staff_mentioned")
    assert [m.to for m in mails] == [[erik.email]]  # Cecilia wants no mail for it
    assert f"/console/tickets/{ticket.number}/" in mails[0].text
