"""Customers' Odoo instances: register or change one, detect its version, pick the one to ask."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from supportdesk.accounts.models import Organisation, User
from supportdesk.core import clock
from supportdesk.core.errors import InvalidInput
from supportdesk.odoo.client import OdooClient, OdooError, OdooRefused, check_base_url
from supportdesk.odoo.connection import ConnectionReport, connection_report
from supportdesk.odoo.models import OdooInstance
from supportdesk.tickets import kit
from supportdesk.tickets.models import OdooReference, Ticket


def instance_save(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    url: str,
    database: str,
    login: str,
    api_key: str = "",
    role: str = OdooInstance.Role.PRODUCTION,
    own_module_authors: str = "",
    instance: OdooInstance | None = None,
) -> OdooInstance:
    """Register or change a customer's Odoo instance; the API key is stored encrypted.

    An empty ``api_key`` keeps the stored one when changing an instance.
    """
    kit.require_staff(actor, _("configure Odoo instances"))
    name = kit.text("name", name, required=True, limit=60)
    database = kit.text("database", database, required=True, limit=63)
    login = kit.text("login", login, required=True, limit=200)
    url = kit.text("url", url, required=True, limit=200).rstrip("/")
    if role not in OdooInstance.Role.values:
        raise InvalidInput(
            "role", _("%(value)r is not one of production, staging, test") % {"value": role}
        )
    try:
        check_base_url(url)
    except OdooRefused as exc:
        raise InvalidInput("url", exc.message) from None
    if instance is None and not api_key:
        raise InvalidInput("api_key", _("is required for a new instance"))
    if instance is not None and instance.organisation_id != organisation.pk:
        raise InvalidInput("organisation", _("an instance cannot move to another organisation"))
    with transaction.atomic():
        if instance is None:
            if organisation.odoo_instances.filter(name=name).exists():
                raise InvalidInput(
                    "name",
                    _("%(organisation)s already has an instance %(name)r")
                    % {"organisation": organisation, "name": name},
                )
            instance = OdooInstance(organisation=organisation)
        else:
            instance = OdooInstance.objects.select_for_update().get(pk=instance.pk)
            if organisation.odoo_instances.filter(name=name).exclude(pk=instance.pk).exists():
                raise InvalidInput(
                    "name",
                    _("%(organisation)s already has an instance %(name)r")
                    % {"organisation": organisation, "name": name},
                )
            if (instance.url, instance.database) != (url, database):
                # Another server: what was detected about the old one no longer holds.
                instance.server_version = instance.serie = ""
                instance.version_checked_at = None
        instance.name, instance.role, instance.url = name, role, url
        instance.database, instance.login = database, login
        instance.own_module_authors = own_module_authors.strip()[:300]
        if api_key:
            instance.api_key = api_key.strip()
        instance.save()
    return instance


def instance_detect_version(*, instance: OdooInstance, actor: User) -> OdooInstance:
    """Ask the instance its version (XML-RPC ``version()``; JSON-2 from 19) and prove the
    login and API key work. The outcome, error included, is stored on the instance."""
    kit.require_staff(actor, _("check Odoo instances"))
    error = headline = ""
    info = None
    try:
        client = OdooClient.for_instance(instance)
        info = client.version()
        client.api = info.api
        client.check_login()
    except OdooError as exc:
        error, headline = exc.full, exc.message
    with transaction.atomic():
        instance = OdooInstance.objects.select_for_update().get(pk=instance.pk)
        instance.version_checked_at = clock.now()
        instance.last_error = error
        if info is not None:
            instance.server_version = info.server_version[:40]
            instance.serie = info.serie
            instance.api = info.api
        instance.save()
    if error:
        raise InvalidInput(
            "instance", _("%(instance)s: %(error)s") % {"instance": instance, "error": headline}
        )
    return instance


def instance_test_connection(*, instance: OdooInstance, actor: User) -> ConnectionReport:
    """ "Test connection": log in and report what the API user can read and which features
    that leaves working (``connection.connection_report``). The version found and the error,
    if any, are stored on the instance as ``instance_detect_version`` does."""
    kit.require_staff(actor, _("test Odoo connections"))
    try:
        client = OdooClient.for_instance(instance)
    except OdooError as exc:
        report = ConnectionReport(instance=str(instance), error=exc.message)
    else:
        report = connection_report(client, str(instance))
    with transaction.atomic():
        locked = OdooInstance.objects.select_for_update().get(pk=instance.pk)
        locked.version_checked_at = clock.now()
        locked.last_error = report.error
        if report.version is not None:
            locked.server_version = report.version.server_version[:40]
            locked.serie = report.version.serie
            locked.api = report.version.api
        locked.save()
    return report


def _instance_for(
    ticket: Ticket, reference: OdooReference | None, instance: OdooInstance | None
) -> OdooInstance:
    """The configured instance to ask: never the host a customer typed (no SSRF)."""
    instances = list(ticket.organisation.odoo_instances.all())
    if instance is not None:
        if instance.organisation_id != ticket.organisation_id:
            raise InvalidInput(
                "instance",
                _("is not an Odoo instance of %(organisation)s")
                % {"organisation": ticket.organisation},
            )
        return instance
    if not instances:
        raise InvalidInput(
            "instance",
            _("%(organisation)s has no Odoo instance configured")
            % {"organisation": ticket.organisation},
        )
    if reference is not None and reference.host:
        matching = [i for i in instances if i.host == reference.host.lower()]
        if not matching:
            raise InvalidInput(
                "instance",
                _(
                    "%(host)s is not a configured Odoo instance of %(organisation)s: "
                    "choose one of its instances to check it on"
                )
                % {"host": reference.host, "organisation": ticket.organisation},
            )
        return matching[0]
    production = [i for i in instances if i.role == OdooInstance.Role.PRODUCTION]
    return (production or instances)[0]
