"""The ORM side of the protocol-level test server: methods bound like Odoo binds them, access
rights, Odoo's exceptions and texts. The source each behaviour copies is named next to it."""

from __future__ import annotations

import copy
import inspect
import re
import threading
from collections.abc import Callable, Mapping
from typing import Any

from tests.odoo.odoo_data import ACCESS, GROUPS


# --- odoo/exceptions.py (http_status as 19 has it, used by the JSON-2 dispatcher) -----------
class UserError(Exception):
    http_status = 422
    odoo_name = "odoo.exceptions.UserError"


class AccessError(UserError):
    http_status = 403
    odoo_name = "odoo.exceptions.AccessError"


class MissingError(UserError):
    http_status = 404
    odoo_name = "odoo.exceptions.MissingError"


class AccessDenied(Exception):
    http_status = 401
    odoo_name = "odoo.exceptions.AccessDenied"


class HTTPError(Exception):
    """A werkzeug HTTPException raised by the JSON-2 controller (NotFound, Unprocessable…)."""

    def __init__(self, status: int, description: str, name: str = "") -> None:
        super().__init__(description)
        self.http_status = status
        self.odoo_name = name or {
            400: "werkzeug.exceptions.BadRequest",
            404: "werkzeug.exceptions.NotFound",
            422: "werkzeug.exceptions.UnprocessableEntity",
        }.get(status, "werkzeug.exceptions.HTTPException")


# --- odoo/api.py decorators: how call_kw binds the arguments ------------------------------
def model(func: Callable[..., Any]) -> Callable[..., Any]:
    func._api = "model"  # type: ignore[attr-defined]
    return func


def model_create_multi(func: Callable[..., Any]) -> Callable[..., Any]:
    func._api = "model_create"  # type: ignore[attr-defined]
    return func


_OPERATION = {"read": "access", "write": "modify", "create": "create", "unlink": "delete"}


def _like(pattern: str, value: Any, *, exact: bool, ignore_case: bool) -> bool:
    if not isinstance(value, str):
        return False
    # SQL (I)LIKE as PostgreSQL reads it: % and _ are wildcards, a backslash escapes.
    parts, escaped = [], False
    for ch in str(pattern):
        if escaped:
            parts.append(re.escape(ch))
            escaped = False
        elif ch == "\\":
            escaped = True
        else:
            parts.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
    regex = "".join(parts)
    if not exact:
        regex = f".*{regex}.*"
    return re.fullmatch(regex, value, re.IGNORECASE if ignore_case else 0) is not None


def _compare(op: str, field_value: Any, value: Any, term: Any) -> bool:
    if op == "=":
        return bool(field_value == value)
    if op == "!=":
        return bool(field_value != value)
    if op in ("in", "not in"):
        return (field_value in value) == (op == "in")
    if op in ("=ilike", "=like", "ilike", "like"):
        exact, ignore_case = op.startswith("="), "ilike" in op
        return _like(value, field_value, exact=exact, ignore_case=ignore_case)
    raise ValueError(f"Invalid leaf {list(term)!r}")  # odoo/osv/expression.py


def _matches(record: dict[str, Any], domain: list[Any]) -> bool:
    for term in domain:
        if term == "&":
            continue
        if isinstance(term, str):
            raise ValueError(f"Invalid leaf {term!r}")  # odoo/osv/expression.py
        name, op, value = term
        field_value = record.get(name, False)
        if isinstance(field_value, list) and len(field_value) == 2:
            field_value = field_value[0]  # many2one compares by id
        if not _compare(op, field_value, value, term):
            return False
    return True


class Orm:
    """One user's environment on one database (records shared with the server, locked)."""

    def __init__(
        self,
        records: dict[str, list[dict[str, Any]]],
        fields: dict[str, dict[str, Any]],
        uid: int,
        groups: frozenset[str],
        lock: threading.Lock,
    ) -> None:
        self.records, self.schema, self.uid, self.groups, self.lock = (
            records,
            fields,
            uid,
            groups,
            lock,
        )

    # --- entry points --------------------------------------------------------------------

    def call_kw(self, model_name: str, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        """odoo/service/model.py execute_kw -> odoo/api.py call_kw, in one transaction."""
        if model_name not in self.records:
            # odoo/service/model.py execute_cr
            raise UserError(f"Object {model_name} doesn't exist")
        method = self._public_method(model_name, name)
        kwargs = dict(kwargs)
        kwargs.pop("context", None)  # api.split_context
        api = getattr(method, "_api", None)

        def run() -> Any:
            if api == "model":
                return method(model_name, *args, **kwargs)
            if api == "model_create":  # api._call_kw_model_create
                result = method(model_name, *args, **kwargs)
                return result[0] if isinstance(args[0], Mapping) else result
            ids, rest = args[0], args[1:]  # api._call_kw_multi
            return method(model_name, ids, *rest, **kwargs)

        return self._transaction(run)

    def call_json2(
        self, model_name: str, name: str, ids: list[int] | None, params: dict[str, Any]
    ) -> Any:
        """addons/web/controllers/json2.py web_json_2_rpc (19.0)."""
        if model_name not in self.records:
            raise HTTPError(404, f"the model {model_name!r} does not exist")
        try:
            method = self._public_method(model_name, name)
        except AttributeError as exc:
            raise HTTPError(404, str(exc.args[0])) from exc
        is_model = getattr(method, "_api", None) in ("model", "model_create")
        if is_model and ids:
            raise HTTPError(422, f"cannot call {model_name}.{name} with ids")
        call_args = (model_name,) if is_model else (model_name, list(ids or []))
        try:
            inspect.signature(method).bind(*call_args, **params)
        except TypeError as exc:
            raise HTTPError(422, str(exc.args[0])) from exc
        return self._transaction(lambda: method(*call_args, **params))

    def _transaction(self, run: Callable[[], Any]) -> Any:
        """The request's cursor: an exception rolls everything back (odoo/service/model.py
        retrying, odoo/http.py for JSON-2)."""
        with self.lock:
            snapshot = copy.deepcopy(self.records)
            try:
                return run()
            except BaseException:
                self.records.clear()
                self.records.update(snapshot)
                raise

    def _public_method(self, model_name: str, name: str) -> Callable[..., Any]:
        # odoo/service/model.py get_public_method
        if name.startswith("_"):
            raise AccessError(
                f"Private methods (such as '{model_name}.{name}') cannot be called remotely."
            )
        method = getattr(self, f"m_{name}", None)
        if method is None:
            raise AttributeError(f"The method '{model_name}.{name}' does not exist")
        return method  # type: ignore[no-any-return]

    # --- access rights: odoo/addons/base/models/ir_model.py IrModelAccess ----------------

    def check_access(self, model_name: str, operation: str) -> None:
        rule = ACCESS.get(model_name)
        if rule is None:
            return
        description, readers, writers = rule
        allowed = readers if operation == "read" else writers
        if self.groups & allowed:
            return
        header = f"You are not allowed to {_OPERATION[operation]} '{description}' ({model_name}) records."
        if allowed:
            names = "\n".join(f"\t- {GROUPS[g]}" for g in sorted(allowed, key=GROUPS.__getitem__))
            groups = f"This operation is allowed for the following groups:\n{names}"
        else:
            groups = "No group currently allows this operation."
        raise AccessError(
            f"{header}\n\n{groups}\n\nContact your administrator to request access if necessary."
        )

    # --- models.BaseModel methods, with Odoo 17's signatures ------------------------------

    def _rows(self, model_name: str) -> list[dict[str, Any]]:
        return self.records[model_name]

    def _browse(self, model_name: str, ids: Any) -> list[dict[str, Any]]:
        ids = [ids] if isinstance(ids, int) else list(ids)
        by_id = {r["id"]: r for r in self._rows(model_name)}
        missing = [i for i in ids if i not in by_id]
        if missing:  # models.py _read / check_access: MissingError
            shown = ", ".join(str(i) for i in missing[:6])
            raise MissingError(
                "Record does not exist or has been deleted.\n"
                f"(Record: {model_name}({shown},), User: {self.uid})"
            )
        return [by_id[i] for i in ids]

    def _project(
        self, model_name: str, row: dict[str, Any], fields: list[str] | None
    ) -> dict[str, Any]:
        if not fields:
            return copy.deepcopy(row)
        known = set(row) | set(self.schema.get(model_name, {}))
        for name in fields:
            if name not in known:  # models.py _read: invalid field
                raise ValueError(f"Invalid field {name!r} on model {model_name!r}")
        return {"id": row["id"], **{n: copy.deepcopy(row.get(n, False)) for n in fields}}

    def _search(
        self,
        model_name: str,
        domain: list[Any] | None,
        offset: int,
        limit: int | None,
        order: str | None,
    ) -> list[dict[str, Any]]:
        self.check_access(model_name, "read")
        found = [r for r in self._rows(model_name) if _matches(r, list(domain or []))]
        if (order or "").strip().lower().startswith("id desc"):
            found.sort(key=lambda r: -r["id"])
        elif order:
            found.sort(key=lambda r: r["id"])
        found = found[offset or 0 :]
        return found[:limit] if limit else found

    @model
    def m_search_read(
        self,
        model_name: str,
        domain: list[Any] | None = None,
        fields: list[str] | None = None,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
    ) -> list[dict[str, Any]]:
        rows = self._search(model_name, domain, offset, limit, order)
        return [self._project(model_name, r, fields) for r in rows]

    @model
    def m_search(
        self,
        model_name: str,
        domain: list[Any],
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
    ) -> list[int]:
        return [r["id"] for r in self._search(model_name, domain, offset, limit, order)]

    @model
    def m_search_count(self, model_name: str, domain: list[Any], limit: int | None = None) -> int:
        return len(self._search(model_name, domain, 0, limit, None))

    def m_read(
        self,
        model_name: str,
        ids: list[int],
        fields: list[str] | None = None,
        load: str = "_classic_read",
    ) -> list[dict[str, Any]]:
        self.check_access(model_name, "read")
        return [self._project(model_name, r, fields) for r in self._browse(model_name, ids)]

    @model
    def m_fields_get(
        self,
        model_name: str,
        allfields: list[str] | None = None,
        attributes: list[str] | None = None,
    ) -> dict[str, Any]:
        rows = self._rows(model_name)
        described = self.schema.get(model_name) or {
            name: {"type": "char", "string": name} for name in (rows[0] if rows else {})
        }
        return {
            name: {k: v for k, v in spec.items() if not attributes or k in attributes}
            for name, spec in described.items()
            if not allfields or name in allfields
        }

    @model_create_multi
    def m_create(
        self, model_name: str, vals_list: list[dict[str, Any]] | dict[str, Any]
    ) -> list[int]:
        self.check_access(model_name, "create")
        if isinstance(vals_list, Mapping):
            vals_list = [vals_list]
        rows = self._rows(model_name)
        ids = []
        for values in vals_list:
            if model_name == "account.move" and not isinstance(values.get("partner_id"), int):
                raise ValueError("Wrong value for account.move.partner_id")
            row = {**copy.deepcopy(values), "id": max([r["id"] for r in rows] or [0]) + 1}
            row.setdefault("name", "/")  # account.move: a draft has no number yet
            row.setdefault("state", "draft")
            row.setdefault("display_name", row["name"])
            row.setdefault("company_id", [1, "Alpha AB"])
            rows.append(row)
            ids.append(row["id"])
        return ids

    def m_write(self, model_name: str, ids: list[int], vals: dict[str, Any]) -> bool:
        self.check_access(model_name, "write")
        for row in self._browse(model_name, ids):
            row.update(copy.deepcopy(vals))
        return True

    def m_button_cancel(self, model_name: str, ids: list[int]) -> None:
        """account.move button_cancel: a draft becomes cancelled. It returns nothing, so over
        XML-RPC Odoo commits and then fails to marshal None (Fault 1, TypeError)."""
        self.check_access(model_name, "write")
        for row in self._browse(model_name, ids):
            if row.get("state") != "draft":
                raise UserError("Only draft journal entries can be cancelled.")
            row["state"] = "cancel"

    @model
    def m_context_get(self, model_name: str) -> dict[str, Any]:
        return {"lang": "en_US", "tz": "Europe/Stockholm", "uid": self.uid}
