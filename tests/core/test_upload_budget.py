"""The upload budget: per request (while the body is read), per ticket, per organisation
and month; each refusal names its limit and nothing is stored."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory, override_settings
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from supportdesk.core.hygiene import InputHygieneMiddleware
from supportdesk.tickets.models import Attachment
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


def _file(name: str, size: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"x" * size, content_type="application/octet-stream")


class CountingStream(io.BytesIO):
    """A request body that remembers how much of it was read."""

    read_bytes = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.read_bytes += len(chunk)
        return chunk

    def readline(self, size: int | None = -1) -> bytes:
        line = super().readline(size)
        self.read_bytes += len(line)
        return line


def _multipart_request(files: dict):
    body = encode_multipart(BOUNDARY, {"body": "hello", **files})
    stream = CountingStream(body)
    request = RequestFactory().generic(
        "POST", "/tickets/SD-10001/reply/", body, content_type=MULTIPART_CONTENT
    )
    request._stream = request._stream.__class__(stream, len(body))
    return request, stream, len(body)


def _respond(request):
    return InputHygieneMiddleware(lambda r: pytest.fail("the view must not run"))(request)


@override_settings(UPLOAD_REQUEST_MAX_BYTES=2 * MB)
def test_a_request_announcing_more_than_the_budget_is_refused_unread():
    request, stream, _ = _multipart_request({"attachments": [_file("a.bin", 4 * MB)]})
    response = _respond(request)
    assert response.status_code == 413
    assert "UPLOAD_REQUEST_MAX_MB" in response.content.decode()
    assert "2 MB" in response.content.decode()
    assert stream.read_bytes == 0


@override_settings(UPLOAD_REQUEST_MAX_BYTES=2 * MB)
def test_reading_stops_when_the_files_pass_the_budget():
    # 2.6 MB of files: within the framing slack of the announced length, over the budget.
    files = {"attachments": [_file(f"{n}.bin", 650 * 1024) for n in range(4)]}
    request, stream, length = _multipart_request(files)
    response = _respond(request)
    assert response.status_code == 413
    assert stream.read_bytes < length  # the last file was never read whole


@override_settings(UPLOAD_REQUEST_MAX_BYTES=2 * MB)
def test_six_files_in_one_reply_over_the_budget_store_nothing(client, alice):
    ticket = make_ticket(alice)
    client.force_login(alice)
    files = [_file(f"{n}.bin", 512 * 1024) for n in range(6)]
    response = client.post(
        f"/tickets/{ticket.number}/reply/", {"body": "six files", "attachments": files}
    )
    assert response.status_code == 413
    assert "UPLOAD_REQUEST_MAX_MB" in response.content.decode()
    assert not Attachment.objects.exists()


@override_settings(UPLOAD_TICKET_MAX_BYTES=1 * MB)
def test_a_ticket_has_a_budget_of_its_own(client, alice):
    ticket = make_ticket(alice, attachments=[_file("first.bin", 700 * 1024)])
    client.force_login(alice)
    response = client.post(
        f"/tickets/{ticket.number}/reply/",
        {"body": "more", "attachments": [_file("second.bin", 400 * 1024)]},
        follow=True,
    )
    text = response.content.decode()
    assert "UPLOAD_TICKET_MAX_MB" in text and "1 MB" in text
    assert list(Attachment.objects.values_list("filename", flat=True)) == ["first.bin"]


@override_settings(UPLOAD_ORGANISATION_MONTH_MAX_BYTES=1 * MB)
def test_an_organisation_has_a_monthly_budget(client, alice, alice_colleague, bob):
    make_ticket(alice, attachments=[_file("a.bin", 700 * 1024)])
    other = make_ticket(alice_colleague)
    client.force_login(alice_colleague)
    response = client.post(
        f"/tickets/{other.number}/reply/",
        {"body": "more", "attachments": [_file("b.bin", 400 * 1024)]},
        follow=True,
    )
    assert "UPLOAD_ORGANISATION_MONTH_MAX_MB" in response.content.decode()
    assert Attachment.objects.count() == 1
    # Another organisation's budget is its own.
    make_ticket(bob, attachments=[_file("c.bin", 700 * 1024)])
    assert Attachment.objects.count() == 2
