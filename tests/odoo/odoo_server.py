"""A protocol-level Odoo server for the tests: the External API, not Odoo.

It speaks what the client uses, as Odoo 16-19 do:

- ``POST /xmlrpc/2/common``: ``version()``, ``authenticate(db, login, key, {})``;
- ``POST /xmlrpc/2/object``: ``execute_kw(db, uid, key, model, method, args, kwargs)`` with
  ``search_read``, ``search``, ``search_count``, ``read``, ``fields_get`` and
  ``res.users.context_get``; faults with Odoo's codes (3 for AccessDenied);
- ``POST /json/2/<model>/<method>`` (19 and later) with ``Authorization: Bearer <key>``
  and ``X-Odoo-Database``, a JSON body of named arguments, JSON errors with 4xx;
- ``GET /web/version``; a server "20" has no XML-RPC (its removal is announced).

Records are shaped like Odoo's for ``sale.order``, ``account.move``, ``ir.model``,
``ir.model.fields``, ``ir.model.data``, ``ir.module.module`` and
``ir.actions.act_window``, with the differences between versions that matter here
(``sale.order`` state ``done`` until 16, action ``path`` from 17.2, version strings).

It listens on 127.0.0.1 on a free port, in a thread; ``delay`` makes it slow and
``redirect_to`` makes every answer a redirect, for the guard tests.
"""

from __future__ import annotations

import copy
import json
import re
import threading
import time
import xmlrpc.client
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DATABASE = "acme"
LOGIN = "api@acme.example"
API_KEY = "4f1c0e8a9b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e"
UID = 2
COMPANY = [1, "Alpha AB"]


def version_info(version: str) -> dict[str, Any]:
    """``version()`` as Odoo answers it: "17.0+e", "saas~17.2", "19.0+e"…"""
    match = re.match(r"(?:saas~)?(\d+)\.(\d+)", version)
    assert match, version
    major, minor = int(match.group(1)), int(match.group(2))
    saas = version.startswith("saas~")
    head: Any = f"saas~{major}" if saas else major
    return {
        "server_version": version,
        "server_version_info": [head, minor, 0, "final", 0, "" if saas else "e"],
        "server_serie": f"saas~{major}.{minor}" if saas else f"{major}.{minor}",
        "protocol_version": 1,
    }


def _m2o(record_id: int, name: str) -> list[Any]:
    return [record_id, name]


def dataset(version: str) -> dict[str, list[dict[str, Any]]]:
    """Records of one database, shaped like the given Odoo version's."""
    match = re.match(r"(?:saas~)?(\d+)\.(\d+)", version)
    assert match
    major, minor = int(match.group(1)), int(match.group(2))
    module_version = f"{major}.0.1.{minor + 2}"
    sale_state = "done" if major <= 16 else "sale"
    records: dict[str, list[dict[str, Any]]] = {
        "sale.order": [
            {
                "id": 42,
                "name": "S00042",
                "display_name": "S00042",
                "state": sale_state,
                "company_id": COMPANY,
                "partner_id": _m2o(7, "Gemini Furniture"),
                "amount_total": 1250.0,
            },
            {
                "id": 43,
                "name": "S00043",
                "display_name": "S00043",
                "state": "draft",
                "company_id": _m2o(2, "Alpha Norge AS"),
                "partner_id": _m2o(8, "Deco Addict"),
                "amount_total": 90.0,
            },
        ],
        "account.move": [
            {
                "id": 12,
                "name": "INV/2026/00012",
                "display_name": "INV/2026/00012",
                "state": "posted",
                "move_type": "out_invoice",
                "company_id": COMPANY,
            },
            {
                "id": 13,
                "name": "BILL/2026/01/0001",
                "display_name": "BILL/2026/01/0001",
                "state": "draft",
                "move_type": "in_invoice",
                "company_id": COMPANY,
            },
        ],
        "ir.actions.act_window": [
            {"id": 423, "name": "Quotations", "res_model": "sale.order"},
            {"id": 312, "name": "Invoices", "res_model": "account.move"},
        ],
        "res.users": [{"id": UID, "name": "API", "login": LOGIN, "display_name": "API"}],
    }
    if (major, minor) >= (17, 2):  # ir.actions paths arrived in saas~17.2
        records["ir.actions.act_window"][0]["path"] = "sales"
        records["ir.actions.act_window"][1]["path"] = "invoicing"

    models = [
        (101, "sale.order", "base", "sale, sale_management, l10n_se_linserv"),
        (102, "account.move", "base", "account, l10n_se_linserv"),
        (103, "res.partner", "base", "base, account, sale"),
        (104, "helpdesk.ticket", "base", "helpdesk"),
        (105, "product.brand", "base", "product_brand"),
        (106, "x_fleet_vehicle", "manual", ""),
        (107, "l10n_se.sie.export", "base", "l10n_se_linserv"),
    ]
    records["ir.model"] = [
        {"id": i, "model": m, "name": m, "state": s, "modules": mods, "display_name": m}
        for i, m, s, mods in models
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
    records["ir.model.fields"] = [
        {"id": i, "model": m, "name": n, "state": s, "modules": mods, "display_name": n}
        for i, m, n, s, mods in fields
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
    records["ir.model.data"] = [
        {"id": n, "module": mod, "name": name, "model": model, "res_id": res_id}
        for n, (mod, name, model, res_id) in enumerate(xmlids, start=1)
    ]
    modules = [
        ("base", "Base", "Odoo S.A.", "LGPL-3", False),
        ("sale", "Sales", "Odoo S.A.", "LGPL-3", False),
        ("sale_management", "Sales Management", "Odoo S.A.", "LGPL-3", False),
        ("account", "Invoicing", "Odoo S.A.", "LGPL-3", False),
        ("helpdesk", "Helpdesk", "Odoo S.A.", "OEEL-1", True),
        ("web_studio", "Studio", "Odoo S.A.", "OEEL-1", True),
        ("l10n_se_linserv", "Sweden - Linserv localisation", "Linserv AB", "LGPL-3", False),
        (
            "product_brand",
            "Product Brand Manager",
            "NetAndCo, Akretion, Prisme Solutions Informatique SA, "
            "Odoo Community Association (OCA)",
            "AGPL-3",
            False,
        ),
        ("acme_custom", "Acme customisations", "Acme IT", "LGPL-3", False),
    ]
    records["ir.module.module"] = [
        {
            "id": n,
            "name": name,
            "shortdesc": desc,
            "author": author,
            "license": licence,
            "state": "installed",
            "latest_version": module_version,
            "to_buy": to_buy,
            "display_name": desc,
        }
        for n, (name, desc, author, licence, to_buy) in enumerate(modules, start=1)
    ]
    return records


def schema(version: str) -> dict[str, dict[str, dict[str, Any]]]:
    """``fields_get`` of the business models (type, label, selection)."""
    major = int(re.match(r"(?:saas~)?(\d+)", version).group(1))  # type: ignore[union-attr]
    sale_states = [["draft", "Quotation"], ["sent", "Quotation Sent"], ["sale", "Sales Order"]]
    if major <= 16:
        sale_states.append(["done", "Locked"])
    sale_states.append(["cancel", "Cancelled"])
    common = {
        "id": {"type": "integer", "string": "ID"},
        "display_name": {"type": "char", "string": "Display Name"},
        "name": {"type": "char", "string": "Name"},
    }
    return {
        "sale.order": {
            **common,
            "state": {"type": "selection", "string": "Status", "selection": sale_states},
            "company_id": {"type": "many2one", "string": "Company"},
            "partner_id": {"type": "many2one", "string": "Customer"},
            "amount_total": {"type": "monetary", "string": "Total"},
        },
        "account.move": {
            **common,
            "state": {
                "type": "selection",
                "string": "Status",
                "selection": [["draft", "Draft"], ["posted", "Posted"], ["cancel", "Cancelled"]],
            },
            "move_type": {"type": "selection", "string": "Type", "selection": []},
            "company_id": {"type": "many2one", "string": "Company"},
        },
        "res.users": {**common, "login": {"type": "char", "string": "Login"}},
    }


class OdooFault(Exception):
    def __init__(self, code: int, message: str, status: int = 200) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def _like(pattern: str, value: Any, *, exact: bool, ignore_case: bool) -> bool:
    if not isinstance(value, str):
        return False
    regex = "".join(
        ".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in str(pattern)
    )
    if not exact:
        regex = f".*{regex}.*"
    return re.fullmatch(regex, value, re.IGNORECASE if ignore_case else 0) is not None


def _matches(record: dict[str, Any], domain: list[Any]) -> bool:
    for term in domain:
        if term == "&":
            continue
        if isinstance(term, str):
            raise OdooFault(1, f"ValueError: domain operator {term!r} not supported here")
        name, op, value = term
        field_value = record.get(name)
        if isinstance(field_value, list) and len(field_value) == 2:
            field_value = field_value[0]  # many2one compares by id
        ok = {
            "=": lambda v=value, f=field_value: f == v,
            "!=": lambda v=value, f=field_value: f != v,
            "in": lambda v=value, f=field_value: f in v,
            "not in": lambda v=value, f=field_value: f not in v,
            "=ilike": lambda v=value, f=field_value: _like(v, f, exact=True, ignore_case=True),
            "=like": lambda v=value, f=field_value: _like(v, f, exact=True, ignore_case=False),
            "ilike": lambda v=value, f=field_value: _like(v, f, exact=False, ignore_case=True),
            "like": lambda v=value, f=field_value: _like(v, f, exact=False, ignore_case=False),
        }.get(op)
        if ok is None:
            raise OdooFault(1, f"ValueError: Invalid domain operator {op!r}")
        if not ok():
            return False
    return True


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out or refused a redirect hung up: expected in the tests.
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FakeOdoo:
    """One Odoo server with one or more databases; see the module docstring."""

    def __init__(
        self,
        version: str = "17.0+e",
        *,
        databases: dict[str, dict[str, Any]] | None = None,
        delay: float = 0.0,
        redirect_to: str | None = None,
    ) -> None:
        self.version = version
        self.major = int(re.match(r"(?:saas~)?(\d+)", version).group(1))  # type: ignore[union-attr]
        self.databases = databases or {
            DATABASE: {"users": {LOGIN: (UID, API_KEY)}, "records": dataset(version)}
        }
        self.fields = schema(version)
        self.delay = delay
        self.redirect_to = redirect_to
        self.requests: list[tuple[str, str]] = []  # (path, rpc method or model.method)
        self._server: ThreadingHTTPServer | None = None

    # --- life cycle ------------------------------------------------------------------

    def start(self) -> FakeOdoo:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                fake._handle(self, "GET")

            def do_POST(self) -> None:
                fake._handle(self, "POST")

        server = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
        self._server = server
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeOdoo:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- HTTP ------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        if self.delay:
            time.sleep(self.delay)
        path = handler.path.split("?", 1)[0]
        if self.redirect_to is not None:
            self.requests.append((path, "redirected"))
            self._send(handler, 303, b"", "text/html", {"Location": self.redirect_to})
            return
        if method == "GET" and path == "/web/version":
            self.requests.append((path, "version"))
            info = version_info(self.version)
            payload = {"version_info": info["server_version_info"], "version": self.version}
            self._send(handler, 200, json.dumps(payload).encode(), "application/json")
            return
        if method == "POST" and path.startswith("/xmlrpc/2/") and self.major < 20:
            self._xmlrpc(handler, path.rsplit("/", 1)[1], body)
            return
        if method == "POST" and path.startswith("/json/2/") and self.major >= 19:
            self._json2(handler, path, body)
            return
        self.requests.append((path, "not found"))
        self._send(handler, 404, b"<h1>Not Found</h1>", "text/html")

    def _send(
        self,
        handler: BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

    # --- XML-RPC ---------------------------------------------------------------------

    def _xmlrpc(self, handler: BaseHTTPRequestHandler, service: str, body: bytes) -> None:
        params, method = xmlrpc.client.loads(body, use_builtin_types=True)
        try:
            if service == "common" and method == "version":
                self.requests.append(("/xmlrpc/2/common", "version"))
                result: Any = version_info(self.version)
            elif service == "common" and method == "authenticate":
                self.requests.append(("/xmlrpc/2/common", "authenticate"))
                db, login, key, _env = params
                result = self._authenticate(db, login, key)
            elif service == "object" and method == "execute_kw":
                db, uid, key, model, rpc_method, *rest = params
                args = rest[0] if rest else []
                kwargs = rest[1] if len(rest) > 1 else {}
                self.requests.append(("/xmlrpc/2/object", f"{model}.{rpc_method}"))
                self._check_uid(db, uid, key)
                result = self._execute(db, model, rpc_method, list(args), dict(kwargs))
            else:
                raise OdooFault(1, f"AttributeError: no method {method!r} on {service}")
            answer = xmlrpc.client.dumps((result,), methodresponse=True, allow_none=True)
        except OdooFault as fault:
            answer = xmlrpc.client.dumps(xmlrpc.client.Fault(fault.code, fault.message))
        self._send(handler, 200, answer.encode(), "text/xml")

    def _database(self, db: str) -> dict[str, Any]:
        if db not in self.databases:
            raise OdooFault(1, f'psycopg2.OperationalError: FATAL:  database "{db}" does not exist')
        return self.databases[db]

    def _authenticate(self, db: str, login: str, key: str) -> int | bool:
        user = self._database(db)["users"].get(login)
        return user[0] if user and user[1] == key else False

    def _check_uid(self, db: str, uid: int, key: str) -> None:
        users = self._database(db)["users"].values()
        if not any(u == uid and k == key for u, k in users):
            raise OdooFault(3, "Access Denied")

    # --- JSON-2 ----------------------------------------------------------------------

    def _json2(self, handler: BaseHTTPRequestHandler, path: str, body: bytes) -> None:
        parts = path.split("/")
        model, method = parts[3], parts[4] if len(parts) > 4 else ""
        self.requests.append((path, f"{model}.{method}"))
        authorization = handler.headers.get("Authorization", "")
        key = authorization[len("Bearer ") :] if authorization.startswith("Bearer ") else ""
        db = handler.headers.get("X-Odoo-Database") or (
            next(iter(self.databases)) if len(self.databases) == 1 else ""
        )
        try:
            if db not in self.databases:
                raise OdooFault(0, "database not found: send X-Odoo-Database", status=404)
            if not any(k == key for _, k in self.databases[db]["users"].values()):
                raise OdooFault(0, "Invalid apikey", status=401)
            kwargs = json.loads(body or b"{}")
            ids = kwargs.pop("ids", None)
            args = [ids] if ids is not None else []
            result = self._execute(db, model, method, args, kwargs)
        except OdooFault as fault:
            status = fault.status if fault.status != 200 else 422
            name = {401: "Unauthorized", 404: "NotFound"}.get(status, "UnprocessableEntity")
            error = {
                "name": f"werkzeug.exceptions.{name}",
                "message": fault.message,
                "arguments": [fault.message, status],
                "context": {},
                "debug": "",
            }
            self._send(handler, status, json.dumps(error).encode(), "application/json")
            return
        self._send(handler, 200, json.dumps(result).encode(), "application/json")

    # --- the ORM, as far as the tests need it -----------------------------------------

    def _execute(
        self, db: str, model: str, method: str, args: list[Any], kwargs: dict[str, Any]
    ) -> Any:
        records = self._database(db)["records"]
        if model not in records:
            raise OdooFault(2, f"Object {model} doesn't exist", status=404)
        rows = records[model]
        kwargs.pop("context", None)
        if method == "context_get":
            return {"lang": "en_US", "tz": "Europe/Stockholm", "uid": UID}
        if method == "fields_get":
            described = self.fields.get(model) or {
                name: {"type": "char", "string": name} for name in rows[0] if rows
            }
            wanted = kwargs.get("allfields") or (args[0] if args else None)
            attributes = kwargs.get("attributes")
            return {
                name: {k: v for k, v in spec.items() if not attributes or k in attributes}
                for name, spec in described.items()
                if not wanted or name in wanted
            }
        if method in ("search_read", "search", "search_count"):
            domain = kwargs.get("domain", args[0] if args else [])
            found = [r for r in rows if _matches(r, domain)]
            if kwargs.get("order", "").strip().lower().startswith("id desc"):
                found.sort(key=lambda r: -r["id"])
            elif kwargs.get("order"):
                found.sort(key=lambda r: r["id"])
            if method == "search_count":
                return len(found)
            found = found[kwargs.get("offset", 0) :]
            if kwargs.get("limit"):
                found = found[: kwargs["limit"]]
            if method == "search":
                return [r["id"] for r in found]
            return [self._project(model, r, kwargs.get("fields")) for r in found]
        if method == "read":
            ids = args[0] if args else kwargs.get("ids", [])
            by_id = {r["id"]: r for r in rows}
            missing = [i for i in ids if i not in by_id]
            if missing:
                raise OdooFault(
                    2,
                    f"Record does not exist or has been deleted.\n(Record: {model}({missing[0]},)",
                )
            fields = kwargs.get("fields", args[1] if len(args) > 1 else None)
            return [self._project(model, by_id[i], fields) for i in ids]
        raise OdooFault(1, f"AttributeError: The method '{model}.{method}' does not exist")

    def _project(self, model: str, row: dict[str, Any], fields: list[str] | None) -> dict[str, Any]:
        if not fields:
            return copy.deepcopy(row)
        known = set(row) | set(self.fields.get(model, {}))
        for name in fields:
            if name not in known:
                raise OdooFault(1, f"ValueError: Invalid field '{name}' on model '{model}'")
        return {"id": row["id"], **{name: copy.deepcopy(row.get(name, False)) for name in fields}}
