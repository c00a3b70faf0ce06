"""Who owns the code of a model or field (R7), read from the instance's own registry.

``gather`` asks the instance (``ir.model``, ``ir.model.fields``, ``ir.model.data``,
``ir.module.module``); ``classify`` is a pure function of what it found, in this order:

0. when the API user may not read ``ir.module.module`` (only Settings administrators may),
   Studio and custom models and fields are still told (they need only ``ir.model``,
   ``ir.model.fields`` and ``ir.model.data``, open to every internal user); for a module's
   code the module is named and the owner left to the consultant, saying why;

1. the customer's own code or Studio: state ``manual``, an ``x_`` (``x_studio_``) name, an
   external id under ``studio_customization``, or a module by one of the customer's own
   authors (configured per instance);
2. the partner's localisation addons: the module's author names one of
   ``ODOO_PARTNER_AUTHORS``;
3. Odoo Enterprise: licence ``OEEL-1`` (or ``to_buy``);
4. Odoo Community: author Odoo S.A. and licence ``LGPL-3``;
5. anything else is a third-party app, named with its module and vendor (OCA modules
   included: the OCA, not Odoo S.A., maintains them).

The module that *created* a model or field is the one with its first external id in
``ir.model.data``; modules that only extend it are listed as evidence. Odoo gives a module
without a manifest author "Odoo S.A." and LGPL-3, so an unlabelled custom module looks like
Community: the explanation names the module so that a consultant can override.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from supportdesk.odoo.client import OdooAccessError, OdooClient
from supportdesk.tickets.models import CodeOwner

STUDIO_MODULE = "studio_customization"
ODOO_AUTHOR = "odoo s.a."
MODULE_FIELDS = ["name", "shortdesc", "author", "license", "state", "latest_version", "to_buy"]


class NotOnInstance(Exception):
    """The model or field does not exist on the instance."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


@dataclass(frozen=True)
class ModuleInfo:
    name: str
    shortdesc: str = ""
    author: str = ""
    licence: str = ""
    state: str = ""
    version: str = ""
    to_buy: bool = False

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> ModuleInfo:
        return cls(
            name=str(record.get("name") or ""),
            shortdesc=str(record.get("shortdesc") or ""),
            author=str(record.get("author") or ""),
            licence=str(record.get("license") or ""),
            state=str(record.get("state") or ""),
            version=str(record.get("latest_version") or ""),
            to_buy=bool(record.get("to_buy")),
        )


@dataclass(frozen=True)
class Facts:
    """What the instance says about one model or field."""

    model: str
    field: str = ""
    state: str = "base"  # of the field when one is named, else of the model
    model_state: str = "base"
    xml_modules: tuple[str, ...] = ()  # modules with an external id for it, first = creator
    modules: tuple[str, ...] = ()  # ir.model(.fields).modules: defining and extending
    module: ModuleInfo | None = None  # the creating module's ir.module.module record
    creator: str = ""  # the creating module's name, from ir.model.data
    module_unreadable: bool = False  # ir.module.module refused to the API user

    @property
    def subject(self) -> str:
        return f"{self.model}.{self.field}" if self.field else self.model

    def as_evidence(self) -> dict[str, Any]:
        module = self.module
        return {
            "model": self.model,
            "field": self.field,
            "state": self.state,
            "model_state": self.model_state,
            "xml_modules": list(self.xml_modules),
            "modules": list(self.modules),
            "creator": self.creator,
            "module_unreadable": self.module_unreadable,
            "module": None
            if module is None
            else {
                "name": module.name,
                "shortdesc": module.shortdesc,
                "author": module.author,
                "license": module.licence,
                "state": module.state,
                "latest_version": module.version,
                "to_buy": module.to_buy,
            },
        }


@dataclass(frozen=True)
class Classification:
    owner: str  # a CodeOwner value; "" when it cannot be told
    explanation: str
    module: str = ""
    vendor: str = ""
    licence: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)


def _names_author(author: str, names: Iterable[str]) -> str | None:
    """The configured name that the module's author string names as a whole phrase."""
    for name in names:
        name = name.strip()
        if name and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", author, re.IGNORECASE):
            return name
    return None


def classify(
    facts: Facts, *, partner_authors: Sequence[str], own_authors: Sequence[str] = ()
) -> Classification:
    """The code owner of ``facts`` (R7), in the order of the module docstring."""
    module = facts.module
    evidence = facts.as_evidence()

    def by_module(owner: str, explanation: str) -> Classification:
        return Classification(
            owner,
            explanation,
            module=module.name if module else "",
            vendor=module.author if module else "",
            licence=module.licence if module else "",
            evidence=evidence,
        )

    name = facts.field or facts.model
    custom_name = name.startswith("x_") or facts.model.startswith("x_")
    if name.startswith("x_studio_") or STUDIO_MODULE in facts.xml_modules:
        return Classification(
            CodeOwner.CUSTOMER,
            f"{facts.subject} was made with Odoo Studio: the customer's own customisation.",
            module=STUDIO_MODULE,
            evidence=evidence,
        )
    if facts.state == "manual" or facts.model_state == "manual" or custom_name:
        kind = "field" if facts.field else "model"
        return Classification(
            CodeOwner.CUSTOMER,
            f"{facts.subject} is a custom {kind} (created in the database, not by a "
            "module): the customer's own customisation.",
            evidence=evidence,
        )
    if module is None and facts.module_unreadable:
        return Classification(
            "",
            f"{facts.subject} was made by module {facts.creator}; the API user may not read "
            "that module's author and licence (ir.module.module needs the Settings group, "
            "Administration / Settings), so whether it is Odoo's, ours, the customer's or a "
            "vendor's cannot be told: choose the owner yourself, or give the API user that "
            "right.",
            module=facts.creator,
            evidence=evidence,
        )
    if module is None:
        return by_module(
            "",
            f"No installed module is recorded as creating {facts.subject}: "
            "choose the owner yourself.",
        )
    described = (
        f"module {module.name} ({module.shortdesc or module.name}) by "
        f"{module.author or 'an unnamed author'}, licence {module.licence or 'not stated'}"
    )
    if _names_author(module.author, own_authors):
        return by_module(
            CodeOwner.CUSTOMER, f"{facts.subject} comes from the customer's own {described}."
        )
    if _names_author(module.author, partner_authors):
        return by_module(
            CodeOwner.PARTNER, f"{facts.subject} comes from our localisation addons: {described}."
        )
    if module.licence.upper() == "OEEL-1" or module.to_buy:
        return by_module(
            CodeOwner.ODOO_ENTERPRISE, f"{facts.subject} comes from Odoo Enterprise: {described}."
        )
    if module.author.strip().lower() == ODOO_AUTHOR and module.licence.upper() == "LGPL-3":
        return by_module(
            CodeOwner.ODOO_COMMUNITY, f"{facts.subject} comes from Odoo Community: {described}."
        )
    return by_module(
        CodeOwner.THIRD_PARTY,
        f"{facts.subject} comes from a third-party app: {described}; "
        f"its vendor {module.author or 'not named'} supports it.",
    )


def _modules_list(value: Any) -> tuple[str, ...]:
    if not value or not isinstance(value, str):
        return ()
    return tuple(part.strip() for part in value.split(",") if part.strip())


def gather(client: OdooClient, model: str, field_name: str = "") -> Facts:
    """Read the registry records of ``model`` (and ``field_name``) from the instance."""
    found = client.search_read(
        "ir.model", [["model", "=", model]], ["model", "state", "modules"], limit=1
    )
    if not found:
        raise NotOnInstance(
            "model",
            _("%(model)s is not a model on %(where)s") % {"model": model, "where": client.where},
        )
    model_row = found[0]
    record_model, row = "ir.model", model_row
    if field_name:
        fields = client.search_read(
            "ir.model.fields",
            [["model", "=", model], ["name", "=", field_name]],
            ["name", "state", "modules"],
            limit=1,
        )
        if not fields:
            raise NotOnInstance(
                "field",
                _("%(model)s has no field %(field)s on %(where)s")
                % {"model": model, "field": field_name, "where": client.where},
            )
        record_model, row = "ir.model.fields", fields[0]
    data = client.call(
        "ir.model.data",
        "search_read",
        domain=[["model", "=", record_model], ["res_id", "=", row["id"]]],
        fields=["module", "name"],
        order="id",
        limit=50,
    )
    xml_modules = tuple(dict.fromkeys(str(d["module"]) for d in data or [] if d.get("module")))
    module: ModuleInfo | None = None
    unreadable = False
    creator = next((m for m in xml_modules if m not in ("__export__", "base_import")), None)
    if creator and creator != STUDIO_MODULE:
        try:
            modules = client.search_read(
                "ir.module.module", [["name", "=", creator]], MODULE_FIELDS, limit=1
            )
        except OdooAccessError:
            # Only Settings administrators (base.group_system) may read ir.module.module;
            # ir.model, ir.model.fields and ir.model.data are open to every internal user.
            modules, unreadable = [], True
        if modules:
            module = ModuleInfo.from_record(modules[0])
    return Facts(
        model=model,
        field=field_name,
        state=str(row.get("state") or "base"),
        model_state=str(model_row.get("state") or "base"),
        xml_modules=xml_modules,
        modules=_modules_list(row.get("modules")),
        module=module,
        creator=creator or "",
        module_unreadable=unreadable,
    )
