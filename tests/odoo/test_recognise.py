"""Recognising Odoo URLs and document numbers in what customers write."""

import string
import time

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from supportdesk.tickets.recognise import (
    OdooUrl,
    Reference,
    find_references,
    find_urls,
    parse_odoo_url,
)

# ---------------------------------------------------------------------------
# URLs: every form, shapes from Odoo 14 to 19
# ---------------------------------------------------------------------------

# url -> (host, database, model, record_id, action, companies, view_type, kind)
URL_SAMPLES = {
    # 14: hash state, cids with an encoded comma
    "https://acme.odoo.com/web#id=42&action=312&model=sale.order&view_type=form"
    "&cids=1%2C3&menu_id=178": (
        "acme.odoo.com", "acme", "sale.order", 42, "312", (1, 3), "form", "legacy",
    ),
    # 15: debug in the query, hash state
    "https://erp.example.se/web?debug=1#id=7&cids=1&menu_id=115&action=192"
    "&model=account.move&view_type=form": (
        "erp.example.se", None, "account.move", 7, "192", (1,), "form", "legacy",
    ),
    # 16: active_id and hyphenated cids
    "https://acme.odoo.com/web#id=17&cids=1-2&menu_id=312&action=473&active_id=3"
    "&model=helpdesk.ticket&view_type=form": (
        "acme.odoo.com", "acme", "helpdesk.ticket", 17, "473", (1, 2), "form", "legacy",
    ),
    # 16: a list view has no record
    "https://acme.odoo.com/web#action=423&model=sale.order&view_type=list&cids=1&menu_id=259": (
        "acme.odoo.com", "acme", "sale.order", None, "423", (1,), "list", "legacy",
    ),
    # 17: the example from the Odoo facts
    "https://acme.odoo.com/web?debug=1#id=42&cids=1-2&menu_id=259&action=423"
    "&model=sale.order&view_type=form": (
        "acme.odoo.com", "acme", "sale.order", 42, "423", (1, 2), "form", "legacy",
    ),
    # 17: an action by xml id, a new record (form without id)
    "https://acme.odoo.com/web#action=sale.action_orders&model=sale.order&view_type=form": (
        "acme.odoo.com", "acme", "sale.order", None, "sale.action_orders", (), "form", "legacy",
    ),
    # an app's menu only
    "https://acme.odoo.com/web#menu_id=259": (
        "acme.odoo.com", "acme", None, None, None, (), None, "legacy",
    ),
    # self-hosted with a database parameter and a port
    "http://odoo.internal:8069/web?db=prod#id=5&model=res.partner&view_type=form": (
        "odoo.internal:8069", "prod", "res.partner", 5, None, (), "form", "legacy",
    ),
    # 17.2+: old-style state in the /odoo query
    "https://acme.odoo.com/odoo?action=423&model=sale.order&id=42&debug=1": (
        "acme.odoo.com", "acme", "sale.order", 42, "423", (), None, "legacy",
    ),
    # 18: action path and record
    "https://acme.odoo.com/odoo/sales/42": (
        "acme.odoo.com", "acme", None, 42, "sales", (), "form", "path",
    ),
    # 18: numeric action with debug and companies in the query
    "https://acme.odoo.com/odoo/action-423/42?debug=1&cids=1-2": (
        "acme.odoo.com", "acme", None, 42, "423", (1, 2), "form", "path",
    ),
    "https://acme.odoo.com/odoo/action-sale.action_quotations_with_onboarding/42": (
        "acme.odoo.com", "acme", None, 42, "sale.action_quotations_with_onboarding", (),
        "form", "path",
    ),
    # 18: a dotted segment is a model
    "https://erp.example.se/odoo/sale.order/42": (
        "erp.example.se", None, "sale.order", 42, None, (), "form", "path",
    ),
    # 18: nested — the last screen and its record are kept
    "https://acme.odoo.com/odoo/helpdesk/3/tickets/17": (
        "acme.odoo.com", "acme", None, 17, "tickets", (), "form", "path",
    ),
    "https://acme.odoo.com/odoo/helpdesk/3/tickets": (
        "acme.odoo.com", "acme", None, None, "tickets", (), None, "path",
    ),
    "https://acme.odoo.com/odoo/purchase/7?debug=1&cids=1-2": (
        "acme.odoo.com", "acme", None, 7, "purchase", (1, 2), "form", "path",
    ),
    # 18: a model without a dot, and a new record
    "https://erp.example.se/odoo/m-website/3": (
        "erp.example.se", None, "website", 3, None, (), "form", "path",
    ),
    "https://acme.odoo.com/odoo/sales/new": (
        "acme.odoo.com", "acme", None, None, "sales", (), "form", "path",
    ),
    # 19: a multi-record view named in the query, a record under a related action
    "https://acme.odoo.com/odoo/action-423?view_type=kanban": (
        "acme.odoo.com", "acme", None, None, "423", (), "kanban", "path",
    ),
    "https://acme.odoo.com/odoo/contacts/12/action-account.action_move_out_invoice_type/88": (
        "acme.odoo.com", "acme", None, 88, "account.action_move_out_invoice_type", (),
        "form", "path",
    ),
    # 19: installed app (PWA) scope
    "https://acme.odoo.com/scoped_app/action-point_of_sale.action_pos_pos_form/5": (
        "acme.odoo.com", "acme", None, 5, "point_of_sale.action_pos_pos_form", (),
        "form", "path",
    ),
    # portal pages
    "https://acme.odoo.com/my/orders/42?access_token=6f1c2b9e-5a0d": (
        "acme.odoo.com", "acme", "sale.order", 42, None, (), None, "portal",
    ),
    "https://acme.odoo.com/my/invoices/17?access_token=abc&report_type=pdf&download=true": (
        "acme.odoo.com", "acme", "account.move", 17, None, (), None, "portal",
    ),
    "https://acme.odoo.com/my/tickets/5": (
        "acme.odoo.com", "acme", "helpdesk.ticket", 5, None, (), None, "portal",
    ),
    "https://acme.odoo.com/my/ticket/5/0b3c4d5e": (
        "acme.odoo.com", "acme", "helpdesk.ticket", 5, None, (), None, "portal",
    ),
    "https://acme.odoo.com/helpdesk/ticket/5": (
        "acme.odoo.com", "acme", "helpdesk.ticket", 5, None, (), None, "portal",
    ),
    "https://acme.odoo.com/my/purchase/3?access_token=x": (
        "acme.odoo.com", "acme", "purchase.order", 3, None, (), None, "portal",
    ),
    "https://acme.odoo.com/my/tasks/9": (
        "acme.odoo.com", "acme", "project.task", 9, None, (), None, "portal",
    ),
    "https://acme.odoo.com/my/task/9": (  # 14
        "acme.odoo.com", "acme", "project.task", 9, None, (), None, "portal",
    ),
    "https://acme.odoo.com/my/projects/2/task/9": (
        "acme.odoo.com", "acme", "project.task", 9, None, (), None, "portal",
    ),
    "https://acme.odoo.com/my/projects/2": (
        "acme.odoo.com", "acme", "project.project", 2, None, (), None, "portal",
    ),
    "https://www.odoo.com/my/invoices/123456": (
        "www.odoo.com", None, "account.move", 123456, None, (), None, "portal",
    ),
    # mail links
    "https://acme.odoo.com/mail/view?model=sale.order&res_id=42&access_token=t&pid=3&hash=h": (
        "acme.odoo.com", "acme", "sale.order", 42, None, (), None, "mail",
    ),
    "https://erp.example.se/mail/view?model=helpdesk.ticket&res_id=811": (
        "erp.example.se", None, "helpdesk.ticket", 811, None, (), None, "mail",
    ),
}  # fmt: skip


@pytest.mark.parametrize(("url", "expected"), URL_SAMPLES.items())
def test_parse_odoo_url_reads_every_form(url: str, expected: tuple) -> None:
    parsed = parse_odoo_url(url)
    assert parsed is not None
    assert parsed.text == url
    assert (
        parsed.host,
        parsed.database,
        parsed.model,
        parsed.record_id,
        parsed.action,
        parsed.companies,
        parsed.view_type,
        parsed.kind,
    ) == expected


@pytest.mark.parametrize("url", URL_SAMPLES)
def test_normalised_url_parses_back_to_the_same_screen(url: str) -> None:
    parsed = parse_odoo_url(url)
    assert parsed is not None
    again = parse_odoo_url(parsed.normalised())
    assert again is not None
    assert again.normalised() == parsed.normalised()
    assert (again.database, again.model, again.record_id, again.action, again.companies) == (
        parsed.database,
        parsed.model,
        parsed.record_id,
        parsed.action,
        parsed.companies,
    )


NORMALISED = {
    "https://ACME.odoo.com/web?debug=1#id=42&cids=1%2C2&menu_id=259&action=423"
    "&model=sale.order&view_type=form": "https://acme.odoo.com/web#action=423&model=sale.order"
    "&id=42&view_type=form&cids=1-2",
    "https://acme.odoo.com/odoo?action=423&model=sale.order&id=42&debug=assets": (
        "https://acme.odoo.com/web#action=423&model=sale.order&id=42"
    ),
    "https://acme.odoo.com/web#action=12&active_id=3&model=project.task&view_type=kanban": (
        "https://acme.odoo.com/web#action=12&active_id=3&model=project.task&view_type=kanban"
    ),
    "https://acme.odoo.com/web#menu_id=259": "https://acme.odoo.com/web#menu_id=259",
    "https://acme.odoo.com/odoo/purchase/7/?debug=1&cids=1,2": (
        "https://acme.odoo.com/odoo/purchase/7?cids=1-2"
    ),
    "https://acme.odoo.com:443/odoo/sales/42": "https://acme.odoo.com/odoo/sales/42",
    "http://erp.example.se:80/odoo/sales/42": "http://erp.example.se/odoo/sales/42",
    "http://localhost:8069/odoo/action-423?view_type=list": (
        "http://localhost:8069/odoo/action-423?view_type=list"
    ),
    "https://acme.odoo.com/web?db=acme-main-123#id=5&model=res.partner": (
        "https://acme.odoo.com/web?db=acme-main-123#model=res.partner&id=5"
    ),
    "https://acme.odoo.com/web?db=acme#id=5&model=res.partner": (
        "https://acme.odoo.com/web#model=res.partner&id=5"
    ),
    "https://acme.odoo.com/my/orders/42?access_token=secret": "https://acme.odoo.com/my/orders/42",
    "https://acme.odoo.com/my/ticket/5/secret-token": "https://acme.odoo.com/my/ticket/5",
    "https://acme.odoo.com/mail/view?access_token=s&model=sale.order&res_id=42&pid=3": (
        "https://acme.odoo.com/mail/view?model=sale.order&res_id=42"
    ),
    # scheme-less paste, HTML-escaped ampersands
    "acme.odoo.com/odoo/sales/42": "https://acme.odoo.com/odoo/sales/42",
    "https://acme.odoo.com/web#id=42&amp;model=sale.order": (
        "https://acme.odoo.com/web#model=sale.order&id=42"
    ),
}  # fmt: skip


@pytest.mark.parametrize(("url", "canonical"), NORMALISED.items())
def test_normalised_url_is_canonical(url: str, canonical: str) -> None:
    parsed = parse_odoo_url(url)
    assert parsed is not None
    assert parsed.normalised() == canonical


def test_same_record_in_legacy_and_odoo_query_forms_normalises_equal() -> None:
    old = parse_odoo_url("https://acme.odoo.com/web?debug=1#id=42&model=sale.order&action=7")
    new = parse_odoo_url("https://acme.odoo.com/odoo?id=42&model=sale.order&action=7")
    assert old is not None and new is not None
    assert old.normalised() == new.normalised()


def test_normalised_of_a_hand_made_url_that_is_not_odoo_says_so() -> None:
    bogus = OdooUrl("https://example.com/", "example.com", None, None, None, None, (), None, "x")
    with pytest.raises(ValueError, match="not an Odoo URL"):
        bogus.normalised()


@pytest.mark.parametrize(
    ("url", "database"),
    [
        ("https://acme.odoo.com/odoo/sales/1", "acme"),
        ("https://ACME-Sweden.Odoo.com/odoo/sales/1", "acme-sweden"),
        ("https://acme.odoo.com/odoo/sales/1?db=acme-main-1234567", "acme-main-1234567"),
        ("https://www.odoo.com/my/orders/1", None),
        ("https://runbot.odoo.com/web#action=1", None),
        ("https://acme-staging-1234.dev.odoo.com/odoo/sales/1", None),
        ("https://erp.acme.se/odoo/sales/1", None),
        ("https://erp.acme.se/web?db=acme#action=1", "acme"),
        ("https://erp.acme.se/web?db=bad%20name#action=1", None),
    ],
)
def test_database_comes_from_db_param_or_odoo_com_subdomain(url: str, database: str) -> None:
    parsed = parse_odoo_url(url)
    assert parsed is not None
    assert parsed.database == database


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/page",
        "https://runbot.odoo.com/",
        "https://www.odoo.com/help",
        "https://www.odoo.com/documentation/18.0/applications/sales/sales.html",
        "https://www.odoo.com/app/helpdesk",
        "https://acme.odoo.com/",
        "https://acme.odoo.com/odoo",
        "https://acme.odoo.com/odoo?debug=1",
        "https://acme.odoo.com/web",
        "https://acme.odoo.com/web#section-2",
        "https://acme.odoo.com/web/login?db=acme",
        "https://acme.odoo.com/web/content/512?download=true",
        "https://acme.odoo.com/report/pdf/account.report_invoice/17",
        "https://acme.odoo.com/odoo/42",
        "https://acme.odoo.com/odoo/Sales/42",
        "https://acme.odoo.com/odoo/sales/42abc",
        "https://acme.odoo.com/odoo/action-/42",
        "https://acme.odoo.com/odoo/Sale.Order/42",
        "https://acme.odoo.com/odoo/sales/99999999999",
        "https://acme.odoo.com/web#model=<script>&id=1",
        "https://acme.odoo.com/web#model=sale.order&id=abc",
        "https://acme.odoo.com/my/orders",
        "https://acme.odoo.com/my/orders/0",
        "https://acme.odoo.com/mail/view?model=sale.order",
        "https://acme.odoo.com/mail/view?res_id=4",
        "ftp://acme.odoo.com/odoo/sales/42",
        "mailto:support@acme.odoo.com",
        "https:///odoo/sales/42",
        "https://acme.odoo.com:99999/odoo/sales/42",
        "https://acme.odoo.com/odoo/sales/42 and more",
        "sales/42",
        "not a url",
        "",
    ],
)
def test_parse_odoo_url_rejects_what_is_not_an_odoo_screen(url: str) -> None:
    assert parse_odoo_url(url) is None


def test_find_urls_ends_urls_at_brackets_quotes_and_trailing_punctuation() -> None:
    text = (
        "See https://acme.odoo.com/odoo/sales/42. Also (https://acme.odoo.com/odoo/sales/43), "
        "<https://acme.odoo.com/my/orders/44?access_token=x>, "
        '"https://acme.odoo.com/odoo/sales/45"; [link](https://acme.odoo.com/odoo/sales/46)! '
        "'https://acme.odoo.com/odoo/sales/47'? https://acme.odoo.com/odoo/sales/48:"
    )
    assert [u.text for u in find_urls(text)] == [
        "https://acme.odoo.com/odoo/sales/42",
        "https://acme.odoo.com/odoo/sales/43",
        "https://acme.odoo.com/my/orders/44?access_token=x",
        "https://acme.odoo.com/odoo/sales/45",
        "https://acme.odoo.com/odoo/sales/46",
        "https://acme.odoo.com/odoo/sales/47",
        "https://acme.odoo.com/odoo/sales/48",
    ]


def test_find_urls_deduplicates_by_normalised_form_keeping_the_first() -> None:
    text = (
        "https://acme.odoo.com/odoo/sales/42?debug=1 then https://ACME.odoo.com/odoo/sales/42 "
        "and https://acme.odoo.com/web#id=1&model=res.partner "
        "and https://acme.odoo.com/web?debug=1#model=res.partner&id=1&menu_id=4"
    )
    found = find_urls(text)
    assert [u.text for u in found] == [
        "https://acme.odoo.com/odoo/sales/42?debug=1",
        "https://acme.odoo.com/web#id=1&model=res.partner",
    ]


def test_find_urls_skips_non_odoo_urls_and_reads_html_escaped_and_bare_odoo_com_links() -> None:
    text = (
        "Docs: https://www.odoo.com/documentation/17.0/ and https://runbot.odoo.com/ and "
        "https://example.com/page. Link: https://acme.odoo.com/web#id=9&amp;model=sale.order "
        "or acme.odoo.com/odoo/purchase/3, mail support@acme.odoo.com/odoo/sales/1"
    )
    found = find_urls(text)
    assert [(u.model, u.record_id, u.action) for u in found] == [
        ("sale.order", 9, None),
        (None, 3, "purchase"),
    ]
    assert found[1].text == "acme.odoo.com/odoo/purchase/3"


# ---------------------------------------------------------------------------
# Document numbers
# ---------------------------------------------------------------------------

REFERENCE_SAMPLES = [
    ("S00042", "sale_order", "sale.order"),
    ("S1234567", "sale_order", "sale.order"),
    ("P00023", "purchase_order", "purchase.order"),
    ("PO00023", "purchase_order", "purchase.order"),
    ("INV/2026/00001", "customer_invoice", "account.move"),
    ("INV/2021/01/0001", "customer_invoice", "account.move"),  # 14: monthly everywhere
    ("INV/25-26/0001", "customer_invoice", "account.move"),  # staggered fiscal year
    ("inv/2026/00012", "customer_invoice", "account.move"),
    ("RINV/2026/00001", "credit_note", "account.move"),
    ("BILL/2026/01/0001", "vendor_bill", "account.move"),
    ("BILL/25-26/01/0001", "vendor_bill", "account.move"),
    ("RBILL/2026/02/0003", "vendor_refund", "account.move"),
    ("MISC/2026/01/0001", "misc_entry", "account.move"),
    ("BNK1/2026/00001", "bank_entry", "account.move"),
    ("BNK12/2026/00007", "bank_entry", "account.move"),
    ("PBNK1/2026/00001", "payment", "account.payment"),
    ("WH/IN/00005", "receipt", "stock.picking"),
    ("WH/OUT/00005", "delivery", "stock.picking"),
    ("WH/PICK/00005", "pick", "stock.picking"),
    ("WH/PACK/00005", "pack", "stock.picking"),
    ("WH/INT/00012", "internal_transfer", "stock.picking"),
    ("STHLM/OUT/00120", "delivery", "stock.picking"),
    ("WH2/IN/00001", "receipt", "stock.picking"),
    ("WH/MO/00001", "manufacturing_order", "mrp.production"),
    ("POS/0001", "pos_order", "pos.order"),
    ("Shop/0042", "pos_order", "pos.order"),
    ("Butik2/12345", "pos_order", "pos.order"),
    ("Shop - 0001", "pos_order", "pos.order"),
    ("Kassa - 000123", "pos_order", "pos.order"),
    ("Order 00012-003-0004", "pos_order", "pos.order"),
]


@pytest.mark.parametrize(("number", "kind", "model"), REFERENCE_SAMPLES)
def test_find_references_recognises_every_default_format(
    number: str, kind: str, model: str
) -> None:
    assert find_references(f"Please check {number} today.") == [Reference(number, kind, model)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(S00042)", "S00042"),
        ("#S00042,", "S00042"),
        ('"INV/2026/00001"', "INV/2026/00001"),
        ("ref:WH/OUT/00005;", "WH/OUT/00005"),
        ("S00042.pdf", "S00042"),  # the quotation's PDF name
        ("Furniture Shop/0003", "Furniture Shop/0003"),  # the whole name of the POS
        ("at Furniture Shop - 00003.", "Furniture Shop - 00003"),
        ("Shop/0001 REFUND", "Shop/0001"),
        ("Quotation - S00042", "S00042"),
    ],
)
def test_find_references_reads_numbers_at_punctuation_edges(text: str, expected: str) -> None:
    assert [r.text for r in find_references(text)] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "2026/01/15",
        "15/01/2026",
        "2026-01-15T10:30:00+01:00",
        "1 000,00 kr",
        "1/2",
        "12/2026",
        "+46 8 749 0995",
        "08-749 09 95",
        "070-123 45 67",
        "Odoo 17.0, version 17.0.1.3, saas~17.2",
        "SD-24017",
        "s00042",
        "S1234",
        "S12345678",
        "XS00042",
        "S00042X",
        "ABC-S00042",
        "S00042-1",
        "S00042.5",
        "INV/2026/15",
        "INV/25-27/0001",
        "INV/2026/13/0001",
        "INV/1826/00001",
        "INV/2026/00001/2",
        "FOO/2026/00001",
        "3/OUT/2024",
        "wh/out/00005",
        "WH/SHIP/00005",
        "Jan/2026",
        "Shop/2024",
        "Shop - 1500",
        "POS - 2024",
        "WebShop/0001",
        "Order 12-003-0004",
        "https://acme.odoo.com/report/pdf/INV/2026/00001",
        "https://example.com/orders?ref=S00042",
        "www.acme.se/S00042",
        "acme.se/orders/S00042",
        "S00042@acme.se",
        "order-S00042@acme.se",
    ],
)
def test_find_references_ignores_dates_amounts_phones_versions_and_links(text: str) -> None:
    assert find_references(f"x {text} y") == []


def test_find_references_deduplicates_case_insensitively_in_order_of_appearance() -> None:
    found = find_references("inv/2026/00001, S00042, INV/2026/00001 and S00042 again, P00023")
    assert [r.text for r in found] == ["inv/2026/00001", "S00042", "P00023"]
    assert [r.normalised() for r in found] == ["INV/2026/00001", "S00042", "P00023"]


def test_references_between_non_breaking_spaces_and_tabs_are_found() -> None:
    found = find_references("faktura\xa0INV/2026/00001\xa0och\tS00042\r\n")
    assert [r.text for r in found] == ["INV/2026/00001", "S00042"]


@pytest.mark.parametrize(
    "text",
    [
        "S00042," * 30_000,
        "a@b.se," + "S00042," * 30_000,
        ("a." * 2_000 + "+S00042") * 50,
        "a-." * 70_000 + "odoo.com/x",
        "https://" * 25_000,
        "a" * 100_000 + "@",
    ],
    ids=["one-token", "address-token", "dotted-runs", "host-run", "schemes", "at-run"],
)
def test_hostile_text_is_scanned_in_linear_time(text: str) -> None:
    start = time.perf_counter()
    find_references(text)
    find_urls(text)
    assert time.perf_counter() - start < 5  # quadratic scans took 30 s to minutes here


def test_reference_in_a_link_counts_only_when_also_written_as_text() -> None:
    text = "See https://x.example/print?name=INV/2026/00009 for INV/2026/00009."
    assert [r.text for r in find_references(text)] == ["INV/2026/00009"]
    assert find_references("See https://x.example/print?name=INV/2026/00009 please") == []


# ---------------------------------------------------------------------------
# Mail bodies
# ---------------------------------------------------------------------------

ENGLISH_MAIL = """\
Hi team,

Our invoice INV/2026/00012 for order S00042 shows the wrong VAT (25% instead of 12%).
The delivery WH/OUT/00017 left on 2026-03-04 but the customer got 1/2 of the goods.
Screenshot of the order: https://acme.odoo.com/odoo/sales/42?debug=1.
The credit note should be RINV/2026/00003; the bill from our supplier is BILL/2026/03/0007
(see https://acme.odoo.com/web#id=7&cids=1-2&model=account.move&view_type=form).

Call me on +46 8 749 0995 or 08-749 09 95 and quote SD-24017.
Amount due: 1 000,00 SEK, due 15/04/2026.
--
Jane Doe, jane.doe@acme.se, https://www.acme.se/contact
"""

SWEDISH_MAIL = """\
Hej!

Vi har problem med kassan: kvittot Order 00012-003-0004 från Shop/0421 saknar moms.
Inköpsorder P00023 och PO00019 är mottagna (WH/IN/00008), men tillverkningsordern
WH/MO/00003 står still sedan 2026/01/15. Betalningen PBNK1/2026/00044 syns inte i
bankjournalen BNK1/2026/00102. Länk: <https://acme.odoo.com/odoo/action-423/17?cids=2>
och portalen https://acme.odoo.com/my/invoices/17?access_token=abc123, se även
https://www.odoo.com/documentation/18.0/applications/sales.html.

Mvh, Sven (tel. 070-123 45 67), version 18.0+e, ärende SD-24017.
"""


def test_english_mail_gives_its_references_and_urls() -> None:
    assert [(r.text, r.kind) for r in find_references(ENGLISH_MAIL)] == [
        ("INV/2026/00012", "customer_invoice"),
        ("S00042", "sale_order"),
        ("WH/OUT/00017", "delivery"),
        ("RINV/2026/00003", "credit_note"),
        ("BILL/2026/03/0007", "vendor_bill"),
    ]
    assert [(u.kind, u.model, u.record_id, u.action) for u in find_urls(ENGLISH_MAIL)] == [
        ("path", None, 42, "sales"),
        ("legacy", "account.move", 7, None),
    ]


def test_swedish_mail_gives_its_references_and_urls() -> None:
    assert [(r.text, r.kind, r.model) for r in find_references(SWEDISH_MAIL)] == [
        ("Order 00012-003-0004", "pos_order", "pos.order"),
        ("Shop/0421", "pos_order", "pos.order"),
        ("P00023", "purchase_order", "purchase.order"),
        ("PO00019", "purchase_order", "purchase.order"),
        ("WH/IN/00008", "receipt", "stock.picking"),
        ("WH/MO/00003", "manufacturing_order", "mrp.production"),
        ("PBNK1/2026/00044", "payment", "account.payment"),
        ("BNK1/2026/00102", "bank_entry", "account.move"),
    ]
    urls = find_urls(SWEDISH_MAIL)
    assert [u.normalised() for u in urls] == [
        "https://acme.odoo.com/odoo/action-423/17?cids=2",
        "https://acme.odoo.com/my/invoices/17",
    ]
    assert all(u.database == "acme" for u in urls)


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------

# Without "/", "-" and capitals no reference format can be spelled.
SAFE_CHARS = string.ascii_lowercase + string.digits + " .,;:!?()+%\n\t"


@given(st.text(alphabet=SAFE_CHARS, max_size=300))
def test_text_without_reference_characters_yields_no_references(text: str) -> None:
    assert find_references(text) == []
    assert find_urls(text) == []


years = st.integers(1990, 2099)
days = st.integers(1, 28)
months = st.integers(1, 12)
near_misses = st.one_of(
    st.builds(lambda y, m, d: f"{y}/{m:02d}/{d:02d}", years, months, days),
    st.builds(lambda y, m, d: f"{d:02d}/{m:02d}/{y}", years, months, days),
    st.builds(lambda y, m, d: f"{d}/{m}", years, months, days),
    st.builds(lambda y, m, d: f"{y}-{m:02d}-{d:02d}", years, months, days),
    st.builds(lambda y, m: f"{m:02d}/{y}", years, months),
    st.builds(lambda a, b: f"{a} {b:03d},{b % 100:02d}", st.integers(1, 999), st.integers(0, 999)),
    st.builds(lambda a, b: f"{a}/{b}", st.integers(0, 99), st.integers(1, 99)),
    st.builds(
        lambda a, b, c: f"+46 {a} {b:03d} {c:04d}",
        st.integers(1, 99),
        st.integers(0, 999),
        st.integers(0, 9999),
    ),
    st.builds(
        lambda a, b, c: f"0{a}-{b:03d} {c:02d} {c:02d}",
        st.integers(1, 99),
        st.integers(0, 999),
        st.integers(0, 99),
    ),
    st.builds(lambda a, b: f"{a}.{b}", st.integers(8, 19), st.integers(0, 9)),
    st.builds(
        lambda a, b, c: f"v{a}.{b}.{c}", st.integers(8, 19), st.integers(0, 9), st.integers(0, 99)
    ),
    st.builds(lambda n: f"SD-{n}", st.integers(10000, 99999)),
    st.builds(lambda n: f"s{n:05d}", st.integers(0, 99999)),
    st.builds(lambda n: f"S{n}", st.integers(0, 9999)),
    st.builds(lambda n: f"Jan/{n}", years),
    st.builds(lambda n: f"Shop/{n}", years),
    st.builds(lambda n: f"https://acme.odoo.com/report/pdf/INV/2026/{n:05d}", st.integers(1, 99)),
    st.builds(lambda n: f"S{n:05d}@acme.se", st.integers(1, 99999)),
    st.from_regex(r"[a-zåäö]{1,12}", fullmatch=True),
)
separators = st.sampled_from([" ", "  ", "\n", ", ", ". ", " - ", "; ", "\t"])


@st.composite
def sentences(draw: st.DrawFn, tokens: st.SearchStrategy[str] = near_misses) -> list[str]:
    return draw(st.lists(st.tuples(tokens, separators).map("".join), max_size=25))


@given(sentences())
def test_dates_amounts_phones_versions_and_links_never_make_references(parts: list[str]) -> None:
    assert find_references("".join(parts)) == []


def _padded(width: int) -> st.SearchStrategy[str]:
    return st.integers(1, 10**width - 1).map(lambda n: f"{n:0{width}d}")


codes = st.from_regex(r"[A-Z][A-Z0-9]{0,4}", fullmatch=True)
journals = st.sampled_from(
    [
        ("INV", "customer_invoice"),
        ("RINV", "credit_note"),
        ("BILL", "vendor_bill"),
        ("RBILL", "vendor_refund"),
        ("MISC", "misc_entry"),
        ("BNK1", "bank_entry"),
        ("BNK2", "bank_entry"),
        ("PBNK1", "payment"),
        ("CSH1", "cash_entry"),
        ("PCSH1", "payment"),
        ("EXCH", "exchange_difference"),
        ("STJ", "stock_valuation"),
        ("DINV", "debit_note"),
    ]
)
year_parts = st.one_of(
    st.integers(2000, 2099).map(str),
    st.integers(0, 98).map(lambda y: f"{y:02d}-{y + 1:02d}"),
)
operations = st.sampled_from(
    [
        ("IN", "receipt"),
        ("OUT", "delivery"),
        ("PICK", "pick"),
        ("PACK", "pack"),
        ("INT", "internal_transfer"),
        ("QC", "quality_control"),
        ("STOR", "storage"),
        ("XD", "cross_dock"),
        ("POS", "pos_delivery"),
        ("PC", "pick_components"),
        ("SFP", "store_finished_product"),
        ("MO", "manufacturing_order"),
    ]
)
generated_references = st.one_of(
    st.builds(lambda n: (f"S{n}", "sale_order"), _padded(5)),
    st.builds(lambda p, n: (f"{p}{n}", "purchase_order"), st.sampled_from(["P", "PO"]), _padded(5)),
    st.builds(
        lambda j, y, m, n: (f"{j[0]}/{y}/{m}{n}", j[1]),
        journals,
        year_parts,
        st.sampled_from(["", "01/", "06/", "12/"]),
        _padded(4) | _padded(5),
    ),
    st.builds(lambda c, o, n: (f"{c}/{o[0]}/{n}", o[1]), codes, operations, _padded(5)),
    st.builds(
        lambda w, n: (f"{w}/{n}", "pos_order"),
        st.sampled_from(["POS", "Shop", "Butik", "Kassa", "POS2", "Furniture Shop", "Restaurant"]),
        _padded(4).filter(lambda n: not 1900 <= int(n) <= 2199),
    ),
    st.builds(
        lambda w, n: (f"{w} - {n}", "pos_order"),
        st.sampled_from(["Restaurant", "Furniture Shop", "Bar Centralen"]),
        st.integers(1, 9999).map(lambda n: f"{n:05d}"),
    ),
    st.builds(
        lambda w, n: (f"{w} - {n}", "pos_order"),
        st.sampled_from(["Shop", "POS"]),
        st.integers(1, 999).map(lambda n: f"{n:04d}"),
    ),
    st.builds(
        lambda a, b, c: (f"Order {a}-{b}-{c}", "pos_order"), _padded(5), _padded(3), _padded(4)
    ),
)


@given(
    before=sentences(),
    after=sentences(),
    reference=generated_references,
    opening=st.sampled_from(["", "(", "#", '"', "'", "ref:"]),
    closing=st.sampled_from(["", ".", ",", ")", ":", ";", "!", "?", '"']),
)
@example(before=[], after=[], reference=("INV/25-26/0001", "customer_invoice"), opening="",
         closing=".")  # fmt: skip
def test_a_reference_among_other_words_is_found_exactly_once_with_its_kind(
    before: list[str],
    after: list[str],
    reference: tuple[str, str],
    opening: str,
    closing: str,
) -> None:
    number, kind = reference
    text = "".join(before) + f" {opening}{number}{closing} " + "".join(after)
    assert [(r.text, r.kind) for r in find_references(text)] == [(number, kind)]


models = st.from_regex(r"[a-z][a-z0-9_]{0,10}(\.[a-z][a-z0-9_]{0,10}){1,3}", fullmatch=True)
record_ids = st.integers(1, 2**31 - 1)
companies = st.lists(st.integers(1, 500), max_size=4).map(tuple)
hosts = st.one_of(
    st.from_regex(r"[a-z][a-z0-9-]{0,20}[a-z0-9]", fullmatch=True).map(lambda s: f"{s}.odoo.com"),
    st.sampled_from(["erp.example.se", "localhost:8069", "10.0.0.5:8069", "odoo.acme.co.uk"]),
)
action_paths = st.from_regex(r"[a-z][a-z0-9_-]{0,15}", fullmatch=True).filter(
    lambda s: s != "new" and not s.startswith(("m-", "action-"))
)


@given(
    host=hosts,
    model=models,
    record_id=record_ids,
    action=st.integers(1, 99999),
    cids=companies,
    separator=st.sampled_from(["-", ","]),
    debug=st.booleans(),
)
def test_generated_legacy_url_gives_back_its_model_id_action_and_companies(
    host: str,
    model: str,
    record_id: int,
    action: int,
    cids: tuple[int, ...],
    separator: str,
    debug: bool,
) -> None:
    state = f"id={record_id}&action={action}&model={model}&view_type=form&menu_id=5"
    if cids:
        state += "&cids=" + separator.join(map(str, cids))
    url = f"https://{host}/web{'?debug=1' if debug else ''}#{state}"
    parsed = parse_odoo_url(url)
    assert parsed is not None
    assert (parsed.kind, parsed.model, parsed.record_id, parsed.action, parsed.companies) == (
        "legacy",
        model,
        record_id,
        str(action),
        cids,
    )
    assert parse_odoo_url(parsed.normalised()) is not None
    assert find_urls(f"Look at {url}.") == [parsed]


@given(
    host=hosts,
    screen=st.one_of(
        models.map(lambda m: (m, m, None)),
        action_paths.map(lambda a: (a, None, a)),
        st.integers(1, 9999).map(lambda n: (f"action-{n}", None, str(n))),
        st.from_regex(r"x_[a-z0-9_]{1,10}", fullmatch=True).map(lambda m: (f"m-{m}", m, None)),
    ),
    parent=st.one_of(st.none(), st.tuples(action_paths, record_ids)),
    record_id=record_ids,
    prefix=st.sampled_from(["odoo", "scoped_app"]),
)
def test_generated_path_url_gives_back_its_last_screen_and_record(
    host: str,
    screen: tuple[str, str | None, str | None],
    parent: tuple[str, int] | None,
    record_id: int,
    prefix: str,
) -> None:
    segment, model, action = screen
    path = f"{parent[0]}/{parent[1]}/" if parent else ""
    url = f"https://{host}/{prefix}/{path}{segment}/{record_id}"
    parsed = parse_odoo_url(url)
    assert parsed is not None
    assert (parsed.kind, parsed.model, parsed.action, parsed.record_id) == (
        "path",
        model,
        action,
        record_id,
    )
    normalised = parsed.normalised()
    again = parse_odoo_url(normalised)
    assert again is not None and again.normalised() == normalised
