"""The Odoo endpoints under /api/v1: what staff do through them, and isolation — a user
of another organisation gets 404 for every URL of organisation A's ticket, customers get
404 for instances and releases, and 403 for staff actions on their own tickets."""

from __future__ import annotations

import datetime as dt

import pytest

from supportdesk.odoo import actions
from supportdesk.tickets.models import CodeOwner
from tests.factories import make_ticket
from tests.odoo.conftest import sale_order_summary
from tests.odoo.odoo_server import API_KEY, DATABASE, LOGIN, version_info

pytestmark = pytest.mark.django_db

RUNBOT = "https://runbot.odoo.com/runbot/bundle/17-0"


@pytest.fixture
def ticket(alice):
    return make_ticket(alice, subject="S00042 cannot be invoiced", description="")


def _ticket_urls(number: str) -> list[tuple[str, str, dict]]:
    return [
        ("get", f"/tickets/{number}/odoo", {}),
        ("post", f"/tickets/{number}/odoo/check", {}),
        ("post", f"/tickets/{number}/odoo/classify", {"model": "sale.order"}),
        ("post", f"/tickets/{number}/odoo/code-owner", {"owner": "customer", "reason": "x"}),
        ("post", f"/tickets/{number}/odoo/evidence", {"runbot_url": RUNBOT}),
        ("post", f"/tickets/{number}/odoo/upstream", {"reference": "OPW-1"}),
        ("post", f"/tickets/{number}/odoo/references", {"references": ["S00043"]}),
        ("delete", f"/tickets/{number}/odoo/references/{{ref}}", {}),
    ]


def test_another_organisation_gets_404_for_every_ticket_url(api, bob, ticket, instance):
    as_bob = api(bob)
    reference = ticket.odoo_refs.get()
    for method, path, payload in _ticket_urls(ticket.number):
        path = path.replace("{ref}", str(reference.pk))
        call = getattr(as_bob, method)
        response = call(path, payload) if method == "post" else call(path)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "not found"}


def test_another_organisation_gets_404_for_an_upstream_report(api, bob, alice, consultant, ticket):
    ticket = actions.code_owner_override(
        ticket=ticket, actor=consultant, owner="odoo_community", reason="standard sale"
    ).ticket
    from supportdesk.tickets import actions as ticket_actions

    ticket_actions.ticket_assign(ticket=ticket, actor=consultant, assignee=consultant)
    ticket_actions.ticket_start(ticket=ticket, actor=consultant)
    actions.bug_evidence_record(ticket=ticket, actor=consultant, runbot_url=RUNBOT)
    report = actions.bug_report_upstream(ticket=ticket, actor=consultant, reference="OPW-1")
    response = api(bob).post(f"/odoo/upstream/{report.pk}", {"state": "fixed"})
    assert response.status_code == 404
    assert api(alice).post(f"/odoo/upstream/{report.pk}", {"state": "fixed"}).status_code == 403


def test_customers_get_404_for_instances_and_releases(api, alice, instance, consultant):
    release = actions.patch_release_create(
        actor=consultant,
        module="l10n_se_linserv",
        version="17.0.1.5",
        release_date=dt.date(2026, 12, 1),
    )
    as_alice = api(alice)
    assert as_alice.get("/odoo/instances").json() == []
    assert as_alice.post(f"/odoo/instances/{instance.pk}/version").status_code == 404
    assert as_alice.get(f"/odoo/releases/{release.pk}").status_code == 404
    assert as_alice.post(f"/odoo/releases/{release.pk}/publish").status_code == 404
    assert (
        as_alice.post(f"/odoo/releases/{release.pk}/tickets", {"number": "SD-1"}).status_code == 404
    )


def test_the_customer_sees_the_odoo_side_of_their_ticket_but_runs_no_checks(
    api, alice, ticket, instance
):
    as_alice = api(alice)
    assert as_alice.get(f"/tickets/{ticket.number}/odoo").status_code == 200
    response = as_alice.post(f"/tickets/{ticket.number}/odoo/check")
    assert response.status_code == 403
    assert "only support staff" in response.json()["detail"]


def test_staff_check_classify_and_read_back(api, consultant, ticket, instance):
    as_consultant = api(consultant)

    checked = as_consultant.post(f"/tickets/{ticket.number}/odoo/check")
    assert checked.status_code == 200
    assert checked.json()[0]["summary"] == sale_order_summary(instance.server_version)

    classified = as_consultant.post(
        f"/tickets/{ticket.number}/odoo/classify",
        {"model": "sale.order", "field": "x_studio_delivery_window"},
    )
    assert classified.status_code == 200 and classified.json()["owner"] == "customer"

    detail = as_consultant.get(f"/tickets/{ticket.number}/odoo").json()
    assert detail["code_owner"] == CodeOwner.CUSTOMER
    assert detail["references"][0]["latest_check"]["display_name"] == "S00042"
    assert detail["classification"]["module"] == "studio_customization"


def test_invalid_input_names_the_field(api, consultant, ticket, instance):
    response = api(consultant).post(
        f"/tickets/{ticket.number}/odoo/evidence", {"runbot_url": "https://example.com/x"}
    )
    assert response.status_code == 422 and response.json()["field"] == "runbot_url"
    response = api(consultant).post(f"/tickets/{ticket.number}/odoo/check", {"instance_id": 999})
    assert response.status_code == 422 and response.json()["field"] == "instance_id"


def test_staff_configure_an_instance_and_the_key_is_never_returned(api, consultant, org_a, odoo):
    as_consultant = api(consultant)
    created = as_consultant.post(
        "/odoo/instances",
        {
            "organisation_id": org_a.pk,
            "name": "staging",
            "role": "staging",
            "url": odoo.url,
            "database": DATABASE,
            "login": LOGIN,
            "api_key": API_KEY,
        },
    )
    assert created.status_code == 201
    assert API_KEY not in created.content.decode()
    detected = as_consultant.post(f"/odoo/instances/{created.json()['id']}/version")
    assert detected.status_code == 200 and detected.json()["serie"] == version_info(odoo.version)[
        "server_serie"
    ].removeprefix("saas~")
    listed = as_consultant.get(f"/odoo/instances?organisation_id={org_a.pk}")
    assert [i["name"] for i in listed.json()] == ["staging"]
    assert API_KEY not in listed.content.decode()


def test_a_release_is_planned_linked_and_published_through_the_api(api, consultant, alice, ticket):
    from supportdesk.tickets import actions as ticket_actions

    ticket_actions.ticket_assign(ticket=ticket, actor=consultant, assignee=consultant)
    actions.code_owner_override(ticket=ticket, actor=consultant, owner="partner", reason="ours")
    as_consultant = api(consultant)
    release = as_consultant.post(
        "/odoo/releases",
        {"module": "l10n_se_linserv", "version": "17.0.1.6", "release_date": "2026-12-01"},
    ).json()
    linked = as_consultant.post(
        f"/odoo/releases/{release['id']}/tickets", {"number": ticket.number}
    )
    assert linked.json()["tickets"] == [ticket.number]
    published = as_consultant.post(f"/odoo/releases/{release['id']}/publish")
    assert published.status_code == 200 and published.json()["published_at"]
    detail = api(alice).get(f"/tickets/{ticket.number}/odoo").json()
    assert detail["patch_releases"][0]["version"] == "17.0.1.6"


def test_staff_add_and_remove_references(api, consultant, alice, ticket, odoo):
    as_consultant = api(consultant)
    added = as_consultant.post(
        f"/tickets/{ticket.number}/odoo/references",
        {"urls": [f"{odoo.url}/odoo/sale.order/43?debug=1"], "references": ["bill/2026/01/0001"]},
    )
    assert added.status_code == 200
    texts = {r["text"]: r for r in added.json()["references"]}
    assert set(texts) == {"S00042", f"{odoo.url}/odoo/sale.order/43?debug=1", "bill/2026/01/0001"}
    assert texts["bill/2026/01/0001"]["model"] == "account.move"

    removed = as_consultant.delete(
        f"/tickets/{ticket.number}/odoo/references/{texts['S00042']['id']}"
    )
    assert removed.status_code == 200
    assert "S00042" not in {r["text"] for r in removed.json()["references"]}
    event = ticket.events.get(verb="odoo_ref_removed")
    assert event.new == {"odoo_ref": "S00042"}

    bad = as_consultant.post(
        f"/tickets/{ticket.number}/odoo/references", {"urls": ["https://x.example/"]}
    )
    assert bad.status_code == 422 and bad.json()["field"] == "urls"
    as_alice = api(alice)
    reference = texts["bill/2026/01/0001"]["id"]
    assert (
        as_alice.delete(f"/tickets/{ticket.number}/odoo/references/{reference}").status_code == 403
    )
