"""Look a ticket's Odoo reference up on an instance: does the record exist, its display
name, state and company (R2). Reads only; the action in ``actions.py`` stores the result."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from supportdesk.odoo.client import OdooClient
from supportdesk.tickets.models import OdooReference
from supportdesk.tickets.recognise import parse_odoo_url

ACTION_MODEL = "ir.actions.act_window"
POS_MODEL = "pos.order"
_NO_ARCHIVE_FILTER = {"active_test": False}  # an archived record still exists


class CannotLookUp(Exception):
    """The reference does not say enough to find a record (no model, unknown action)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Found:
    exists: bool
    model: str
    record_id: int | None = None
    display_name: str = ""
    state: str = ""
    state_label: str = ""
    company: str = ""


def model_of_action(client: OdooClient, action: str) -> str:
    """The model an action opens: by id, by external id, or by its path (17.2+)."""
    if action.isdigit():
        domain: list[Any] = [["id", "=", int(action)]]
    elif "." in action:
        module, _, name = action.partition(".")
        data = client.search_read(
            "ir.model.data",
            [["module", "=", module], ["name", "=", name]],
            ["model", "res_id"],
            limit=1,
        )
        if not data or data[0].get("model") != ACTION_MODEL:
            raise CannotLookUp(f"action {action} is not a window action on {client.where}")
        domain = [["id", "=", data[0]["res_id"]]]
    else:
        domain = [["path", "=", action]]
    rows = client.search_read(ACTION_MODEL, domain, ["res_model"], limit=1)
    if not rows or not rows[0].get("res_model"):
        raise CannotLookUp(f"action {action} is not a window action on {client.where}")
    return str(rows[0]["res_model"])


def _wanted_fields(client: OdooClient, model: str) -> tuple[list[str], dict[str, Any]]:
    fields = client.fields(model)
    wanted = ["display_name"] + [name for name in ("state", "company_id") if name in fields]
    return wanted, fields


def _found(model: str, row: dict[str, Any], fields: dict[str, Any]) -> Found:
    state = row.get("state") or ""
    labels = dict((str(k), str(v)) for k, v in fields.get("state", {}).get("selection") or [])
    company = row.get("company_id")
    return Found(
        exists=True,
        model=model,
        record_id=int(row["id"]),
        display_name=str(row.get("display_name") or "")[:500],
        state=str(state)[:64],
        state_label=labels.get(str(state), "")[:200],
        company=str(company[1])[:300]
        if isinstance(company, list | tuple) and len(company) > 1
        else "",
    )


def look_up(client: OdooClient, reference: OdooReference) -> Found:
    """What the instance holds for one reference of a ticket."""
    model, record_id = reference.model, reference.record_id
    if reference.type == OdooReference.Type.URL:
        url = parse_odoo_url(reference.text)
        if not model and url is not None and url.action:
            model = model_of_action(client, url.action)
        if not model:
            raise CannotLookUp("the URL names no model or action to look up")
        if record_id is None:
            raise CannotLookUp(f"the URL shows a list of {model}, not one record")
        wanted, fields = _wanted_fields(client, model)
        rows = client.call(
            model,
            "search_read",
            domain=[["id", "=", record_id]],
            fields=wanted,
            limit=1,
            context=_NO_ARCHIVE_FILTER,
        )
        if not rows:
            return Found(exists=False, model=model, record_id=record_id)
        return _found(model, rows[0], fields)
    if not model:
        raise CannotLookUp(
            f"{reference.text!r} is not a document number of a known kind: nothing to look up"
        )
    wanted, fields = _wanted_fields(client, model)
    # Receipt numbers ("Order 00012-003-0004") are the POS order's pos_reference.
    key = "pos_reference" if reference.text.lower().startswith("order ") else "name"
    rows = _by_name(client, model, key, _escape_like(reference.text), wanted, limit=1)
    if not rows and model == POS_MODEL and key == "name":
        # A POS name is free text; a capitalised word before it in the customer's text may
        # have been read as part of it ("Kvitto Shop/0001"): try the shorter names.
        for tail in _pos_tails(reference.text):
            rows = _by_name(client, model, key, _escape_like(tail), wanted, limit=1)
            if rows:
                break
    if not rows:
        # Searched by name: "not found by this name" (RecordCheck.summary), never "does
        # not exist": numbers are edited, imported or numbered by another sequence.
        return Found(exists=False, model=model)
    return _found(model, rows[0], fields)


def _by_name(
    client: OdooClient, model: str, key: str, pattern: str, wanted: list[str], *, limit: int
) -> list[dict[str, Any]]:
    rows = client.call(
        model,
        "search_read",
        domain=[[key, "=ilike", pattern]],
        fields=wanted,
        limit=limit,
        context=_NO_ARCHIVE_FILTER,
    )
    return list(rows or [])


def _escape_like(text: str) -> str:
    """``text`` as an ``=ilike`` pattern matching only itself (Odoo passes it to SQL ILIKE,
    where ``%``, ``_`` and ``\\`` are special)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _pos_tails(name: str) -> list[str]:
    """The shorter names a multi-word POS order name may really be, longest first:
    "Kvitto Furniture Shop/0001" gives "Furniture Shop/0001" and "Shop/0001"."""
    head, sep, number = name.rpartition(" - ") if " - " in name else name.rpartition("/")
    words = head.split()
    return [" ".join(words[i:]) + sep + number for i in range(1, len(words))]
