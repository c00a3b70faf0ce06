"""Code owner (R7) from the instance's ir.model, ir.model.fields, ir.model.data and
ir.module.module: each of the five owners, the order of the rules, and the override."""

from __future__ import annotations

import pytest

from supportdesk.core.errors import InvalidInput, PermissionDenied
from supportdesk.odoo import actions
from supportdesk.odoo.models import OwnerClassification
from supportdesk.odoo.ownership import Facts, ModuleInfo, classify
from supportdesk.tickets.models import CodeOwner, Event
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def bug(alice):
    return make_ticket(alice)


@pytest.mark.parametrize("version", ["16.0+e", "17.0+e", "18.0+e", "19.0+e"])
@pytest.mark.parametrize(
    ("model", "field", "owner", "module", "vendor"),
    [
        ("sale.order", "x_studio_delivery_window", CodeOwner.CUSTOMER, "studio_customization", ""),
        ("sale.order", "x_customer_po", CodeOwner.CUSTOMER, "", ""),
        ("x_fleet_vehicle", "", CodeOwner.CUSTOMER, "", ""),
        ("sale.order", "acme_route_code", CodeOwner.CUSTOMER, "acme_custom", "Acme IT"),
        (
            "account.move",
            "l10n_se_ocr_reference",
            CodeOwner.PARTNER,
            "l10n_se_linserv",
            "Linserv AB",
        ),
        ("l10n_se.sie.export", "", CodeOwner.PARTNER, "l10n_se_linserv", "Linserv AB"),
        ("helpdesk.ticket", "sla_ids", CodeOwner.ODOO_ENTERPRISE, "helpdesk", "Odoo S.A."),
        ("helpdesk.ticket", "", CodeOwner.ODOO_ENTERPRISE, "helpdesk", "Odoo S.A."),
        ("sale.order", "partner_id", CodeOwner.ODOO_COMMUNITY, "sale", "Odoo S.A."),
        ("sale.order", "", CodeOwner.ODOO_COMMUNITY, "sale", "Odoo S.A."),
        ("res.partner", "name", CodeOwner.ODOO_COMMUNITY, "base", "Odoo S.A."),
        (
            "product.brand",
            "name",
            CodeOwner.THIRD_PARTY,
            "product_brand",
            "Odoo Community Association (OCA)",
        ),
    ],
)
def test_each_owner_is_classified_from_the_instance(
    odoo_server, make_instance, org_a, consultant, bug, version, model, field, owner, module, vendor
):
    instance = make_instance(odoo_server(version), org_a, own_module_authors="Acme IT")
    actions.instance_detect_version(instance=instance, actor=consultant)

    row = actions.code_owner_classify(ticket=bug, actor=consultant, model=model, field=field)

    assert (row.owner, row.module) == (owner, module)
    assert vendor in row.vendor
    bug.refresh_from_db()
    assert bug.code_owner == owner
    if owner == CodeOwner.THIRD_PARTY:
        # The vendor and the module are named to the consultant.
        assert "product_brand" in row.explanation and "(OCA)" in row.explanation
        assert row.licence == "AGPL-3"


def test_the_evidence_lists_the_modules_that_extend_a_model(instance, consultant, bug):
    row = actions.code_owner_classify(ticket=bug, actor=consultant, model="sale.order")
    assert row.evidence["xml_modules"] == ["sale", "sale_management", "l10n_se_linserv"]
    major = instance.serie.split(".")[0]
    assert row.evidence["module"]["latest_version"].startswith(f"{major}.0.1.")


def test_without_configured_partner_authors_our_addons_are_a_third_party(
    instance, consultant, bug, settings
):
    settings.ODOO_PARTNER_AUTHORS = []
    row = actions.code_owner_classify(
        ticket=bug, actor=consultant, model="account.move", field="l10n_se_ocr_reference"
    )
    assert row.owner == CodeOwner.THIRD_PARTY


def test_a_partner_author_is_matched_as_a_whole_name_among_several():
    def owner(author: str) -> str:
        facts = Facts(
            model="account.move",
            field="x",
            xml_modules=("m",),
            module=ModuleInfo(name="m", author=author, licence="LGPL-3"),
        )
        return classify(facts, partner_authors=["Linserv AB"]).owner

    assert owner("Linserv AB, Odoo Community Association (OCA)") == CodeOwner.PARTNER
    assert owner("linserv ab") == CodeOwner.PARTNER
    assert owner("NotLinserv AB") == CodeOwner.THIRD_PARTY


def test_studio_comes_before_everything_else():
    # A Studio field on a model of our addons is still the customer's own.
    facts = Facts(
        model="account.move",
        field="x_studio_note",
        state="manual",
        xml_modules=("studio_customization",),
        module=ModuleInfo(name="l10n_se_linserv", author="Linserv AB", licence="LGPL-3"),
    )
    assert classify(facts, partner_authors=["Linserv AB"]).owner == CodeOwner.CUSTOMER


def test_enterprise_is_told_by_licence_before_the_author():
    facts = Facts(
        model="m",
        xml_modules=("helpdesk",),
        module=ModuleInfo(name="helpdesk", author="Odoo S.A.", licence="OEEL-1"),
    )
    assert classify(facts, partner_authors=[]).owner == CodeOwner.ODOO_ENTERPRISE


def test_an_unknown_model_or_field_is_a_clear_error(instance, consultant, bug):
    with pytest.raises(InvalidInput) as error:
        actions.code_owner_classify(ticket=bug, actor=consultant, model="sale.orders")
    assert error.value.field == "model" and "is not a model on" in error.value.reason
    with pytest.raises(InvalidInput) as error:
        actions.code_owner_classify(ticket=bug, actor=consultant, model="sale.order", field="nope")
    assert error.value.field == "field"
    with pytest.raises(InvalidInput, match="not an Odoo model name"):
        actions.code_owner_classify(ticket=bug, actor=consultant, model="sale.order/../x")


def test_a_consultant_overrides_with_a_reason(instance, consultant, bug):
    actions.code_owner_classify(ticket=bug, actor=consultant, model="sale.order")
    with pytest.raises(InvalidInput) as error:
        actions.code_owner_override(ticket=bug, actor=consultant, owner="partner", reason=" ")
    assert error.value.field == "reason"

    row = actions.code_owner_override(
        ticket=bug,
        actor=consultant,
        owner=CodeOwner.PARTNER,
        reason="The error is raised by our l10n_se_linserv override of _post()",
    )

    bug.refresh_from_db()
    assert bug.code_owner == CodeOwner.PARTNER
    assert row.source == OwnerClassification.Source.OVERRIDE and row.model == "sale.order"
    event = Event.objects.filter(ticket=bug, verb="updated").last()
    assert event.new == {"code_owner": "partner"}
    assert event.reason.startswith("The error is raised by our")


def test_an_override_stands_when_the_instance_is_asked_again(instance, consultant, bug):
    actions.code_owner_override(
        ticket=bug, actor=consultant, owner=CodeOwner.PARTNER, reason="our override of _post()"
    )
    row = actions.code_owner_classify(ticket=bug, actor=consultant, model="sale.order")
    bug.refresh_from_db()
    assert row.owner == CodeOwner.ODOO_COMMUNITY  # what the instance says is kept…
    assert bug.code_owner == CodeOwner.PARTNER  # …but the consultant's choice stands


def test_an_override_must_name_an_owner(consultant, bug):
    with pytest.raises(InvalidInput) as error:
        actions.code_owner_override(ticket=bug, actor=consultant, owner="", reason="why")
    assert error.value.field == "owner"


def test_customers_cannot_classify_or_override(instance, alice, bug):
    with pytest.raises(PermissionDenied):
        actions.code_owner_classify(ticket=bug, actor=alice, model="sale.order")
    with pytest.raises(PermissionDenied):
        actions.code_owner_override(ticket=bug, actor=alice, owner="customer", reason="mine")
