"""The default numbers real databases produce beyond the classic ones (odoo/numbers.py):
journals made with the chart of accounts, debit notes, the stock and manufacturing
operation types of 18/19, and points of sale by their whole name. The property tests in
test_recognise.py cover these forms too."""

from __future__ import annotations

import pytest

from supportdesk.tickets.numbers import Reference, find_references

# Default numbers real databases produce beyond the ones above (accounting journals created
# with the chart of accounts, stock and manufacturing operation types of 18/19, POS names).
MORE_DEFAULT_NUMBERS = [
    ("CSH1/2026/00001", "cash_entry", "account.move"),
    ("PCSH1/2026/00001", "payment", "account.payment"),
    ("EXCH/2026/01/0001", "exchange_difference", "account.move"),
    ("STJ/2026/01/0001", "stock_valuation", "account.move"),
    ("DINV/2026/00001", "debit_note", "account.move"),
    ("WH/QC/00001", "quality_control", "stock.picking"),
    ("WH/STOR/00001", "storage", "stock.picking"),
    ("WH/XD/00001", "cross_dock", "stock.picking"),
    ("WH/POS/00001", "pos_delivery", "stock.picking"),
    ("WH/PC/00001", "pick_components", "stock.picking"),
    ("WH/SFP/00001", "store_finished_product", "stock.picking"),
    ("Restaurant - 00001", "pos_order", "pos.order"),
    ("Restaurant/0001", "pos_order", "pos.order"),
    ("Furniture Shop/0001", "pos_order", "pos.order"),
    ("Furniture Shop - 00001", "pos_order", "pos.order"),
    ("Bar Centralen - 00042", "pos_order", "pos.order"),
]


@pytest.mark.parametrize(("number", "kind", "model"), MORE_DEFAULT_NUMBERS)
def test_find_references_recognises_the_other_default_numbers(
    number: str, kind: str, model: str
) -> None:
    assert find_references(f"Please check {number} today.") == [Reference(number, kind, model)]


@pytest.mark.parametrize(
    "text",
    [
        "CSH/2026/00001/2",
        "EXCH/2026/13/0001",
        "WH/QCX/00001",
        "wh/stor/00001",
        "Restaurant - 1500",
        "Restaurant/2026",
        "Furniture Shop/2024",
        "restaurant - 00001",
        "Kassa - 12345",
    ],
)
def test_the_other_default_numbers_have_no_near_misses(text: str) -> None:
    assert find_references(f"x {text} y") == []
