"""Outbound webhooks against a real HTTP receiver on loopback, and chat through apprise."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from supportdesk.commitments.models import Notification
from supportdesk.tickets import actions
from supportdesk.tickets.events import Verb
from supportdesk.webhooks.deliver import send_due
from supportdesk.webhooks.models import Delivery, Endpoint
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db
SECRET = "endpoint-secret-1"


class Receiver:
    """A loopback HTTP server that records requests and answers with the next status."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/supportdesk"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def endpoint(receiver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = True  # the receiver is on loopback
    row = Endpoint(name="Desk bot", url=receiver.url, verbs=[Verb.CREATED, Verb.RESOLVED])
    row.secret = SECRET
    row.save()
    return row


def _verify(headers: dict[str, str], body: bytes) -> bool:
    parts = dict(p.split("=", 1) for p in headers["X-Supportdesk-Signature"].split(","))
    expected = hmac.new(
        SECRET.encode(), parts["t"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return (
        hmac.compare_digest(expected, parts["v1"])
        and parts["t"] == headers["X-Supportdesk-Timestamp"]
    )


def test_an_event_is_delivered_signed_with_its_id(endpoint, receiver, alice):
    ticket = make_ticket(alice, subject="Invoices blocked")
    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    assert _verify(headers, body)
    data = json.loads(body)
    assert data["verb"] == "created" and data["ticket"]["number"] == ticket.number
    assert headers["X-Supportdesk-Event-Id"] == str(data["id"])
    assert headers["X-Supportdesk-Event"] == "created"
    assert Delivery.objects.get().state == Delivery.State.SENT
    # A tampered body does not verify.
    assert not _verify(headers, body.replace(b"Invoices", b"Invoicez"))


def test_only_the_verbs_asked_for_are_sent(endpoint, receiver, alice, dispatcher, consultant):
    ticket = make_ticket(alice)
    actions.ticket_assign(ticket=ticket, actor=dispatcher, assignee=consultant)
    assert [json.loads(b)["verb"] for _, b in receiver.requests] == ["created"]


def test_a_500_is_retried_after_the_backoff_with_the_same_event_id(
    endpoint, receiver, alice, time_machine
):
    receiver.statuses = [500]
    time_machine.move_to(dt.datetime(2027, 3, 10, 9, 0, tzinfo=dt.UTC), tick=False)
    make_ticket(alice)
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.PENDING and delivery.attempts == 1
    assert delivery.last_status == 500
    assert send_due() == 0, "not due before the backoff"
    time_machine.shift(dt.timedelta(seconds=31))
    assert send_due() == 1
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SENT and delivery.attempts == 2
    ids = [h["X-Supportdesk-Event-Id"] for h, _ in receiver.requests]
    assert len(ids) == 2 and ids[0] == ids[1]


def test_an_endpoint_failing_again_and_again_is_disabled_and_admins_told(
    endpoint, receiver, alice, admin_user, settings, time_machine
):
    settings.WEBHOOK_DISABLE_AFTER = 3
    receiver.statuses = [503] * 10
    time_machine.move_to(dt.datetime(2027, 3, 10, 9, 0, tzinfo=dt.UTC), tick=False)
    for n in range(3):
        make_ticket(alice, subject=f"Ticket {n}")
    endpoint.refresh_from_db()
    assert not endpoint.active and endpoint.disabled_at is not None
    assert "503" in endpoint.disabled_reason
    note = Notification.objects.get(user=admin_user, kind="webhook_disabled")
    assert "Desk bot" in note.text
    before = len(receiver.requests)
    make_ticket(alice, subject="After disabling")
    time_machine.shift(dt.timedelta(hours=1))
    send_due()
    assert len(receiver.requests) == before, "a disabled endpoint gets nothing"


def test_private_and_loopback_addresses_are_refused_unless_allowed(
    endpoint, receiver, alice, settings
):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    make_ticket(alice)
    delivery = Delivery.objects.get()
    assert receiver.requests == []
    assert delivery.state == Delivery.State.PENDING
    assert "plain http" in delivery.last_error or "loopback" in delivery.last_error


def test_the_admin_form_refuses_a_private_url(settings):
    from supportdesk.webhooks.admin import EndpointForm

    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    form = EndpointForm(data={"name": "x", "url": "http://127.0.0.1:9/", "secret": "s"})
    assert not form.is_valid() and "url" in form.errors


def test_chat_hears_of_new_and_business_critical_tickets(receiver, alice, settings):
    settings.CHAT_NOTIFY_URLS = [receiver.url.replace("http://", "json://")]
    ticket = make_ticket(alice, subject="Month-end closing stuck")
    actions.ticket_update(ticket=ticket, actor=alice, impact="month_end_tax")
    bodies = [json.loads(b) for _, b in receiver.requests]
    assert len(bodies) == 2
    assert ticket.number in bodies[0]["title"] and "Month-end closing stuck" in bodies[0]["message"]
    assert "Business-critical" in bodies[1]["title"]


def test_changing_an_endpoint_in_the_admin_is_audited_without_its_secret(
    client, admin_user, settings
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from supportdesk.core.models import AuditEntry

    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    device = TOTPDevice.objects.create(user=admin_user, confirmed=True)
    client.force_login(admin_user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    response = client.post(
        "/admin/webhooks/endpoint/add/",
        {
            "name": "Desk bot",
            "url": "https://hooks.example.com/supportdesk",
            "secret": "s3cret-value",
            "active": "on",
            "deliveries-TOTAL_FORMS": "0",
            "deliveries-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    endpoint = Endpoint.objects.get(name="Desk bot")
    entry = AuditEntry.objects.filter(object_id=str(endpoint.pk)).latest("pk")
    assert "s3cret-value" not in str(entry.__dict__)
