"""Customers' Odoo instances against the protocol-level test server: versions 16 to 20,
XML-RPC before 19 and JSON-2 from 19, the API key encrypted at rest."""

from __future__ import annotations

import pytest
from django.db import connection

from supportdesk.core.errors import InvalidInput, PermissionDenied
from supportdesk.odoo import actions
from supportdesk.odoo.client import OdooClient
from supportdesk.odoo.models import OdooInstance
from tests.odoo.odoo_server import API_KEY, DATABASE, LOGIN, UID, FakeOdoo, dataset

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("version", "serie", "api"),
    [
        ("16.0+e", "16.0", "xmlrpc"),
        ("17.0+e", "17.0", "xmlrpc"),
        ("saas~17.2", "17.2", "xmlrpc"),
        ("18.0+e", "18.0", "xmlrpc"),
        ("19.0+e", "19.0", "json2"),
    ],
)
def test_version_is_detected_and_stored_with_the_api_to_use(
    odoo_server, make_instance, org_a, consultant, version, serie, api
):
    server = odoo_server(version)
    instance = make_instance(server, org_a)

    actions.instance_detect_version(instance=instance, actor=consultant)

    instance.refresh_from_db()
    assert (instance.server_version, instance.serie, instance.api) == (version, serie, api)
    assert instance.version_checked_at is not None and instance.last_error == ""
    assert ("/xmlrpc/2/common", "version") in server.requests
    # The login is proven too: XML-RPC authenticate, or a JSON-2 call with the key.
    proof = ("/json/2/res.users/context_get", "res.users.context_get")
    assert (
        proof in server.requests
        if api == "json2"
        else (("/xmlrpc/2/common", "authenticate") in server.requests)
    )


def test_an_instance_without_xml_rpc_is_read_from_web_version(
    odoo_server, make_instance, org_a, consultant
):
    server = odoo_server("20.0")
    instance = actions.instance_detect_version(
        instance=make_instance(server, org_a), actor=consultant
    )
    assert (instance.serie, instance.api) == ("20.0", "json2")
    assert ("/web/version", "version") in server.requests


def test_data_calls_use_xml_rpc_before_19_and_json_2_from_19(odoo_server):
    for version, path in (("18.0+e", "/xmlrpc/2/object"), ("19.0+e", "/json/2/sale.order/read")):
        server = odoo_server(version)
        client = OdooClient(url=server.url, database=DATABASE, login=LOGIN, api_key=API_KEY)
        client.api = client.version().api
        rows = client.read("sale.order", [42], ["name", "state"])
        assert rows == [{"id": 42, "name": "S00042", "state": "sale"}]
        assert server.requests[-1] == (path, "sale.order.read")


def test_json_2_names_the_database_when_the_host_serves_several(odoo_server):
    records = dataset("19.0")
    other = dataset("19.0")
    other["sale.order"][0]["display_name"] = "S00042 (staging)"
    server = odoo_server(
        "19.0+e",
        databases={
            "acme": {"users": {LOGIN: (UID, API_KEY)}, "records": records},
            "acme-staging": {"users": {LOGIN: (UID, "staging-key")}, "records": other},
        },
    )
    staging = OdooClient(
        url=server.url, database="acme-staging", login=LOGIN, api_key="staging-key", api="json2"
    )
    assert staging.read("sale.order", [42], ["display_name"])[0]["display_name"] == (
        "S00042 (staging)"
    )


def test_several_instances_per_organisation(odoo_server, make_instance, org_a):
    production = make_instance(odoo_server("17.0+e"), org_a, name="production")
    staging = make_instance(odoo_server("18.0+e"), org_a, name="staging", role="staging")
    assert list(org_a.odoo_instances.order_by("name")) == [production, staging]
    with pytest.raises(InvalidInput) as error:
        make_instance(odoo_server(), org_a, name="production")
    assert error.value.field == "name"


def test_the_api_key_is_encrypted_at_rest(odoo, make_instance, org_a):
    instance = make_instance(odoo, org_a)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT api_key_encrypted FROM odoo_odooinstance WHERE id = %s", [instance.pk]
        )
        (stored,) = cursor.fetchone()
    assert API_KEY not in stored and stored
    assert OdooInstance.objects.get(pk=instance.pk).api_key == API_KEY


def test_changing_an_instance_without_a_key_keeps_the_stored_key(
    odoo, make_instance, org_a, consultant
):
    instance = make_instance(odoo, org_a)
    changed = actions.instance_save(
        actor=consultant,
        organisation=org_a,
        instance=instance,
        name="production",
        url=odoo.url,
        database=DATABASE,
        login="other@acme.example",
        api_key="",
    )
    assert (changed.login, changed.api_key) == ("other@acme.example", API_KEY)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://acme.odoo.com",
        "https://acme.odoo.com/web#id=4",
        "https://me:pw@acme.odoo.com",
        "acme",
    ],
)
def test_an_instance_url_is_only_an_address(consultant, org_a, url):
    with pytest.raises(InvalidInput) as error:
        actions.instance_save(
            actor=consultant,
            organisation=org_a,
            name="production",
            url=url,
            database="acme",
            login=LOGIN,
            api_key=API_KEY,
        )
    assert error.value.field == "url"


def test_customers_cannot_configure_instances(alice, org_a, odoo):
    with pytest.raises(PermissionDenied):
        actions.instance_save(
            actor=alice,
            organisation=org_a,
            name="production",
            url=odoo.url,
            database=DATABASE,
            login=LOGIN,
            api_key=API_KEY,
        )


def test_a_server_that_is_down_is_a_clear_error_stored_on_the_instance(
    make_instance, org_a, consultant
):
    server = FakeOdoo().start()
    instance = make_instance(server, org_a)
    server.stop()  # nothing listens on the port any more
    with pytest.raises(InvalidInput) as error:
        actions.instance_detect_version(instance=instance, actor=consultant)
    assert "cannot be reached" in error.value.reason
    instance.refresh_from_db()
    assert "cannot be reached" in instance.last_error


def test_a_key_that_cannot_be_decrypted_is_a_clear_error(
    odoo, make_instance, org_a, consultant, settings
):
    instance = make_instance(odoo, org_a)
    settings.SECRET_KEY = "rotated-without-field-encryption-key"  # the derived key changes
    with pytest.raises(InvalidInput, match="enter the secret again"):
        actions.instance_detect_version(instance=instance, actor=consultant)
