"""Statements built without the ORM's compiler (``core.rows``) write what the ORM would."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supportdesk.core.rows import insert_rows, update_rows
from supportdesk.tickets.models import Event, Message, OdooReference, Ticket
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def _columns(row: object) -> dict[str, object]:
    meta = type(row)._meta
    return {f.attname: getattr(row, f.attname) for f in meta.concrete_fields if not f.primary_key}


def test_an_inserted_row_reads_back_as_saved_by_the_orm(alice):
    ticket = make_ticket(alice)
    at = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
    fields = {
        "ticket": ticket,
        "author": alice,
        "channel": "email",
        "body": "Hej — åäö\x7f",
        "body_html": "<p>Hej</p>",
        "message_id": "<m@alpha.example>",
        "note": {"code": "automatic", "params": {"n": [1, 2]}},
        "created_at": at,
    }
    ours, orms = Message(**fields), Message.objects.create(**fields)
    assert insert_rows([ours]) == [ours]
    assert ours.pk is not None and ours.pk != orms.pk and not ours._state.adding
    assert _columns(Message.objects.get(pk=ours.pk)) == _columns(Message.objects.get(pk=orms.pk))
    event = Event(ticket=ticket, actor=None, verb="noted", new={"message_id": ours.pk})
    insert_rows([event])
    assert Event.objects.get(pk=event.pk).new == {"message_id": ours.pk}


def test_insert_rows_skips_what_a_unique_constraint_holds(alice):
    ticket = make_ticket(alice, description="")
    OdooReference.objects.create(ticket=ticket, type="reference", text="S1", normalised="S1")

    def ref(text: str) -> OdooReference:
        return OdooReference(ticket=ticket, type="reference", text=text, normalised=text.upper())

    rows = [ref("s1"), ref("s2"), ref("S2"), ref("s3")]
    with CaptureQueriesContext(connection) as captured:
        inserted = insert_rows(rows, skip=("ticket", "type", "normalised"))
    assert len(captured) == 1
    assert inserted == [rows[1], rows[3]] and rows[0].pk is None and rows[2].pk is None
    stored = ticket.odoo_refs.order_by("pk").values_list("pk", "text")
    assert list(stored)[1:] == [(rows[1].pk, "s2"), (rows[3].pk, "s3")]


def test_insert_rows_keeps_within_the_parameters_a_statement_may_have(alice, monkeypatch):
    ticket = make_ticket(alice, description="")
    monkeypatch.setattr(connection.ops, "bulk_batch_size", lambda fields, objs: 2)
    rows = [Event(ticket=ticket, verb="noted", new={"n": n}) for n in range(5)]
    with CaptureQueriesContext(connection) as captured:
        assert insert_rows(rows) == rows
    assert len(captured) == 3
    stored = Event.objects.filter(verb="noted").order_by("pk").values_list("pk", "new")
    assert list(stored) == [(row.pk, {"n": n}) for n, row in enumerate(rows)]


def test_update_rows_writes_the_fields_named(alice):
    ticket = make_ticket(alice)
    ticket.subject, ticket.impact = "Renamed", "production_down"
    assert update_rows([ticket], ["subject", "impact"]) == 1
    again = Ticket.objects.get(pk=ticket.pk)
    assert (again.subject, again.impact) == ("Renamed", "production_down")
