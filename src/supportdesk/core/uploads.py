"""The upload budget of one request, enforced while the body is read.

``RequestBudgetUploadHandler`` is the first of Django's upload handlers: it refuses a
request that announces more than ``UPLOAD_REQUEST_MAX_BYTES`` before reading any of it,
and stops reading a body that grows past the limit (a chunked or lying client), so no
file of an oversized request is ever written whole. ``core.hygiene``'s middleware, which
parses forms first, answers 413 naming the limit.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext as _


class UploadTooLarge(RequestDataTooBig):
    """The request's files pass the budget; ``str()`` says which limit."""


def request_limit_message() -> str:
    limit = settings.UPLOAD_REQUEST_MAX_BYTES // (1024 * 1024)
    return _(
        "attachments: the files of one request may total at most %(limit)s MB "
        "(UPLOAD_REQUEST_MAX_MB); send fewer or smaller files"
    ) % {"limit": limit}


class RequestBudgetUploadHandler(FileUploadHandler):
    """Counts the bytes of every file of the request; stops past the request budget."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.total = 0

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> None:
        # The form fields and multipart framing come on top of the files: a little slack.
        if content_length > settings.UPLOAD_REQUEST_MAX_BYTES + 1024 * 1024:
            raise UploadTooLarge(request_limit_message())
        self.total = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.total += len(raw_data)
        if self.total > settings.UPLOAD_REQUEST_MAX_BYTES:
            raise UploadTooLarge(request_limit_message())
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
