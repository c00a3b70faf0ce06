""" "Test connection": log in to an instance and say, in words, what the API user can read
and which features that leaves working. Reads only; the action in ``actions`` calls it.

Each model is tried with a one-row ``search_read``: Odoo checks the model's access rights
before anything else (odoo/addons/base/models/ir_model.py ``IrModelAccess.check``), so a
refusal is an AccessError (Fault 4, HTTP 403), and a model whose app is not installed is
"doesn't exist" (Fault 2, HTTP 404).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supportdesk.odoo.client import (
    OdooAccessError,
    OdooCallError,
    OdooClient,
    OdooError,
    VersionInfo,
)

READABLE, REFUSED, MISSING, FAILED = "readable", "refused", "missing", "failed"

# What the features read, with the minimum right that gives it (README "Rights the API user
# needs"). The models of R2 are those the recogniser links numbers and URLs to.
REFERENCE_MODELS = [
    ("sale.order", gettext_lazy("sales orders"), "Sales / User: Own Documents Only"),
    ("account.move", gettext_lazy("invoices and journal entries"), "Invoicing / Billing"),
    ("account.payment", gettext_lazy("payments"), "Invoicing / Billing"),
    ("purchase.order", gettext_lazy("purchase orders"), "Purchase / User"),
    ("stock.picking", gettext_lazy("transfers"), "Inventory / User"),
    ("mrp.production", gettext_lazy("manufacturing orders"), "Manufacturing / User"),
    ("pos.order", gettext_lazy("point-of-sale orders"), "Point of Sale / User"),
    ("helpdesk.ticket", gettext_lazy("helpdesk tickets"), "Helpdesk / User"),
    ("project.task", gettext_lazy("tasks"), "Project / User"),
    ("ir.actions.act_window", gettext_lazy("screens named in URLs"), "Internal User"),
]
OWNER_MODELS = [
    ("ir.model", gettext_lazy("models"), "Internal User"),
    ("ir.model.fields", gettext_lazy("fields"), "Internal User"),
    ("ir.model.data", gettext_lazy("external ids (which module made what)"), "Internal User"),
]
MODULE_MODEL = ("ir.module.module", gettext_lazy("modules (author, licence)"), "Settings")


@dataclass
class ModelAccess:
    model: str
    label: str
    right: str  # the group that gives it
    state: str  # READABLE, REFUSED, MISSING, FAILED
    detail: str = ""

    @property
    def line(self) -> str:
        text = {
            READABLE: _("can read %(what)s (%(model)s)"),
            REFUSED: _("may not read %(what)s (%(model)s): needs %(right)s"),
            MISSING: _("%(what)s (%(model)s): not installed"),
            FAILED: _("%(what)s (%(model)s) could not be read: %(detail)s"),
        }[self.state]
        return text % {
            "what": self.label,
            "model": self.model,
            "right": self.right,
            "detail": self.detail,
        }


@dataclass
class Feature:
    name: str
    works: str  # "yes", "partly", "no"
    explanation: str

    @property
    def line(self) -> str:
        verdict = {"yes": _("works"), "partly": _("works in part"), "no": _("does not work")}
        return f"{self.name}: {verdict[self.works]}. {self.explanation}".strip()


@dataclass
class ConnectionReport:
    instance: str
    logged_in: bool = False
    error: str = ""
    version: VersionInfo | None = None
    companies: list[str] | None = None
    models: list[ModelAccess] = field(default_factory=list)
    features: list[Feature] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.logged_in and all(f.works == "yes" for f in self.features)

    @property
    def lines(self) -> list[str]:
        """The report in words, one fact a line, in the active language."""
        if self.version is None or not self.logged_in:
            return [
                _("%(instance)s: no connection: %(error)s")
                % {
                    "instance": self.instance,
                    "error": self.error,
                }
            ]
        version = self.version
        edition = _("Enterprise") if version.enterprise else _("Community")
        lines = [
            _("%(instance)s: logged in; Odoo %(version)s %(edition)s over %(api)s.")
            % {
                "instance": self.instance,
                "version": version.server_version,
                "edition": edition,
                "api": "JSON-2" if version.api == "json2" else "XML-RPC",
            }
        ]
        if self.companies is None:
            lines.append(_("The API user may not read the companies."))
        else:
            lines.append(_("Companies: %(names)s.") % {"names": ", ".join(self.companies)})
        lines += [_("The API user %(access)s.") % {"access": m.line} for m in self.models]
        lines += [f.line for f in self.features]
        return lines


def _try(client: OdooClient, model: str, label: str, right: str) -> ModelAccess:
    access = ModelAccess(model, str(label), right, READABLE)
    try:
        client.search_read(model, [], ["id"], limit=1)
    except OdooAccessError:
        access.state = REFUSED
    except OdooCallError as exc:
        text = exc.message.lower()
        missing = "doesn't exist" in text or "does not exist" in text
        access.state = MISSING if missing else FAILED
        access.detail = "" if missing else exc.message
    except OdooError as exc:
        access.state, access.detail = FAILED, exc.message
    return access


def _features(report: ConnectionReport) -> list[Feature]:
    by_model = {m.model: m for m in report.models}
    refs = [by_model[m] for m, _label, _right in REFERENCE_MODELS]
    refused = [m.label for m in refs if m.state in (REFUSED, FAILED)]
    readable = [m.label for m in refs if m.state == READABLE]
    if not refused:
        checking = Feature(_("Checking references"), "yes", "")
    elif readable:
        checking = Feature(
            _("Checking references"),
            "partly",
            _("Found: %(yes)s; not: %(no)s.")
            % {"yes": ", ".join(readable), "no": ", ".join(refused)},
        )
    else:
        checking = Feature(_("Checking references"), "no", _("No document can be read."))
    owner_models = [by_model[m] for m, _label, _right in OWNER_MODELS]
    module = by_model[MODULE_MODEL[0]]
    if any(m.state != READABLE for m in owner_models):
        owner = Feature(
            _("Code-owner classification"),
            "no",
            _("It needs models, fields and external ids, which every internal user may read."),
        )
    elif module.state != READABLE:
        owner = Feature(
            _("Code-owner classification"),
            "partly",
            _(
                "Studio and custom fields are told; for a module's code only its name is "
                "known, because its author and licence need the Settings group: choose the "
                "owner yourself."
            ),
        )
    else:
        owner = Feature(_("Code-owner classification"), "yes", "")
    return [
        Feature(_("Version and login"), "yes", ""),
        checking,
        owner,
    ]


def connection_report(client: OdooClient, instance: str) -> ConnectionReport:
    """Log in and try what the features read; every answer goes into the report."""
    report = ConnectionReport(instance=instance)
    try:
        report.version = client.version()
        client.api = report.version.api
        client.check_login()
    except OdooError as exc:
        report.error = exc.message
        return report
    report.logged_in = True
    try:
        rows = client.search_read("res.company", [], ["name"], limit=50)
        report.companies = [str(row.get("name") or "") for row in rows]
    except OdooAccessError:
        report.companies = None
    for model, label, right in [*REFERENCE_MODELS, *OWNER_MODELS, MODULE_MODEL]:
        report.models.append(_try(client, model, str(label), right))
    report.features = _features(report)
    return report
