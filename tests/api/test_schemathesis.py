"""The whole OpenAPI document, fuzzed by schemathesis with a customer's and a staff token.

A few examples per operation (bounded so the run stays short): no server error, and every
answer matches the document — status codes, content types and response bodies.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from supportdesk.api.models import ApiToken
from tests.factories import UserFactory, make_ticket

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _connections_stay_open():
    """Like Django's test client: the handler must not close the test's database
    connection at the end of each request (the test's transaction lives on it)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db, alice, consultant):
    """A customer's and a consultant's tokens, and a ticket so that some lookups hit."""
    make_ticket(alice)
    UserFactory(email="dispatch@partner.example", role="dispatcher", organisation=None)
    return {
        "customer": ApiToken.issue(user=alice, name="fuzz")[1],
        "staff": ApiToken.issue(user=consultant, name="fuzz")[1],
    }


@pytest.mark.parametrize("role", ["customer", "staff"])
@schema.parametrize()
@settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_matches_its_document(case, tokens, role):
    case.call_and_validate(headers={"Authorization": f"Bearer {tokens[role]}"}, checks=CHECKS)
