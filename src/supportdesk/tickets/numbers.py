"""Recognise Odoo document numbers in free text (pure functions, standard library only).

Document numbers (Odoo defaults, editable per database)
-------------------------------------------------------
========================================  ======================  ===============
form                                      kind                    model
========================================  ======================  ===============
``S00042`` (S + 5-7 digits)               sale_order              sale.order
``P00023``, ``PO00023``                   purchase_order          purchase.order
``INV/2026/00001``                        customer_invoice        account.move
``RINV/2026/00001``                       credit_note             account.move
``BILL/2026/01/0001``                     vendor_bill             account.move
``RBILL/2026/01/0001``                    vendor_refund           account.move
``MISC/2026/01/0001``                     misc_entry              account.move
``BNK1/2026/00001``                       bank_entry              account.move
``PBNK1/2026/00001``                      payment                 account.payment
``CSH1/2026/00001``                       cash_entry              account.move
``PCSH1/2026/00001``                      payment                 account.payment
``EXCH/2026/01/0001``                     exchange_difference     account.move
``STJ/2026/01/0001``                      stock_valuation         account.move
``DINV/2026/00001`` (debit note)          debit_note              account.move
``WH/IN/00005``                           receipt                 stock.picking
``WH/OUT/00005``                          delivery                stock.picking
``WH/PICK/00005``                         pick                    stock.picking
``WH/PACK/00005``                         pack                    stock.picking
``WH/INT/00005``                          internal_transfer       stock.picking
``WH/QC/00005`` (18/19)                   quality_control         stock.picking
``WH/STOR/00005`` (18/19)                 storage                 stock.picking
``WH/XD/00005`` (18/19)                   cross_dock              stock.picking
``WH/POS/00005`` (18/19)                  pos_delivery            stock.picking
``WH/PC/00005``                           pick_components         stock.picking
``WH/SFP/00005``                          store_finished_product  stock.picking
``WH/MO/00001``                           manufacturing_order     mrp.production
``Shop/0001``, ``Shop - 0001``,           pos_order               pos.order
``Furniture Shop/0001``,
``Restaurant - 00001``,
``Order 00012-003-0004``
========================================  ======================  ===============

Accounting numbers: any journal year form ``2026`` or staggered ``25-26`` (consecutive
years), an optional month ``01``-``12``, then 3-8 digits; matched case-insensitively.
``BNK`` and ``CSH`` take up to two digits (``BNK1``, ``CSH12``). Sale/purchase and stock numbers are
matched case-sensitively (``s00042`` is more often something else); the warehouse code is
1-5 upper-case letters or digits starting with a letter (Odoo allows a leading digit; such
numbers are missed rather than risk ``3/OUT/2024``-like text).

Point of sale: Odoo names an order after its POS (``<POS name>/0001`` up to 17,
``<POS name> - 0001`` in 18/19) and the name is free text, so a generic ``Word/0001`` rule
would catch ``Jan/2026`` and the like. Recognised are: a POS whose name ends in the word
``POS``, ``Shop``, ``Butik``, ``Kassa`` or ``Restaurant`` (case as written, optionally with
1-2 digits, e.g. ``POS2``) followed by ``/`` and 4-6 digits that are not a year 1900-2199;
any POS name of capitalised words (``Restaurant``, ``Bar Centralen``) followed by `` - ``
and a zero-padded number ``0001``-``099999`` (``Shop - 1500`` is more likely a price, and
``Page - 0001`` is a rare false hit that a look-up answers with "not found by this name");
and the receipt reference ``Order 00012-003-0004`` (``pos_reference``, printed on
receipts). Up to two capitalised words before the POS word are part of the name
(``Furniture Shop/0001``); a word is capitalised when an upper-case letter is followed by a
lower-case one, so ``S00042 Shop/0001`` is two numbers. A capitalised word that is not part
of the name ("Kvitto Shop/0001") is dealt with by the look-up, which then searches by the
name's end.

All numbers need clean edges: not preceded by a letter, digit, ``_``, ``/``, ``-``, ``.``,
``@`` or ``\\``; not followed by a letter, digit, ``_``, ``/``, ``@`` or ``\\``, nor by
``-`` + letter/digit or ``.``/``,``/``:`` + digit (``S00042.pdf`` and ``S00042.`` are fine).
So dates (``2026/01/15``), amounts, phone numbers, versions and ``SD-24017`` ticket numbers
never match. The receipt's word ``Order`` is matched in any case. Numbers inside any URL
(Odoo or not), ``www.`` address, bare ``host.tld/path`` or e-mail address are not reported:
they are part of a link, which :func:`find_urls` reports on its own; a number is reported
when the customer also writes it as text. (The link is looked for in the whitespace-delimited
token around the number, at most 2048 characters either way, which keeps hostile input
linear.) Results are deduplicated by ``normalised()``; the first occurrence is kept, in
order of appearance.
"""

import re
from dataclasses import dataclass

__all__ = ["Reference", "find_references"]

# ---------------------------------------------------------------------------
# Document numbers
# ---------------------------------------------------------------------------

_BEFORE = r"(?<![\w/.@\\-])"
# A word of a point of sale's name: capitalised, then lower case ("Furniture", "Café"), so
# that a document number ("S00042") is never taken for one.
_NAME_WORD = r"[A-ZÅÄÖÉ][a-zåäöéü][A-Za-zÅÄÖåäöÉéü0-9&']*"
_POS_WORD = r"(?:POS|Shop|Butik|Kassa|Restaurant)[0-9]{0,2}"
_AFTER = r"(?![\w/@\\]|[.,:][0-9]|-\w)"
_REFERENCE = re.compile(
    _BEFORE
    + r"(?:"
    + r"(?P<acc>(?i:(?P<journal>[RD]?INV|R?BILL|MISC|EXCH|STJ|P?(?:BNK|CSH)[0-9]{0,2})"
    + r"/(?P<year>(?:19|20|21)[0-9]{2}|[0-9]{2}-[0-9]{2})"
    + r"/(?:(?:0[1-9]|1[0-2])/)?[0-9]{3,8}))"
    + r"|(?P<stock>[A-Z][A-Z0-9]{0,4}/(?P<operation>"
    + r"IN|OUT|PICK|PACK|INT|QC|STOR|XD|POS|MO|PC|SFP)/[0-9]{4,7})"
    + r"|(?P<pos>(?:"
    + _NAME_WORD
    + r" ){0,2}"
    + r"(?:"
    + _POS_WORD
    + r"/[0-9]{4,6}|(?:"
    + _POS_WORD
    + "|"
    + _NAME_WORD
    + r") - 0[0-9]{3,5})"
    + r")"
    + r"|(?P<receipt>(?i:order) [0-9]{5}-[0-9]{3}-[0-9]{4})"
    + r"|(?P<sale>S[0-9]{5,7})"
    + r"|(?P<purchase>PO?[0-9]{5,7})"
    + r")"
    + _AFTER
)
_JOURNAL_KINDS = {
    "INV": ("customer_invoice", "account.move"),
    "RINV": ("credit_note", "account.move"),
    "BILL": ("vendor_bill", "account.move"),
    "RBILL": ("vendor_refund", "account.move"),
    "DINV": ("debit_note", "account.move"),
    "MISC": ("misc_entry", "account.move"),
    "EXCH": ("exchange_difference", "account.move"),
    "STJ": ("stock_valuation", "account.move"),
    "BNK": ("bank_entry", "account.move"),
    "PBNK": ("payment", "account.payment"),
    "CSH": ("cash_entry", "account.move"),
    "PCSH": ("payment", "account.payment"),
}
_OPERATION_KINDS = {
    "IN": ("receipt", "stock.picking"),
    "OUT": ("delivery", "stock.picking"),
    "PICK": ("pick", "stock.picking"),
    "PACK": ("pack", "stock.picking"),
    "INT": ("internal_transfer", "stock.picking"),
    "QC": ("quality_control", "stock.picking"),
    "STOR": ("storage", "stock.picking"),
    "XD": ("cross_dock", "stock.picking"),
    "POS": ("pos_delivery", "stock.picking"),
    "PC": ("pick_components", "stock.picking"),
    "SFP": ("store_finished_product", "stock.picking"),
    "MO": ("manufacturing_order", "mrp.production"),
}
# A number is looked up in the whitespace-delimited token around it, at most this far either
# way: links longer than that are not seen, and the cost stays linear on hostile input.
_TOKEN_REACH = 2048
_LAST_SPACE = re.compile(r".*\s", re.DOTALL)
_NON_SPACE = re.compile(r"\S*")
# Links and e-mail addresses, a number inside one is not reported. Every alternative starts
# only where its run of characters starts (lookbehind), so the scan stays linear.
_LINKISH = re.compile(
    r"(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*://\S+"
    r"|(?<![\w.-])www\.\S+"
    r"|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|(?<![\w@/.-])(?-i:(?:[a-z0-9-]+\.)+[a-z]{2,})(?::[0-9]{1,5})?/\S*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Reference:
    """An Odoo document number found in text."""

    text: str  # as found, e.g. "INV/2026/00012"
    kind: str  # e.g. "customer_invoice"
    model: str  # e.g. "account.move"

    def normalised(self) -> str:
        """Upper-case canonical text, the key for dedup and for an ``ilike`` search."""
        return self.text.upper()


def find_references(text: str) -> list[Reference]:
    """Odoo document numbers in free text, in order of appearance, deduplicated."""
    found: list[Reference] = []
    seen: set[str] = set()
    token = (0, 0)
    links: list[tuple[int, int]] = []
    for match in _REFERENCE.finditer(text):
        position = match.start()
        if not token[0] <= position < token[1]:  # numbers often share a token: look once
            token = _token_around(text, position)
            links = [m.span() for m in _LINKISH.finditer(text, *token)]
        if any(start <= position < end for start, end in links):
            continue  # part of a link or an address
        reference = _classify(match)
        if reference is not None and reference.normalised() not in seen:
            seen.add(reference.normalised())
            found.append(reference)
    return found


def _token_around(text: str, position: int) -> tuple[int, int]:
    """The whitespace-delimited token around `position`, clipped to `_TOKEN_REACH`."""
    floor = max(0, position - _TOKEN_REACH)
    space = _LAST_SPACE.match(text, floor, position)
    rest = _NON_SPACE.match(text, position, min(len(text), position + _TOKEN_REACH))
    return (space.end() if space else floor, rest.end() if rest else position)


def _classify(match: re.Match[str]) -> Reference | None:
    text = match.group()
    if match.group("acc"):
        year = match.group("year")
        if "-" in year:  # staggered fiscal year: consecutive years
            first, second = (int(part) for part in year.split("-"))
            if second != (first + 1) % 100:
                return None
        journal = match.group("journal").upper()
        kind, model = _JOURNAL_KINDS[journal.rstrip("0123456789")]
        return Reference(text, kind, model)
    if match.group("stock"):
        kind, model = _OPERATION_KINDS[match.group("operation")]
        return Reference(text, kind, model)
    if match.group("pos"):
        number = text.rpartition("/")[2]
        if len(number) == 4 and 1900 <= int(number) <= 2199:
            return None  # "Shop/2024" is a year more often than an order
        return Reference(text, "pos_order", "pos.order")
    if match.group("receipt"):
        return Reference(text, "pos_order", "pos.order")
    if match.group("sale"):
        return Reference(text, "sale_order", "sale.order")
    return Reference(text, "purchase_order", "purchase.order")
