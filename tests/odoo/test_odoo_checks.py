"""Checking a ticket's Odoo references on the customer's instance (R2): does the record
exist, its display name, state and company; stored and shown to staff."""

from __future__ import annotations

import pytest

from supportdesk.core.errors import InvalidInput, PermissionDenied
from supportdesk.odoo import actions
from supportdesk.odoo.models import RecordCheck
from supportdesk.tickets.models import Event
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

# Odoo 16 still had the "Locked" (done) state for confirmed orders.
SALE_STATE = {
    "16.0+e": ("done", "Locked"),
    "17.0+e": ("sale", "Sales Order"),
    "18.0+e": ("sale", "Sales Order"),
    "19.0+e": ("sale", "Sales Order"),
}


def _checked(ticket, consultant, **kwargs) -> dict[str, RecordCheck]:
    return {
        c.reference.text: c
        for c in actions.reference_check(ticket=ticket, actor=consultant, **kwargs)
    }


@pytest.mark.parametrize("version", list(SALE_STATE))
def test_references_are_checked_on_each_version(
    odoo_server, make_instance, org_a, alice, consultant, version
):
    server = odoo_server(version)
    actions.instance_detect_version(instance=make_instance(server, org_a), actor=consultant)
    ticket = make_ticket(
        alice,
        subject="Order S00042 and invoice inv/2026/00012",
        description="Also S09999 which I cannot find.",
    )

    checks = _checked(ticket, consultant)

    order, invoice, missing = checks["S00042"], checks["inv/2026/00012"], checks["S09999"]
    assert (order.exists, order.model, order.record_id) == (True, "sale.order", 42)
    assert (order.display_name, order.company) == ("S00042", "Alpha AB")
    assert (order.state, order.state_label) == SALE_STATE[version]
    assert (invoice.exists, invoice.record_id, invoice.state_label) == (True, 12, "Posted")
    # Searched by name: a miss is "not found by this name", never "does not exist".
    assert missing.exists is False and missing.summary == "not found by this name"
    api_paths = {path for path, _ in server.requests}
    assert ("/json/2/sale.order/search_read" in api_paths) == (version == "19.0+e")


NUMBERED = ["account.move", "account.payment", "stock.picking", "mrp.production", "pos.order"]


def test_every_default_number_of_the_version_is_recognised_and_found(
    odoo, instance, alice, consultant
):
    """The numbers real databases of each version produce (journals, operation types, points
    of sale with multi-word names), written in a mail, are found on the instance."""
    names = [row["name"] for model in NUMBERED for row in odoo.records(model)]
    ticket = make_ticket(alice, subject="Several documents", description=", ".join(names))
    checks = _checked(ticket, consultant)
    assert sorted(checks) == sorted(names)
    assert {n: (c.exists, c.display_name) for n, c in checks.items()} == {
        n: (True, n) for n in names
    }


def test_a_pos_name_read_with_a_word_too_many_is_still_found(odoo, instance, alice, consultant):
    name = next(r["name"] for r in odoo.records("pos.order") if r["name"].startswith("Shop"))
    ticket = make_ticket(alice, subject=f"Kvitto {name}", description="")
    [check] = _checked(ticket, consultant).values()
    assert (check.reference.text, check.exists, check.display_name) == (
        f"Kvitto {name}",
        True,
        name,
    )


def test_a_record_missing_by_id_does_not_exist_one_missing_by_name_is_not_found_by_it(
    odoo, instance, alice, consultant
):
    ticket = make_ticket(
        alice, subject="S09999", description=f"{odoo.url}/web#id=99999&model=sale.order"
    )
    checks = list(_checked(ticket, consultant).values())
    summaries = sorted(c.summary for c in checks)
    assert summaries == ["no such record", "not found by this name"]


@pytest.mark.parametrize(
    ("version", "url", "expected"),
    [
        ("16.0+e", "/web#id=12&action=312&model=account.move&view_type=form", ("account.move", 12)),
        ("17.0+e", "/web#id=42&action=sale.action_quotations_with_onboarding", ("sale.order", 42)),
        ("18.0+e", "/odoo/sales/42", ("sale.order", 42)),
        ("18.0+e", "/odoo/action-423/43", ("sale.order", 43)),
        ("19.0+e", "/odoo/action-sale.action_quotations_with_onboarding/42", ("sale.order", 42)),
        ("19.0+e", "/odoo/invoicing/12", ("account.move", 12)),
        ("19.0+e", "/my/orders/43?access_token=abc", ("sale.order", 43)),
        ("17.0+e", "/mail/view?model=account.move&res_id=13", ("account.move", 13)),
    ],
)
def test_urls_are_checked_and_actions_resolved_to_their_model(
    odoo_server, make_instance, org_a, alice, consultant, version, url, expected
):
    server = odoo_server(version)
    actions.instance_detect_version(instance=make_instance(server, org_a), actor=consultant)
    ticket = make_ticket(alice, subject="Look at this", description=f"{server.url}{url}")

    (check,) = actions.reference_check(ticket=ticket, actor=consultant)

    assert check.error == ""
    assert (check.exists, check.model, check.record_id) == (True, *expected)
    assert check.display_name and check.company


def test_a_check_is_stored_and_kept_off_the_customer_timeline(instance, alice, consultant):
    ticket = make_ticket(alice, subject="S00043 is stuck", description="")
    (check,) = actions.reference_check(ticket=ticket, actor=consultant)
    assert RecordCheck.objects.get(pk=check.pk).summary == "S00043 · Quotation · Alpha Norge AS"
    event = Event.objects.get(ticket=ticket, verb="odoo_checked")
    assert event.public is False and event.new["checks"][0]["reference"] == "S00043"


def test_a_consultant_may_check_a_url_of_another_host_on_a_chosen_instance(
    instance, odoo, alice, consultant
):
    # The customer pasted a link to a host that is not configured (a staging copy, or
    # anything else): checking it on the chosen instance calls that instance only.
    ticket = make_ticket(alice, description="https://staging.acme.example/odoo/sale.order/42")
    (check,) = actions.reference_check(ticket=ticket, actor=consultant, instance=instance)
    assert (check.exists, check.display_name) == (True, "S00042")
    assert check.instance == instance


def test_an_instance_of_another_organisation_is_refused(
    odoo_server, make_instance, org_b, alice, consultant, instance
):
    other = make_instance(odoo_server(), org_b)
    ticket = make_ticket(alice)
    with pytest.raises(InvalidInput, match="is not an Odoo instance of Alpha AB"):
        actions.reference_check(ticket=ticket, actor=consultant, instance=other)


def test_an_instance_error_is_stored_with_the_check(instance, odoo, alice, consultant):
    ticket = make_ticket(alice, subject="S00042", description="")
    odoo.stop()
    (check,) = actions.reference_check(ticket=ticket, actor=consultant)
    assert check.exists is None and "cannot be reached" in check.error
    assert check.summary.startswith("not checked: ")


def test_a_record_name_without_a_model_is_not_looked_up(instance, alice, consultant):
    ticket = make_ticket(alice, subject="Work center", description="", references=["Assembly 3"])
    (check,) = actions.reference_check(ticket=ticket, actor=consultant)
    assert "not a document number of a known kind" in check.error


def test_without_an_instance_the_check_says_so(alice, consultant):
    ticket = make_ticket(alice)
    with pytest.raises(InvalidInput, match="has no Odoo instance configured"):
        actions.reference_check(ticket=ticket, actor=consultant)


def test_customers_do_not_run_checks(instance, alice):
    ticket = make_ticket(alice)
    with pytest.raises(PermissionDenied):
        actions.reference_check(ticket=ticket, actor=alice)
