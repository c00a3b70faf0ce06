"""URL repair for what OCR gets wrong in the address bar (table-driven)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportdesk.odoo.ocr_repair import address_url, fix_digits
from supportdesk.tickets.recognise import parse_odoo_url

URL = "nordvik.odoo.com/web#id=42&cids=1&menu_id=178&action=301&model=sale.order&view_type=form"


@pytest.mark.parametrize(
    ("read", "host", "model", "record_id", "action"),
    [
        (f"Not secure {URL}", "nordvik.odoo.com", "sale.order", 42, "301"),
        # "&" read as "8" before a parameter name
        (
            "nordvik.odoo.com/web#id=428cids=18menu_id=1788action=3018model=sale.order",
            "nordvik.odoo.com",
            "sale.order",
            42,
            "301",
        ),
        # "#" read as another character, or dropped
        ("nordvik.odoo.com/web4id=42&model=sale.order", "nordvik.odoo.com", "sale.order", 42, None),
        ("nordvik.odoo.com/webid=42&model=sale.order", "nordvik.odoo.com", "sale.order", 42, None),
        (
            "odoo.acme.se/web?debug=1 id=7&model=account.move",
            "odoo.acme.se",
            "account.move",
            7,
            None,
        ),
        # "?" lost in /mail/view
        (
            "erp.acme.se/mail/view7model=account.move&res_id=17",
            "erp.acme.se",
            "account.move",
            17,
            None,
        ),
        # 0/O and l/1/I in numbers
        ("nordvik.odoo.com/odoo/sales/4O", "nordvik.odoo.com", None, 40, "sales"),
        ("nordvik.odoo.com/web#id=l7&model=sale.order", "nordvik.odoo.com", "sale.order", 17, None),
        ("nordvik.od0o.c0m/odoo/sales/42", "nordvik.odoo.com", None, 42, "sales"),
        # the "/" after the host lost, spaces inside the URL
        ("nordvik.odoo.comodoo/sales/42", "nordvik.odoo.com", None, 42, "sales"),
        (
            "nordvik.odoo.com/web#id=42 &model=sale.order",
            "nordvik.odoo.com",
            "sale.order",
            42,
            None,
        ),
    ],
)
def test_address_bar_lines_are_repaired_into_the_odoo_url(read, host, model, record_id, action):
    url = address_url(read)
    assert url is not None, read
    assert (url.host, url.model, url.record_id, url.action) == (host, model, record_id, action)


@pytest.mark.parametrize(
    "read",
    [
        "Not secure www.odoo.com/page/pricing",
        "runbot.odoo.com/runbot",
        "intranet.acme.se/wiki/Invoicing_routines",
        "Search Google or type a URL",
        "",
    ],
)
def test_lines_without_an_odoo_screen_url_give_none(read):
    assert address_url(read) is None


@pytest.mark.parametrize(
    ("read", "fixed"),
    [
        ("Quotations / $00042", "Quotations / S00042"),
        ("s00043", "S00043"),
        ("INV/2O26/0OO17", "INV/2026/00017"),
        ("Odoo Server Error", "Odoo Server Error"),
        ("Total 500 kr", "Total 500 kr"),
    ],
)
def test_digits_read_as_letters_are_repaired_only_in_numbers(read, fixed):
    assert fix_digits(read) == fixed


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_line_gives_none_or_an_odoo_url(line):
    url = address_url(line)
    assert url is None or parse_odoo_url(url.normalised()) is not None


@settings(max_examples=100, deadline=None)
@given(
    host=st.from_regex(r"[a-z]{3,10}\.odoo\.com", fullmatch=True),
    model=st.sampled_from(["sale.order", "account.move", "stock.picking", "res.partner"]),
    record_id=st.integers(min_value=1, max_value=10**6),
    action=st.integers(min_value=1, max_value=9999),
)
def test_a_clean_address_bar_reads_as_itself(host, model, record_id, action):
    line = f"Not secure {host}/web#id={record_id}&action={action}&model={model}&view_type=form"
    url = address_url(line)
    assert url is not None
    assert (url.host, url.model, url.record_id, url.action) == (host, model, record_id, str(action))
