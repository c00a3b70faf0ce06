"""The REST API under /api/v1: tokens, lists, errors, tenant isolation, docs, query cost.

Every call authenticates with a personal token (``Authorization: Bearer sd_…``), as an
API client would; the outsider of organisation B (``bob``) gets 404 for every URL of
organisation A's ticket, exactly as for "not found".
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from supportdesk.api.models import ApiToken, hash_token
from supportdesk.tickets import actions
from supportdesk.tickets.models import Event, Message, Ticket
from tests.factories import make_ticket

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("steady_session_clock")]


class Api:
    """The test client speaking JSON with a user's bearer token."""

    def __init__(self, client, user=None, raw_key: str | None = None) -> None:
        self.client = client
        if raw_key is None and user is not None:
            _, raw_key = ApiToken.issue(user=user, name="tests")
        self.headers = {"Authorization": f"Bearer {raw_key}"} if raw_key else {}

    def get(self, path: str, params: dict[str, Any] | None = None):
        return self.client.get(f"/api/v1{path}", params or {}, headers=self.headers)

    def post(self, path: str, payload: dict[str, Any] | None = None):
        return self.client.post(
            f"/api/v1{path}",
            data=json.dumps(payload or {}),
            content_type="application/json",
            headers=self.headers,
        )


@pytest.fixture
def as_alice(client, alice):
    return Api(client, alice)


@pytest.fixture
def as_bob(client, bob):
    return Api(client, bob)


@pytest.fixture
def as_consultant(client, consultant):
    return Api(client, consultant)


@pytest.fixture
def as_dispatcher(client, dispatcher):
    return Api(client, dispatcher)


@pytest.fixture
def alices_ticket(alice):
    return make_ticket(alice, subject="Alice cannot post her invoice")


def state_of(ticket: Ticket) -> tuple[Any, ...]:
    ticket.refresh_from_db()
    return (
        ticket.status,
        ticket.assignee_id,
        ticket.updated_at,
        ticket.events.count(),
        ticket.messages.count(),
    )


# --- tokens ---------------------------------------------------------------------------------


def test_issued_token_is_shown_once_and_only_its_hash_is_stored(alice):
    token, raw = ApiToken.issue(user=alice, name=" laptop ")
    assert raw.startswith("sd_") and len(raw) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.name == "laptop"
    assert stored.key_hash == hash_token(raw) != raw
    assert raw not in {str(getattr(stored, f.attname)) for f in ApiToken._meta.fields}
    assert stored.hint == raw[:10]
    _, second = ApiToken.issue(user=alice, name="laptop")
    assert second != raw


def test_bearer_token_authenticates_as_its_user(client, alice):
    response = Api(client, alice).get("/me")
    assert response.status_code == 200
    assert response.json()["email"] == alice.email
    assert ApiToken.objects.get(user=alice).last_used_at is not None


@pytest.mark.parametrize("header", [None, "Bearer sd_not-a-real-token", "Basic Zm9vOmJhcg=="])
def test_missing_or_wrong_token_is_401(client, alice, header):
    ApiToken.issue(user=alice, name="real one")
    response = client.get("/api/v1/tickets", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_revoked_token_is_401(client, alice):
    token, raw = ApiToken.issue(user=alice, name="old laptop")
    api = Api(client, raw_key=raw)
    assert api.get("/me").status_code == 200
    token.revoke()
    assert api.get("/me").status_code == 401


def test_token_of_a_deactivated_user_is_401(client, alice):
    api = Api(client, alice)
    alice.is_active = False
    alice.save()
    assert api.get("/me").status_code == 401


# --- listing: filters and keyset pagination ---------------------------------------------------


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["number"] for item in response.json()["items"]]


def every_page(api: Api, **params: Any) -> list[str]:
    """Follow ``next_cursor`` to the end; every ticket number seen, in order."""
    seen: list[str] = []
    cursor = None
    for _ in range(100):
        response = api.get("/tickets", {**params, **({"cursor": cursor} if cursor else {})})
        seen += numbers(response)
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("next_cursor never ran out")


@pytest.fixture
def mixed_tickets(alice, bob, dispatcher, consultant):
    """Open and closed tickets of two organisations, some critical, some registered at the
    same instant (the queue order breaks the tie by id)."""
    base = timezone.now() - dt.timedelta(days=3)
    same = base + dt.timedelta(hours=5)
    made = []
    for i, (requester, registered, impact) in enumerate(
        [
            (alice, base, ""),
            (bob, same, ""),
            (alice, same, ""),
            (alice, same, "production_down"),
            (bob, base + dt.timedelta(hours=1), ""),
            (alice, base + dt.timedelta(hours=9), "month_end_tax"),
            (bob, same, ""),
            (alice, base + dt.timedelta(hours=2), ""),
            (bob, base + dt.timedelta(hours=7), "invoicing_blocked"),
            (alice, same, ""),
            (alice, base + dt.timedelta(hours=8), ""),
            (bob, base + dt.timedelta(hours=3), ""),
            (alice, base + dt.timedelta(hours=4), ""),
        ]
    ):
        ticket = make_ticket(
            requester,
            subject=f"Ticket {i}",
            kind="how_to" if i % 3 == 0 else "bug",
            impact=impact,
            registered_at=registered,
        )
        made.append(ticket)
    for ticket in made[1:4]:
        actions.ticket_assign(ticket=ticket, actor=dispatcher, assignee=consultant)
    for ticket in made[2:4]:
        actions.ticket_resolve(ticket=ticket, actor=consultant)
        actions.ticket_close(ticket=ticket, actor=ticket.requester)
    return made


def test_recent_order_pages_return_every_ticket_once_newest_first(as_dispatcher, mixed_tickets):
    seen = every_page(as_dispatcher, order="recent", limit=4)
    expected = [t.number for t in sorted(mixed_tickets, key=lambda t: -t.pk)]
    assert seen == expected


def test_queue_order_pages_return_every_open_ticket_once_in_queue_order(
    as_dispatcher, mixed_tickets
):
    seen = every_page(as_dispatcher, order="queue", limit=3)
    open_tickets = Ticket.objects.filter(pk__in=[t.pk for t in mixed_tickets]).exclude(
        status="closed"
    )
    expected = [
        t.number for t in sorted(open_tickets, key=lambda t: (t.queue_rank, t.registered_at, t.pk))
    ]
    assert seen == expected
    assert len(seen) == len(mixed_tickets) - 2
    # Critical tickets (not removed by the desk) come first.
    ranks = [Ticket.objects.get(pk=Ticket.pk_from_number(n)).queue_rank for n in seen]
    assert ranks == sorted(ranks) and ranks[0] == 0


def test_queue_pages_of_a_customer_hold_only_their_own_tickets(as_bob, bob, mixed_tickets):
    seen = every_page(as_bob, order="queue", limit=2)
    bobs = {t.number for t in mixed_tickets if t.requester == bob}
    assert set(seen) == bobs
    assert len(seen) == len(bobs)


def test_list_filters_by_status_open_kind_impact_organisation_and_assignee(
    as_dispatcher, mixed_tickets, org_b, consultant
):
    tickets = Ticket.objects.filter(pk__in=[t.pk for t in mixed_tickets])

    def expect(queryset) -> set[str]:
        return {t.number for t in queryset}

    def listed(**params) -> set[str]:
        return set(numbers(as_dispatcher.get("/tickets", {"limit": 200, **params})))

    assert listed(status=["new", "closed"]) == expect(tickets.filter(status__in=["new", "closed"]))
    assert listed(open="false") == expect(tickets.filter(status="closed"))
    assert listed(open="true") == expect(tickets.exclude(status="closed"))
    assert listed(kind="how_to") == expect(tickets.filter(kind="how_to"))
    assert listed(impact="production_down") == expect(tickets.filter(impact="production_down"))
    assert listed(organisation_id=org_b.pk) == expect(tickets.filter(organisation=org_b))
    assert listed(assignee_id=consultant.pk) == expect(tickets.filter(assignee=consultant))
    assert 0 < len(listed(status=["new"])) < len(mixed_tickets)


def test_customer_filtering_on_another_organisation_gets_nothing(as_alice, mixed_tickets, org_b):
    assert numbers(as_alice.get("/tickets", {"organisation_id": org_b.pk})) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"cursor": "not-a-cursor!"}, "cursor"),
        ({"cursor": "abc", "order": "queue"}, "cursor"),
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"order": "random"}, "order"),
    ],
    ids=["bad-recent-cursor", "bad-queue-cursor", "limit-0", "limit-201", "limit-text", "order"],
)
def test_bad_list_parameters_are_422_naming_the_parameter(as_alice, alices_ticket, params, field):
    response = as_alice.get("/tickets", params)
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert response.json()["detail"].startswith(f"{field}: ")


# --- create ------------------------------------------------------------------------------------


def test_customer_creates_a_ticket_for_their_own_organisation(as_alice, alice, org_b):
    response = as_alice.post(
        "/tickets",
        {
            "subject": "Cannot confirm S00042",
            "kind": "bug",
            "organisation_id": org_b.pk,
            "odoo_urls": ["https://alpha.odoo.com/odoo/sales/42"],
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()
    ticket = Ticket.objects.get()
    assert data["number"] == ticket.number
    assert ticket.organisation == alice.organisation != org_b
    assert ticket.requester == alice
    assert (data["channel"], data["status"]) == ("api", "new")
    assert {r["text"] for r in data["odoo_refs"]} == {
        "S00042",
        "https://alpha.odoo.com/odoo/sales/42",
    }
    assert [e["verb"] for e in data["events"]] == ["created"]


def test_staff_create_needs_the_organisation(as_dispatcher):
    response = as_dispatcher.post("/tickets", {"subject": "Phoned in"})
    assert response.status_code == 422
    assert response.json()["field"] == "organisation_id"
    assert Ticket.objects.count() == 0


def test_staff_create_for_an_organisation_with_a_requester(as_dispatcher, org_a, alice):
    response = as_dispatcher.post(
        "/tickets",
        {"subject": "Phoned in", "organisation_id": org_a.pk, "requester_email": alice.email},
    )
    assert response.status_code == 201
    ticket = Ticket.objects.get()
    assert (ticket.organisation, ticket.requester) == (org_a, alice)


def test_staff_create_refuses_a_requester_of_another_organisation(as_dispatcher, org_b, alice):
    response = as_dispatcher.post(
        "/tickets",
        {"subject": "Phoned in", "organisation_id": org_b.pk, "requester_email": alice.email},
    )
    assert response.status_code == 422
    assert response.json()["field"] == "requester_email"
    assert Ticket.objects.count() == 0


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"subject": "  "}, "subject"),
        ({}, "subject"),
        ({"subject": "x", "kind": "wishlist"}, "kind"),
        ({"subject": "x", "impact": "urgent!!"}, "impact"),
        ({"subject": "x", "contact_method": "phone"}, "contact_phone"),
        ({"subject": "x", "odoo_urls": ["https://example.com/page"]}, "odoo_urls"),
        ({"subject": "x", "odoo_urls": "https://alpha.odoo.com/odoo/sales/42"}, "odoo_urls"),
    ],
    ids=[
        "empty-subject",
        "missing-subject",
        "unknown-kind",
        "unknown-impact",
        "phone-without-number",
        "non-odoo-url",
        "urls-not-a-list",
    ],
)
def test_invalid_create_is_422_naming_the_field_and_creates_nothing(as_alice, payload, field):
    response = as_alice.post("/tickets", payload)
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert response.json()["detail"].startswith(f"{field}: ")
    assert Ticket.objects.count() == 0


# --- transitions ----------------------------------------------------------------------------


def test_ticket_lifecycle_through_the_api(
    as_dispatcher, as_consultant, as_alice, alices_ticket, consultant
):
    number = alices_ticket.number
    steps = [
        (as_dispatcher, "assign", {"assignee_id": consultant.pk}, "assigned"),
        (as_consultant, "start", {}, "in_progress"),
        (as_consultant, "wait", {"on": "customer", "reason": "screenshot?"}, "waiting_customer"),
        (as_alice, "resume", {}, "in_progress"),
        (as_consultant, "resolve", {"reason": "fixed"}, "resolved"),
        (as_alice, "reopen", {"reason": "not fixed"}, "in_progress"),
        (as_consultant, "resolve", {}, "resolved"),
        (as_alice, "close", {}, "closed"),
    ]
    for api, verb, payload, status in steps:
        response = api.post(f"/tickets/{number}/{verb}", payload)
        assert response.status_code == 200, (verb, response.content)
        assert response.json()["status"] == status
        alices_ticket.refresh_from_db()
        assert alices_ticket.status == status


@pytest.mark.parametrize(
    ("verb", "payload", "reason"),
    [
        ("start", {}, "status 'new' cannot go to 'in_progress': assign first"),
        ("close", {}, "status 'new' cannot go to 'closed'"),
        ("resume", {}, "status 'new' cannot go to 'in_progress': assign first"),
        ("reopen", {}, "status 'new' cannot be reopened: it is open"),
        ("wait", {"on": "customer"}, "status 'new' cannot go to 'waiting_customer'"),
    ],
)
def test_illegal_transition_is_409_with_the_reason_and_changes_nothing(
    as_consultant, alices_ticket, verb, payload, reason
):
    before = state_of(alices_ticket)
    response = as_consultant.post(f"/tickets/{alices_ticket.number}/{verb}", payload)
    assert response.status_code == 409
    assert reason in response.json()["detail"]
    assert state_of(alices_ticket) == before


def test_close_on_an_open_ticket_is_409(as_alice, alices_ticket, dispatcher, consultant):
    actions.ticket_assign(ticket=alices_ticket, actor=dispatcher, assignee=consultant)
    actions.ticket_start(ticket=alices_ticket, actor=consultant)
    before = state_of(alices_ticket)
    response = as_alice.post(f"/tickets/{alices_ticket.number}/close")
    assert response.status_code == 409
    assert response.json()["detail"] == "status 'in_progress' cannot go to 'closed'"
    assert state_of(alices_ticket) == before


def test_customer_may_not_assign_and_gets_403(as_alice, alices_ticket, consultant):
    before = state_of(alices_ticket)
    response = as_alice.post(
        f"/tickets/{alices_ticket.number}/assign", {"assignee_id": consultant.pk}
    )
    assert response.status_code == 403
    assert state_of(alices_ticket) == before


def test_assigning_to_someone_who_is_not_a_consultant_is_422(as_dispatcher, alices_ticket, alice):
    response = as_dispatcher.post(
        f"/tickets/{alices_ticket.number}/assign", {"assignee_id": alice.pk}
    )
    assert response.status_code == 422
    assert response.json()["field"] == "assignee_id"


# --- replies and internal notes ----------------------------------------------------------------


def test_customer_reply_is_201_and_public(as_alice, alices_ticket):
    response = as_alice.post(f"/tickets/{alices_ticket.number}/replies", {"body": "More info"})
    assert response.status_code == 201
    assert response.json()["internal"] is False
    assert response.json()["channel"] == "api"
    assert alices_ticket.messages.get().body == "More info"


def test_empty_reply_is_422_naming_body(as_alice, alices_ticket):
    response = as_alice.post(f"/tickets/{alices_ticket.number}/replies", {"body": " "})
    assert response.status_code == 422
    assert response.json()["field"] == "body"
    assert alices_ticket.messages.count() == 0


def test_customer_cannot_write_an_internal_note(as_alice, alices_ticket):
    response = as_alice.post(
        f"/tickets/{alices_ticket.number}/replies", {"body": "psst", "internal": True}
    )
    assert response.status_code == 403
    assert alices_ticket.messages.count() == 0


def test_internal_notes_are_never_in_the_customers_ticket_detail(
    as_consultant, as_alice, alices_ticket
):
    note = as_consultant.post(
        f"/tickets/{alices_ticket.number}/replies",
        {"body": "Customer misconfigured the fiscal position", "internal": True},
    )
    assert note.status_code == 201 and note.json()["internal"] is True
    as_consultant.post(f"/tickets/{alices_ticket.number}/replies", {"body": "We are on it"})

    staff_view = as_consultant.get(f"/tickets/{alices_ticket.number}").json()
    assert [m["internal"] for m in staff_view["messages"]] == [True, False]
    assert "noted" in [e["verb"] for e in staff_view["events"]]

    response = as_alice.get(f"/tickets/{alices_ticket.number}")
    assert response.status_code == 200
    assert [m["body"] for m in response.json()["messages"]] == ["We are on it"]
    assert "noted" not in [e["verb"] for e in response.json()["events"]]
    assert "fiscal position" not in response.content.decode()
    assert response.json()["assignment_due"] is None


# --- tenant isolation: one test per URL -------------------------------------------------------

TICKET_URLS = [
    ("get", "", None),
    ("post", "/replies", {"body": "hello"}),
    ("post", "/replies", {"body": "hello", "internal": True}),
    ("post", "/assign", {"assignee_id": 0}),
    ("post", "/start", {}),
    ("post", "/wait", {"on": "customer"}),
    ("post", "/resume", {}),
    ("post", "/resolve", {}),
    ("post", "/close", {}),
    ("post", "/reopen", {}),
]
TICKET_URL_IDS = [f"{method}{suffix or ' detail'}" for method, suffix, _ in TICKET_URLS]


def call(api: Api, method: str, path: str, payload: dict[str, Any] | None, assignee_id: int):
    if method == "get":
        return api.get(path)
    if payload and "assignee_id" in payload:
        payload = {**payload, "assignee_id": assignee_id}
    return api.post(path, payload)


@pytest.mark.parametrize(("method", "suffix", "payload"), TICKET_URLS, ids=TICKET_URL_IDS)
def test_outsider_gets_404_for_every_ticket_url(
    as_bob, alices_ticket, consultant, method, suffix, payload
):
    before = state_of(alices_ticket)
    path = f"/tickets/{alices_ticket.number}{suffix}"
    response = call(as_bob, method, path, payload, consultant.pk)
    assert response.status_code == 404
    assert response.json() == {"detail": "not found"}
    assert state_of(alices_ticket) == before


@pytest.mark.parametrize(("method", "suffix", "payload"), TICKET_URLS, ids=TICKET_URL_IDS)
def test_unknown_ticket_number_is_the_same_404(as_bob, consultant, method, suffix, payload):
    response = call(as_bob, method, f"/tickets/SD-99999{suffix}", payload, consultant.pk)
    assert response.status_code == 404
    assert response.json() == {"detail": "not found"}


def test_outsider_list_never_shows_the_other_organisations_tickets(
    as_bob, alice, bob, alices_ticket
):
    bobs = make_ticket(bob, subject="Bob's own")
    for params in ({}, {"order": "queue"}, {"open": "false"}, {"status": ["new"]}):
        assert numbers(as_bob.get("/tickets", params)) in ([bobs.number], [])
    assert alices_ticket.number not in numbers(as_bob.get("/tickets"))


def test_colleague_gets_404_unless_the_organisation_shares_tickets(
    client, alice_colleague, alices_ticket, org_a
):
    api = Api(client, alice_colleague)
    path = f"/tickets/{alices_ticket.number}"
    assert api.get(path).status_code == 404
    assert numbers(api.get("/tickets")) == []
    org_a.members_see_all = True
    org_a.save()
    assert api.get(path).status_code == 200
    assert numbers(api.get("/tickets")) == [alices_ticket.number]


def test_watching_colleague_sees_the_ticket(client, alice_colleague, alices_ticket):
    alices_ticket.watchers.add(alice_colleague)
    assert Api(client, alice_colleague).get(f"/tickets/{alices_ticket.number}").status_code == 200


# --- the OpenAPI document and the docs page ----------------------------------------------------


def test_openapi_document_lists_the_ticket_paths(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/v1/tickets",
        "/api/v1/tickets/{number}",
        "/api/v1/tickets/{number}/replies",
        "/api/v1/tickets/{number}/assign",
        "/api/v1/tickets/{number}/close",
    ]:
        assert path in paths
    assert set(paths["/api/v1/tickets"]) == {"get", "post"}


def test_docs_page_serves_swagger_from_our_own_static_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'src="/static/ninja/swagger-ui-bundle.js"' in page
    assert "/api/v1/openapi.json" in page
    assert "cdn" not in page.lower()
    assert "https://" not in page
    assert finders.find("ninja/swagger-ui-bundle.js") is not None
    assert finders.find("ninja/swagger-ui.css") is not None


# --- query count --------------------------------------------------------------------------

# Token lookup (with its user and organisation), the page of tickets (with organisation,
# requester and assignee joined), and their Odoo references: the same for any page size.
LIST_QUERIES = 3


@pytest.mark.parametrize("who", ["alice", "dispatcher"])
def test_ticket_list_costs_the_same_queries_for_5_and_50_of_60_tickets(
    request, client, alice, dispatcher, consultant, django_assert_num_queries, who
):
    request.getfixturevalue("org_a").members_see_all = True
    request.getfixturevalue("org_a").save()
    for i in range(60):
        ticket = make_ticket(
            alice,
            subject=f"Ticket {i} about S{i:05d}",
            description=f"https://alpha.odoo.com/odoo/sales/{i + 1}",
        )
        if i % 2:
            actions.ticket_assign(ticket=ticket, actor=dispatcher, assignee=consultant)
    api = Api(client, alice if who == "alice" else dispatcher)
    api.get("/me")  # records the token's first use, which is written at most once a minute
    for limit in (5, 50):
        for order in ("recent", "queue"):
            with django_assert_num_queries(LIST_QUERIES):
                response = api.get("/tickets", {"limit": limit, "order": order})
            items = response.json()["items"]
            assert len(items) == limit
            assert all(item["odoo_refs"] for item in items)
            assert any(item["assignee"] for item in items)


def test_ticket_list_items_are_what_the_schema_makes_of_each_ticket(
    client, alice, dispatcher, consultant
):
    # The list writes rows read with values() straight to JSON (api/rows.py); each item is
    # what TicketOut makes of the same ticket read as a model, hostile text included.
    from ninja.responses import NinjaJSONEncoder

    from supportdesk.api.api import _ticket_out
    from supportdesk.api.schemas import TicketOut

    hostile = "<script>alert(\"x\")</script> & 'quotes' \u2028 åäö"
    consultant.name = ""  # shown by e-mail, as get_full_name does
    consultant.save()
    made = [
        make_ticket(alice, subject=hostile, description="https://alpha.odoo.com/odoo/sales/7"),
        make_ticket(alice, subject="Plain", impact="production_down"),
        make_ticket(alice, subject="No references", description="nothing"),
    ]
    actions.ticket_assign(ticket=made[0], actor=dispatcher, assignee=consultant)
    api = Api(client, dispatcher)
    for order in ("recent", "queue"):
        items = api.get("/tickets", {"order": order}).json()["items"]
        tickets = {t.number: t for t in Ticket.objects.filter(pk__in=[t.pk for t in made])}
        assert {item["number"] for item in items} == set(tickets)
        for item in items:
            expected = TicketOut.model_validate(_ticket_out(tickets[item["number"]])).model_dump()
            assert item == json.loads(json.dumps(expected, cls=NinjaJSONEncoder))
    first = next(i for i in items if i["subject"] == hostile)
    assert first["assignee"]["name"] == consultant.email
    assert first["odoo_refs"]


def test_refused_calls_write_nothing_to_the_timeline(as_alice, alices_ticket):
    events, messages = Event.objects.count(), Message.objects.count()
    as_alice.post(f"/tickets/{alices_ticket.number}/start")
    as_alice.post(f"/tickets/{alices_ticket.number}/replies", {"body": ""})
    as_alice.post("/tickets", {"subject": ""})
    assert (Event.objects.count(), Message.objects.count()) == (events, messages)
