"""Error signatures: one per error, whoever hit it on whichever record (table-driven, with
the traceback shapes of Odoo 16 to 19)."""

from __future__ import annotations

import pytest

from supportdesk.odoo.signatures import from_dialog, from_text


def tb(root: str, frames: list[tuple[str, str, str]], last: str, *, tail: str = "") -> str:
    lines = ["Traceback (most recent call last):"]
    for n, (path, function, code) in enumerate(frames):
        lines += [f'  File "{root}{path}", line {100 + n * 37}, in {function}', f"    {code}"]
    return "\n".join([*lines, last]) + tail


V16 = "/usr/lib/python3/dist-packages/odoo"
V17 = "/home/odoo/src/odoo/odoo"
V18 = "/opt/odoo/odoo"
V19 = "/srv/odoo19/odoo/odoo"
POST = [
    ("/http.py", "_serve_db", "return service_model.retrying(self._serve_ir_http, self.env)"),
    ("/addons/account/models/account_move.py", "action_post", "self._post(soft=False)"),
    ("/addons/account/models/account_move.py", "_post", "raise UserError(msg)"),
]
CONFIRM = [
    ("/http.py", "_serve_db", "return service_model.retrying(self._serve_ir_http, self.env)"),
    ("/addons/sale/models/sale_order.py", "action_confirm", "self._action_confirm()"),
    ("/../../user/l10n_se_nordic/models/sale.py", "_action_confirm", "raise UserError(msg)"),
]
ACCESS = [
    ("/models.py", "check_access_rights", "return self.env['ir.model.access'].check(...)"),
    ("/addons/base/models/ir_model.py", "check", "raise AccessError(msg)"),
]
CLIENT_TAIL = (
    "\n\nThe above server error caused the following client error:\n"
    "RPC_ERROR: Odoo Server Error\n    RPC_ERROR\n        at makeErrorFromResponse (https://x/web/assets/1/web.assets_web.min.js:3066:165)"
)
UNIQUE = [("/sql_db.py", "execute", "res = self._obj.execute(query, params, log_exceptions)")]

# (version, traceback of one customer, the same error of another customer)
SAME = [
    (
        "16",
        tb(
            V16,
            POST,
            "odoo.exceptions.UserError: The entry INV/2023/00017 (id 17) is already posted.",
        ),
        tb(
            V16,
            POST,
            "odoo.exceptions.UserError: The entry INV/2024/00342 (id 342) is already posted.",
        ),
    ),
    (
        "17",
        tb(
            V17,
            CONFIRM,
            "odoo.exceptions.UserError: The customer Fjord Bygg AS has no VAT number",
            tail=CLIENT_TAIL,
        ),
        tb(
            V17,
            CONFIRM,
            "odoo.exceptions.UserError: The customer Nordvik Trading AB has no VAT number",
            tail=CLIENT_TAIL,
        ),
    ),
    (
        "18",
        tb(
            V18,
            ACCESS,
            "odoo.exceptions.AccessError: You are not allowed to access 'Sales Order' (sale.order) records.\n\nThis operation is allowed for the following groups:\n\t- Sales/User: Own Documents Only\n\nContact your administrator to request access if necessary.",
        ),
        tb(
            V18,
            ACCESS,
            "odoo.exceptions.AccessError: You are not allowed to access 'Försäljningsorder' (sale.order) records.\n\nThis operation is allowed for the following groups:\n\t- Sales/User: Own Documents Only\n\nContact your administrator to request access if necessary.",
        ),
    ),
    (
        "19",
        tb(
            V19,
            UNIQUE,
            'psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "res_partner_ref_uniq"\nDETAIL:  Key (ref, company_id)=(C0042, 1) already exists.',
        ),
        tb(
            V19,
            UNIQUE,
            'psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "res_partner_ref_uniq"\nDETAIL:  Key (ref, company_id)=(K-7, 3) already exists.',
        ),
    ),
]


@pytest.mark.parametrize(("version", "one", "other"), SAME, ids=[s[0] for s in SAME])
def test_the_same_error_on_other_records_users_and_companies_has_one_signature(version, one, other):
    first, second = from_text(one), from_text(other)
    assert first is not None and second is not None
    assert first.key == second.key
    assert first.frames and all(":" in frame for frame in first.frames)


def test_different_errors_have_different_signatures():
    keys = {from_text(one).key for _, one, _ in SAME}
    assert len(keys) == len(SAME)


def test_the_install_path_does_not_change_the_signature():
    last = "odoo.exceptions.UserError: The entry INV/2023/00017 (id 17) is already posted."
    assert from_text(tb(V16, POST, last)).key == from_text(tb(V17, POST, last)).key


def test_another_function_raising_the_same_message_is_another_error():
    last = "odoo.exceptions.UserError: The entry INV/2023/00017 (id 17) is already posted."
    other = [
        *POST[:2],
        ("/addons/account/models/account_move.py", "button_draft", "raise UserError(msg)"),
    ]
    assert from_text(tb(V16, POST, last)).key != from_text(tb(V16, other, last)).key


def test_the_signature_names_the_innermost_addon():
    found = from_text(SAME[1][1])
    assert found.addon == "l10n_se_nordic"
    assert found.exception == "odoo.exceptions.UserError"


def test_a_dialog_without_traceback_matches_the_traceback_of_the_same_error():
    dialog = from_dialog("User Error", "The entry INV/2026/00099 (id 99) is already posted.")
    full = from_text(SAME[0][1])
    assert dialog is not None and dialog.loose_key == full.loose_key


@pytest.mark.parametrize(
    "text", ["", "Hello, the invoice is wrong", "Traceback (most recent call last):"]
)
def test_text_without_a_traceback_has_no_signature(text):
    assert from_text(text) is None


def test_a_dialog_that_is_not_an_odoo_error_has_no_signature():
    assert from_dialog("Pricing", "One app free") is None
