"""/healthz for load balancers: 200 when the database and the queue answer, else 503."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_queue_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert data["database"] == "ok"
    assert data["queue"] == "ok"
    assert int(data["queue_length"]) >= 0
    assert "no-cache" in response["Cache-Control"]


def test_healthz_needs_no_login(client, alice):
    # Load balancers have no session; the answer is the same with or without one.
    anonymous = client.get("/healthz")
    client.force_login(alice)
    assert client.get("/healthz").json()["status"] == anonymous.json()["status"] == "ok"


def test_healthz_is_503_when_the_database_fails(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise ConnectionRefusedError("database is down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["database"] == "error: ConnectionRefusedError"
