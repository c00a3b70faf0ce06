"""Fixtures for the Odoo side: a protocol-level Odoo server on loopback, instances, an API
client speaking JSON with a bearer token."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from supportdesk.api.models import ApiToken
from supportdesk.odoo import actions
from supportdesk.odoo.models import OdooInstance
from tests.odoo.odoo_data import parse_version
from tests.odoo.odoo_server import API_KEY, DATABASE, LOGIN, VERSIONS, FakeOdoo

PARTNER_AUTHOR = "Linserv AB"


@pytest.fixture(autouse=True)
def _odoo_settings(settings):
    # The test server listens on loopback over http: allowed here, refused by default.
    # The guard tests switch this off again.
    settings.ODOO_ALLOW_PRIVATE_HOSTS = True
    settings.ODOO_PARTNER_AUTHORS = [PARTNER_AUTHOR]
    settings.ODOO_TIMEOUT = 5
    return settings


@pytest.fixture
def odoo_server() -> Iterator[Callable[..., FakeOdoo]]:
    """Start test servers: ``odoo_server("17.0+e")``; all stop at the end of the test."""
    started: list[FakeOdoo] = []

    def start(version: str = "17.0+e", **options: Any) -> FakeOdoo:
        server = FakeOdoo(version, **options).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def make_instance(consultant) -> Callable[..., OdooInstance]:
    def make(
        server: FakeOdoo, organisation, *, name: str = "production", key: str = API_KEY, **more
    ) -> OdooInstance:
        return actions.instance_save(
            actor=consultant,
            organisation=organisation,
            name=name,
            url=server.url,
            database=more.pop("database", DATABASE),
            login=more.pop("login", LOGIN),
            api_key=key,
            **more,
        )

    return make


@pytest.fixture(params=VERSIONS)
def odoo_version(request) -> str:
    """Each version the test server imitates: 16.0+e, 17.0+e, saas~17.2+e, 18.0+e, 19.0+e."""
    return str(request.param)


def sale_order_summary(version: str) -> str:
    """The check summary of S00042: its state was "Locked" (done) until 16."""
    state = "Locked" if parse_version(version)[0] <= 16 else "Sales Order"
    return f"S00042 · {state} · Alpha AB"


@pytest.fixture
def odoo(odoo_server, odoo_version) -> FakeOdoo:
    """A test server of each version the server imitates (the test runs once per version)."""
    return odoo_server(odoo_version)


@pytest.fixture
def instance(odoo, make_instance, org_a, consultant) -> OdooInstance:
    """Organisation A's production instance on the test server, version detected."""
    created = make_instance(odoo, org_a)
    return actions.instance_detect_version(instance=created, actor=consultant)


class Api:
    """The test client speaking JSON with a user's bearer token, as an API client would."""

    def __init__(self, client, user) -> None:
        self.client = client
        _, raw_key = ApiToken.issue(user=user, name="tests")
        self.headers = {"Authorization": f"Bearer {raw_key}"}

    def get(self, path: str):
        return self.client.get(f"/api/v1{path}", headers=self.headers)

    def delete(self, path: str):
        return self.client.delete(f"/api/v1{path}", headers=self.headers)

    def post(self, path: str, payload: dict[str, Any] | None = None):
        return self.client.post(
            f"/api/v1{path}",
            data=json.dumps(payload or {}),
            content_type="application/json",
            headers=self.headers,
        )


@pytest.fixture
def api(client) -> Callable[[Any], Api]:
    return lambda user: Api(client, user)
