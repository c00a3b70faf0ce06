"""What the protocol-level test server (``odoo_server.py``) holds: versions, users and groups,
access rights and records, shaped like a real Odoo 16-19 database.

Each shape names the Odoo source it copies, so it can be checked against Odoo itself.
"""

from __future__ import annotations

import re
from typing import Any

DATABASE = "acme"
LOGIN = "api@acme.example"
API_KEY = "4f1c0e8a9b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e"
UID = 2
# An integration user with ordinary rights: internal user plus the apps' user groups, not
# Settings (base.group_system). What a customer gives a partner when asked for "an API user".
LIMITED_LOGIN = "integration@acme.example"
LIMITED_KEY = "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b"
LIMITED_UID = 7
COMPANY = [1, "Alpha AB"]

# The versions the server imitates; the whole Odoo test suite runs on each.
VERSIONS = ["16.0+e", "17.0+e", "saas~17.2+e", "18.0+e", "19.0+e"]

# --- groups and access rights ------------------------------------------------------------
# Group names as res.groups display_name shows them ("<category>/<name>"), used in the
# AccessError text (odoo/addons/base/models/ir_model.py, IrModelAccess._make_access_error).
GROUPS = {
    "base.group_user": "User types/Internal User",
    "base.group_system": "Administration/Settings",
    "sales_team.group_sale_salesman": "Sales/User: Own Documents Only",
    "account.group_account_invoice": "Accounting/Billing",
    "point_of_sale.group_pos_user": "Point of Sale/User",
    "stock.group_stock_user": "Inventory/User",
    "mrp.group_mrp_user": "Manufacturing/User",
    "purchase.group_purchase_user": "Purchase/User",
    "helpdesk.group_helpdesk_user": "Helpdesk/User",
}
ADMIN_GROUPS = frozenset(GROUPS)
ORDINARY_GROUPS = ADMIN_GROUPS - {"base.group_system"}

# model: (description, groups that may read, groups that may create/write), after the
# modules' security/ir.model.access.csv. ir.module.module is readable by Settings only
# (base: access_ir_module_module_group_user, group_system); ir.model, ir.model.fields,
# ir.model.data, ir.actions.act_window, res.company by every internal user.
ACCESS: dict[str, tuple[str, frozenset[str], frozenset[str]]] = {
    "ir.module.module": ("Module", frozenset({"base.group_system"}), frozenset()),
    "ir.model": ("Models", frozenset({"base.group_user"}), frozenset()),
    "ir.model.fields": ("Fields", frozenset({"base.group_user"}), frozenset()),
    "ir.model.data": ("Model Data", frozenset({"base.group_user"}), frozenset()),
    "ir.actions.act_window": ("Action Window", frozenset({"base.group_user"}), frozenset()),
    "res.company": ("Companies", frozenset({"base.group_user"}), frozenset()),
    "res.users": ("User", frozenset({"base.group_user"}), frozenset()),
    "res.partner": ("Contact", frozenset({"base.group_user"}), frozenset({"base.group_user"})),
    "sale.order": (
        "Sales Order",
        frozenset({"sales_team.group_sale_salesman"}),
        frozenset({"sales_team.group_sale_salesman"}),
    ),
    "account.move": (
        "Journal Entry",
        frozenset({"account.group_account_invoice"}),
        frozenset({"account.group_account_invoice"}),
    ),
    "account.payment": (
        "Payments",
        frozenset({"account.group_account_invoice"}),
        frozenset({"account.group_account_invoice"}),
    ),
    "pos.order": ("Point of Sale Orders", frozenset({"point_of_sale.group_pos_user"}), frozenset()),
    "stock.picking": ("Transfer", frozenset({"stock.group_stock_user"}), frozenset()),
    "mrp.production": ("Production Order", frozenset({"mrp.group_mrp_user"}), frozenset()),
    "purchase.order": ("Purchase Order", frozenset({"purchase.group_purchase_user"}), frozenset()),
    "helpdesk.ticket": (
        "Helpdesk Ticket",
        frozenset({"helpdesk.group_helpdesk_user"}),
        frozenset(),
    ),
}


def parse_version(version: str) -> tuple[int, int, bool, bool]:
    """(major, minor, saas, enterprise) of "17.0+e", "saas~17.2+e", "19.0"."""
    match = re.match(r"(saas~)?(\d+)\.(\d+)", version)
    assert match, version
    return int(match.group(2)), int(match.group(3)), bool(match.group(1)), "+e" in version


def version_info(version: str) -> dict[str, Any]:
    """``version()`` as odoo/service/common.py exp_version answers it, from
    odoo/release.py: "17.0+e" is [17, 0, 0, "final", 0, "e"] and serie "17.0";
    "saas~17.2+e" is ["saas~17", 2, 0, "final", 0, "e"] and serie "saas~17.2"."""
    major, minor, saas, enterprise = parse_version(version)
    head: Any = f"saas~{major}" if saas else major
    return {
        "server_version": version,
        "server_version_info": [head, minor, 0, "final", 0, "e" if enterprise else ""],
        "server_serie": f"saas~{major}.{minor}" if saas else f"{major}.{minor}",
        "protocol_version": 1,
    }


def _m2o(record_id: int, name: str) -> list[Any]:
    return [record_id, name]


def _document(record_id: int, name: str, state: str, **more: Any) -> dict[str, Any]:
    return {
        "id": record_id,
        "name": name,
        "display_name": name,
        "state": state,
        "company_id": COMPANY,
        **more,
    }


def documents(major: int) -> dict[str, list[dict[str, Any]]]:
    """One record for every default sequence the recogniser knows (odoo/recognise.py), as
    the modules number them: account (journal codes INV, BILL, MISC, BNK1, CSH1, EXCH, STJ;
    payments P+journal; debit notes D+sequence from account_debit_note), stock picking types
    (IN, OUT, PICK, PACK, INT; QC, STOR, XD, POS from 18), mrp (MO, PC, SFP) and
    point_of_sale (pos.order name "<config>/0001" up to 17, "<config> - 00001" from 18)."""
    moves = [
        ("INV/2026/00012", "posted", "out_invoice"),
        ("BILL/2026/01/0001", "draft", "in_invoice"),
        ("CSH1/2026/00001", "posted", "entry"),
        ("EXCH/2026/01/0001", "posted", "entry"),
        ("STJ/2026/01/0001", "posted", "entry"),
        ("DINV/2026/00001", "posted", "out_invoice"),
    ]
    stock = ["WH/IN/00005", "WH/OUT/00005", "WH/PC/00001", "WH/SFP/00001"]
    if major >= 18:
        stock += ["WH/QC/00001", "WH/STOR/00001", "WH/XD/00001", "WH/POS/00001"]
    pos = ["Furniture Shop", "Restaurant", "Shop"]
    pos_names = [f"{p}/0001" if major <= 17 else f"{p} - 00001" for p in pos]
    return {
        "account.move": [
            _document(12 + n, name, state, move_type=kind)
            for n, (name, state, kind) in enumerate(moves)
        ],
        "account.payment": [_document(30, "PCSH1/2026/00001", "posted")],
        "stock.picking": [_document(50 + n, name, "done") for n, name in enumerate(stock)],
        "mrp.production": [_document(70, "WH/MO/00001", "confirmed")],
        "pos.order": [
            _document(90 + n, name, "paid", pos_reference=f"Order 00012-00{n + 1}-0004")
            for n, name in enumerate(pos_names)
        ],
    }


def dataset(version: str) -> dict[str, list[dict[str, Any]]]:
    """Records of one database, shaped like the given Odoo version's."""
    major, minor, _saas, enterprise = parse_version(version)
    module_version = f"{major}.0.1.{minor + 2}"
    sale_state = "done" if major <= 16 else "sale"  # sale.order "Locked" state until 16
    records: dict[str, list[dict[str, Any]]] = {
        "sale.order": [
            _document(42, "S00042", sale_state, partner_id=_m2o(7, "Gemini Furniture"))
            | {"amount_total": 1250.0},
            _document(43, "S00043", "draft", partner_id=_m2o(8, "Deco Addict"))
            | {"company_id": _m2o(2, "Alpha Norge AS"), "amount_total": 90.0},
        ],
        **documents(major),
        "ir.actions.act_window": [
            {"id": 423, "name": "Quotations", "res_model": "sale.order"},
            {"id": 312, "name": "Invoices", "res_model": "account.move"},
        ],
        "res.users": [
            {"id": UID, "name": "API", "login": LOGIN, "display_name": "API"},
            {"id": LIMITED_UID, "name": "Integration", "login": LIMITED_LOGIN},
        ],
        "res.company": [
            {"id": 1, "name": "Alpha AB", "display_name": "Alpha AB"},
            {"id": 2, "name": "Alpha Norge AS", "display_name": "Alpha Norge AS"},
        ],
        "res.partner": [{"id": 7, "name": "Gemini Furniture", "display_name": "Gemini Furniture"}],
    }
    if (major, minor) >= (17, 2):  # ir.actions paths arrived in saas~17.2
        records["ir.actions.act_window"][0]["path"] = "sales"
        records["ir.actions.act_window"][1]["path"] = "invoicing"
    records.update(_registry(module_version, enterprise))
    return records


def _registry(module_version: str, enterprise: bool) -> dict[str, list[dict[str, Any]]]:
    models = [
        (101, "sale.order", "base", "sale, sale_management, l10n_se_linserv"),
        (102, "account.move", "base", "account, l10n_se_linserv"),
        (103, "res.partner", "base", "base, account, sale"),
        (104, "helpdesk.ticket", "base", "helpdesk"),
        (105, "product.brand", "base", "product_brand"),
        (106, "x_fleet_vehicle", "manual", ""),
        (107, "l10n_se.sie.export", "base", "l10n_se_linserv"),
    ]
    fields = [
        (1001, "sale.order", "partner_id", "base", "sale"),
        (1002, "sale.order", "x_studio_delivery_window", "manual", ""),
        (1003, "sale.order", "x_customer_po", "manual", ""),
        (1004, "account.move", "l10n_se_ocr_reference", "base", "l10n_se_linserv"),
        (1005, "helpdesk.ticket", "sla_ids", "base", "helpdesk"),
        (1006, "product.brand", "name", "base", "product_brand"),
        (1007, "sale.order", "acme_route_code", "base", "acme_custom"),
        (1008, "res.partner", "name", "base", "base"),
        (1009, "sale.order", "state", "base", "sale"),
        (1010, "account.move", "invoice_date", "base", "account"),
    ]
    xmlids = [
        ("sale", "model_sale_order", "ir.model", 101),
        ("sale_management", "model_sale_order", "ir.model", 101),
        ("l10n_se_linserv", "model_sale_order", "ir.model", 101),
        ("account", "model_account_move", "ir.model", 102),
        ("l10n_se_linserv", "model_account_move", "ir.model", 102),
        ("base", "model_res_partner", "ir.model", 103),
        ("helpdesk", "model_helpdesk_ticket", "ir.model", 104),
        ("product_brand", "model_product_brand", "ir.model", 105),
        ("l10n_se_linserv", "model_l10n_se_sie_export", "ir.model", 107),
        ("sale", "field_sale_order__partner_id", "ir.model.fields", 1001),
        (
            "studio_customization",
            "field_sale_order__x_studio_delivery_window",
            "ir.model.fields",
            1002,
        ),
        ("l10n_se_linserv", "field_account_move__l10n_se_ocr_reference", "ir.model.fields", 1004),
        ("helpdesk", "field_helpdesk_ticket__sla_ids", "ir.model.fields", 1005),
        ("product_brand", "field_product_brand__name", "ir.model.fields", 1006),
        ("acme_custom", "field_sale_order__acme_route_code", "ir.model.fields", 1007),
        ("base", "field_res_partner__name", "ir.model.fields", 1008),
        ("sale", "field_sale_order__state", "ir.model.fields", 1009),
        ("account", "field_account_move__invoice_date", "ir.model.fields", 1010),
        ("sale", "action_quotations_with_onboarding", "ir.actions.act_window", 423),
        ("account", "action_move_out_invoice_type", "ir.actions.act_window", 312),
    ]
    # Installed modules are never to_buy: Odoo sets to_buy only on the upsell stubs that a
    # Community database lists for Enterprise apps (odoo/addons/base/models/ir_module.py,
    # update_list reads it from the manifest's "to_buy"; the stubs are uninstallable).
    modules = [
        ("base", "Base", "Odoo S.A.", "LGPL-3", "installed"),
        ("sale", "Sales", "Odoo S.A.", "LGPL-3", "installed"),
        ("sale_management", "Sales Management", "Odoo S.A.", "LGPL-3", "installed"),
        ("account", "Invoicing", "Odoo S.A.", "LGPL-3", "installed"),
        ("helpdesk", "Helpdesk", "Odoo S.A.", "OEEL-1", "installed"),
        ("web_studio", "Studio", "Odoo S.A.", "OEEL-1", "installed"),
        ("l10n_se_linserv", "Sweden - Linserv localisation", "Linserv AB", "LGPL-3", "installed"),
        (
            "product_brand",
            "Product Brand Manager",
            "NetAndCo, Akretion, Prisme Solutions Informatique SA, "
            "Odoo Community Association (OCA)",
            "AGPL-3",
            "installed",
        ),
        ("acme_custom", "Acme customisations", "Acme IT", "LGPL-3", "installed"),
    ]
    module_rows = [
        {
            "id": n,
            "name": name,
            "shortdesc": desc,
            "author": author,
            "license": licence,
            "state": state,
            "latest_version": module_version,
            "to_buy": False,
            "display_name": desc,
        }
        for n, (name, desc, author, licence, state) in enumerate(modules, start=1)
    ]
    if not enterprise:  # a Community database lists an Enterprise app as an upsell stub
        module_rows.append(
            {
                "id": 99,
                "name": "sale_subscription",
                "shortdesc": "Subscriptions",
                "author": "Odoo S.A.",
                "license": "OEEL-1",
                "state": "uninstallable",
                "latest_version": False,
                "to_buy": True,
                "display_name": "Subscriptions",
            }
        )
    return {
        "ir.model": [
            {"id": i, "model": m, "name": m, "state": s, "modules": mods, "display_name": m}
            for i, m, s, mods in models
        ],
        "ir.model.fields": [
            {"id": i, "model": m, "name": n, "state": s, "modules": mods, "display_name": n}
            for i, m, n, s, mods in fields
        ],
        "ir.model.data": [
            {"id": n, "module": mod, "name": name, "model": model, "res_id": res_id}
            for n, (mod, name, model, res_id) in enumerate(xmlids, start=1)
        ],
        "ir.module.module": module_rows,
    }


def schema(version: str) -> dict[str, dict[str, dict[str, Any]]]:
    """``fields_get`` of the business models (type, label, selection)."""
    major = parse_version(version)[0]
    sale_states = [["draft", "Quotation"], ["sent", "Quotation Sent"], ["sale", "Sales Order"]]
    if major <= 16:
        sale_states.append(["done", "Locked"])
    sale_states.append(["cancel", "Cancelled"])
    common = {
        "id": {"type": "integer", "string": "ID"},
        "display_name": {"type": "char", "string": "Display Name"},
        "name": {"type": "char", "string": "Name"},
    }
    document = {**common, "company_id": {"type": "many2one", "string": "Company"}}
    move_fields = ["ref", "partner_id", "invoice_date", "narration", "invoice_line_ids"]
    return {
        "sale.order": {
            **document,
            "state": {"type": "selection", "string": "Status", "selection": sale_states},
            "partner_id": {"type": "many2one", "string": "Customer"},
            "amount_total": {"type": "monetary", "string": "Total"},
        },
        "account.move": {
            **document,
            "state": {
                "type": "selection",
                "string": "Status",
                "selection": [["draft", "Draft"], ["posted", "Posted"], ["cancel", "Cancelled"]],
            },
            "move_type": {"type": "selection", "string": "Type", "selection": []},
            **{name: {"type": "char", "string": name} for name in move_fields},
        },
        "pos.order": {
            **document,
            "pos_reference": {"type": "char", "string": "Receipt Number"},
            "state": {
                "type": "selection",
                "string": "Status",
                "selection": [["draft", "New"], ["paid", "Paid"], ["done", "Posted"]],
            },
        },
        "res.users": {**common, "login": {"type": "char", "string": "Login"}},
    }
