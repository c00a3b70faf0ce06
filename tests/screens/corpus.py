"""A screenshot corpus made from real browser windows.

Debian's Chromium runs under Xvfb *with its address bar* (not headless), showing local
pages shaped like Odoo screens at the URLs of every supported Odoo version's forms; the
host names are real-looking (``--host-resolver-rules`` sends them to a local server) and
the whole window is captured with ImageMagick's ``import``. Window sizes, device scale
factors (1.0, 1.25, 1.5), light and dark themes vary; some shots are saved as lossy JPEG;
non-Odoo pages are the negatives. Nothing is downloaded.

``build(directory)`` makes the images (one Chromium per variant) and returns the
:class:`Shot` list with what each image shows, the ground truth of the tests and of
``bench/ocr.py``. Results are cached in ``directory`` by a hash of this module and
``pages.py``, so a test session and the benchmark make them once.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from PIL import Image

from tests.screens import pages

CHROMIUM = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
NEEDED = ("Xvfb", "import", "tesseract")


@dataclass(frozen=True)
class Shot:
    name: str
    url: str  # what the address bar shows (scheme included), "" for none
    odoo: bool  # the URL is an Odoo screen's
    references: tuple[str, ...]  # document numbers shown as text
    dialog_title: str = ""
    dialog_message: str = ""
    size: tuple[int, int] = (1920, 1080)
    scale: float = 1.0
    dark: bool = False
    jpeg: bool = False
    html: str = field(default="", repr=False, compare=False)

    @property
    def filename(self) -> str:
        return f"{self.name}.{'jpg' if self.jpeg else 'png'}"


def _tb(frames: list[tuple[str, int, str, str]], error: str) -> str:
    lines = ["Traceback (most recent call last):"]
    for path, line, function, code in frames:
        lines += [f'  File "{path}", line {line}, in {function}', f"    {code}"]
    return "\n".join([*lines, error])


_SALE_TB = _tb(
    [
        ("/home/odoo/src/odoo/odoo/http.py", 1765, "_serve_db", "return service_model.retrying("),
        (
            "/home/odoo/src/odoo/addons/sale/models/sale_order.py",
            912,
            "action_confirm",
            "self._action_confirm()",
        ),
        (
            "/home/odoo/src/user/l10n_se_nordic/models/sale.py",
            88,
            "_action_confirm",
            "raise UserError(_('The customer %s has no VAT number', partner.name))",
        ),
    ],
    "odoo.exceptions.UserError: The customer Fjord Bygg AS has no VAT number",
)
_MOVE_TB = _tb(
    [
        (
            "/opt/odoo/odoo/api.py",
            461,
            "call_kw",
            "result = _call_kw_model(method, model, args, kwargs)",
        ),
        (
            "/opt/odoo/addons/account/models/account_move.py",
            4120,
            "action_post",
            "other_moves._post(soft=False)",
        ),
        (
            "/opt/odoo/addons/account/models/account_move.py",
            3905,
            "_post",
            "raise UserError(_('The entry %s (id %s) is already posted.', move.name, move.id))",
        ),
    ],
    "odoo.exceptions.UserError: The entry INV/2026/00017 (id 17) is already posted.",
)
_STOCK_TB = _tb(
    [
        ("/home/odoo/src/odoo/odoo/models.py", 5321, "write", "field.write(self, value)"),
        (
            "/home/odoo/src/odoo/addons/stock/models/stock_move_line.py",
            498,
            "_action_done",
            "raise ValidationError(msg)",
        ),
    ],
    "odoo.exceptions.ValidationError: The quantity done for the product Desk Combination cannot be negative.",
)

_SALE_FORM = pages.form(
    app="Sales",
    crumb="Quotations",
    name="S00042",
    fields=[
        ("Customer", "Nordvik Trading AB"),
        ("Order Date", "11/28/2026"),
        ("Total", "12 450,00 kr"),
    ],
)
_INVOICE_FORM = pages.form(
    app="Invoicing",
    crumb="Customer Invoices",
    name="INV/2026/00017",
    fields=[("Customer", "Fjord Bygg AS"), ("Invoice Date", "11/27/2026"), ("Source", "S00039")],
)
_RECEIPT_FORM = pages.form(
    app="Inventory",
    crumb="Receipts",
    name="WH/IN/00019",
    fields=[("Receive From", "Kallstrom Verktyg AB"), ("Source Document", "P00023")],
)
_PURCHASE_FORM = pages.form(
    app="Purchase",
    crumb="Requests for Quotation",
    name="P00023",
    fields=[("Vendor", "Kallstrom Verktyg AB"), ("Order Deadline", "12/02/2026")],
)
_BILL_FORM = pages.form(
    app="Invoicing",
    crumb="Vendor Bills",
    name="BILL/2026/11/0004",
    fields=[("Vendor", "Kallstrom Verktyg AB"), ("Bill Date", "11/20/2026")],
)
_SALE_LIST = pages.listing(
    app="Sales",
    crumb="Quotations",
    rows=[
        ("S00044", "Nordvik Trading AB", "3 100,00"),
        ("S00043", "Fjord Bygg AS", "890,00"),
        ("S00042", "Nordvik Trading AB", "12 450,00"),
    ],
)
_INVOICE_LIST = pages.listing(
    app="Invoicing",
    crumb="Customer Invoices",
    rows=[
        ("INV/2026/00018", "Nordvik Trading AB", "4 000,00"),
        ("INV/2026/00017", "Fjord Bygg AS", "7 120,00"),
    ],
)

_VALIDATION = (
    "Validation Error",
    "The quantity done for the product Desk Combination cannot be negative.",
)
_USER_ERROR = ("User Error", "The entry INV/2026/00017 (id 17) is already posted.")
_ACCESS = (
    "Access Error",
    "You are not allowed to modify 'Sales Order' (sale.order) records. "
    "This operation is allowed for the following groups: Sales / Administrator.",
)
_SERVER = ("Odoo Server Error", "The customer Fjord Bygg AS has no VAT number")


def _dialog(page: str, what: tuple[str, str], tb: str = "") -> str:
    return pages.with_dialog(page, title=what[0], message=what[1], traceback=tb)


def variants() -> list[Shot]:
    """The corpus: every URL form of Odoo 14-19, sizes, scales, themes, JPEG, negatives."""
    big, laptop, hd, wide = (1920, 1080), (1366, 768), (1280, 800), (1600, 900)
    s = Shot
    return [
        # Odoo 16/17 legacy fragments on Odoo Online and self-hosted
        s(
            "v16-sale-form",
            "http://nordvik.odoo.com/web#id=42&cids=1&menu_id=178&action=301&model=sale.order&view_type=form",
            True,
            ("S00042",),
            html=_SALE_FORM,
        ),
        s(
            "v16-sale-form-dark",
            "http://nordvik.odoo.com/web#id=42&cids=1&menu_id=178&action=301&model=sale.order&view_type=form",
            True,
            ("S00042",),
            dark=True,
            html=_SALE_FORM,
        ),
        s(
            "v17-invoice-form",
            "http://erp.kallstrom.se/web#id=17&cids=1-2&menu_id=101&action=245&model=account.move&view_type=form",
            True,
            ("INV/2026/00017", "S00039"),
            size=laptop,
            html=_INVOICE_FORM,
        ),
        s(
            "v17-invoice-list",
            "http://erp.kallstrom.se/web#action=245&model=account.move&view_type=list&cids=1&menu_id=101",
            True,
            ("INV/2026/00018", "INV/2026/00017"),
            html=_INVOICE_LIST,
        ),
        s(
            "v16-receipt-form-125",
            "http://fjordbygg.odoo.com/web#id=19&cids=1&menu_id=210&action=390&model=stock.picking&view_type=form",
            True,
            ("WH/IN/00019", "P00023"),
            scale=1.25,
            html=_RECEIPT_FORM,
        ),
        s(
            "v17-server-error",
            "http://nordvik.odoo.com/web#id=42&cids=1&menu_id=178&action=301&model=sale.order&view_type=form",
            True,
            ("S00042",),
            *_SERVER,
            html=_dialog(_SALE_FORM, _SERVER, _SALE_TB),
        ),
        s(
            "v17-server-error-jpeg",
            "http://nordvik.odoo.com/web#id=42&cids=1&menu_id=178&action=301&model=sale.order&view_type=form",
            True,
            ("S00042",),
            *_SERVER,
            jpeg=True,
            html=_dialog(_SALE_FORM, _SERVER, _SALE_TB),
        ),
        s(
            "v16-user-error",
            "http://odoo.fjordbygg.no/web?debug=1#id=17&cids=1&menu_id=101&action=245&model=account.move&view_type=form",
            True,
            ("INV/2026/00017",),
            *_USER_ERROR,
            size=wide,
            html=_dialog(_INVOICE_FORM, _USER_ERROR, _MOVE_TB),
        ),
        # Odoo 18/19 path routes
        s(
            "v18-sale-form",
            "http://nordvik.odoo.com/odoo/sales/42",
            True,
            ("S00042",),
            html=_SALE_FORM,
        ),
        s(
            "v18-sale-form-150",
            "http://nordvik.odoo.com/odoo/sales/42",
            True,
            ("S00042",),
            scale=1.5,
            size=big,
            html=_SALE_FORM,
        ),
        s(
            "v18-sale-form-dark-jpeg",
            "http://nordvik.odoo.com/odoo/sales/42",
            True,
            ("S00042",),
            dark=True,
            jpeg=True,
            html=_SALE_FORM,
        ),
        s(
            "v18-sale-list-laptop",
            "http://nordvik.odoo.com/odoo/sales",
            True,
            ("S00044", "S00043", "S00042"),
            size=laptop,
            html=_SALE_LIST,
        ),
        s(
            "v18-invoice-action",
            "http://erp.kallstrom.se/odoo/action-account.action_move_out_invoice_type/17",
            True,
            ("INV/2026/00017", "S00039"),
            html=_INVOICE_FORM,
        ),
        s(
            "v18-access-error",
            "http://nordvik.odoo.com/odoo/sales/42",
            True,
            ("S00042",),
            *_ACCESS,
            size=hd,
            scale=1.25,
            html=_dialog(_SALE_FORM, _ACCESS),
        ),
        s(
            "v19-purchase-form",
            "http://kallstrom.odoo.com/odoo/purchase/23",
            True,
            ("P00023",),
            size=hd,
            html=_PURCHASE_FORM,
        ),
        s(
            "v19-purchase-form-dark-125",
            "http://kallstrom.odoo.com/odoo/purchase/23",
            True,
            ("P00023",),
            dark=True,
            scale=1.25,
            html=_PURCHASE_FORM,
        ),
        s(
            "v19-receipt-nested",
            "http://fjordbygg.odoo.com/odoo/inventory/receipts/19",
            True,
            ("WH/IN/00019", "P00023"),
            size=wide,
            html=_RECEIPT_FORM,
        ),
        s(
            "v19-bill-model",
            "http://erp.kallstrom.se/odoo/m-account.move/4",
            True,
            ("BILL/2026/11/0004",),
            html=_BILL_FORM,
        ),
        s(
            "v19-validation-error",
            "http://fjordbygg.odoo.com/odoo/inventory/receipts/19",
            True,
            ("WH/IN/00019",),
            *_VALIDATION,
            html=_dialog(_RECEIPT_FORM, _VALIDATION, _STOCK_TB),
        ),
        s(
            "v19-validation-error-dark-150",
            "http://fjordbygg.odoo.com/odoo/inventory/receipts/19",
            True,
            ("WH/IN/00019",),
            *_VALIDATION,
            dark=True,
            scale=1.5,
            html=_dialog(_RECEIPT_FORM, _VALIDATION),
        ),
        s(
            "v19-user-error-jpeg",
            "http://erp.kallstrom.se/odoo/action-account.action_move_out_invoice_type/17",
            True,
            ("INV/2026/00017",),
            *_USER_ERROR,
            jpeg=True,
            size=laptop,
            html=_dialog(_INVOICE_FORM, _USER_ERROR),
        ),
        s(
            "portal-order",
            "http://nordvik.odoo.com/my/orders/42",
            True,
            ("S00042",),
            size=hd,
            html=_SALE_FORM,
        ),
        s(
            "mail-view",
            "http://erp.kallstrom.se/mail/view?model=account.move&res_id=17",
            True,
            ("INV/2026/00017", "S00039"),
            html=_INVOICE_FORM,
        ),
        # Negatives: real-looking pages that are not Odoo screens
        s(
            "neg-odoo-website",
            "http://www.odoo.com/page/pricing",
            False,
            (),
            html=pages.article(title="Pricing", paragraphs=["One app free. Unlimited users."]),
        ),
        s(
            "neg-blog",
            "http://www.kallstrom.se/blog/2026/11/15/winter-sale",
            False,
            (),
            html=pages.article(
                title="Winter sale", paragraphs=["Order 2026/11/15 and pay in 30 days."]
            ),
        ),
        s(
            "neg-runbot-dark",
            "http://runbot.odoo.com/runbot",
            False,
            (),
            dark=True,
            html=pages.article(title="Runbot", paragraphs=["Builds for 17.0, 18.0 and saas-18.4."]),
        ),
        s(
            "neg-intranet-jpeg",
            "http://intranet.nordvik.se/wiki/Invoicing_routines",
            False,
            (),
            jpeg=True,
            size=laptop,
            html=pages.article(
                title="Invoicing routines",
                paragraphs=["Send invoices before the 25th.", "Call 08-123 45 67."],
            ),
        ),
    ]


CAPTURE_VERSION = 1  # raise when the way shots are captured changes


def corpus_key(shots: list[Shot]) -> str:
    """What the images depend on (not the expected results): pages, URLs, window, format."""
    digest = hashlib.sha256(str(CAPTURE_VERSION).encode())
    for s in shots:
        digest.update(repr((s.name, s.url, s.size, s.scale, s.dark, s.jpeg, s.html)).encode())
    return digest.hexdigest()[:16]


def missing_tools() -> list[str]:
    missing = [tool for tool in NEEDED if shutil.which(tool) is None]
    if chromium() is None:
        missing.append("chromium")
    return missing


def chromium() -> str | None:
    candidates = [os.environ.get("CHROMIUM", ""), *CHROMIUM]
    return next((p for p in candidates if p and os.access(p, os.X_OK)), None)


class _Server(http.server.ThreadingHTTPServer):
    page = ""
    loaded = threading.Event()


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        if self.path.startswith("/__loaded"):
            self.server.loaded.set()
            body = b""
        elif self.path.startswith("/favicon"):
            self.send_response(404)
            self.end_headers()
            return
        else:
            body = self.server.page.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def build(directory: Path) -> list[Shot]:
    """Make (or reuse) the corpus in ``directory``; returns the shots with their truth."""
    shots = variants()
    target = directory / corpus_key(shots)
    manifest = target / "manifest.json"
    if manifest.exists() and all((target / s.filename).exists() for s in shots):
        return shots
    missing = missing_tools()
    if missing:
        raise RuntimeError(
            f"cannot make the screenshot corpus: {', '.join(missing)} missing "
            "(run scripts/system-packages.sh)"
        )
    target.mkdir(parents=True, exist_ok=True)
    server = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for number, shot in enumerate(shots):
            _capture(shot, server, target, display=90 + (os.getpid() + number) % 400)
    finally:
        server.shutdown()
        server.server_close()
    manifest.write_text(json.dumps([asdict(s) | {"html": ""} for s in shots], indent=1))
    return shots


def _capture(shot: Shot, server: _Server, target: Path, *, display: int) -> None:
    width, height = shot.size
    server.page = shot.html
    server.loaded.clear()
    port = server.server_address[1]
    with tempfile.TemporaryDirectory(prefix="sd-chromium-") as profile:
        xvfb = subprocess.Popen(
            ["Xvfb", f":{display}", "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        browser = None
        try:
            env = {**os.environ, "DISPLAY": f":{display}"}
            _wait_for_display(env)
            args = [
                str(chromium()),
                "--no-sandbox",
                "--test-type",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-gpu",
                "--disable-features=Translate,MediaRouter",
                "--password-store=basic",
                f"--user-data-dir={profile}",
                "--window-position=0,0",
                f"--window-size={round(width / shot.scale)},{round(height / shot.scale)}",
                f"--force-device-scale-factor={shot.scale}",
                f"--host-resolver-rules=MAP * 127.0.0.1:{port}",
            ]
            if shot.dark:
                args += ["--force-dark-mode", "--enable-features=WebContentsForceDark:false"]
            browser = subprocess.Popen(
                [*args, shot.url],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            if not server.loaded.wait(30):
                raise RuntimeError(f"{shot.name}: Chromium did not load {shot.url}")
            time.sleep(1.2)  # the page paints and the address bar settles
            png = target / f"{shot.name}.png"
            subprocess.run(
                ["import", "-display", f":{display}", "-window", "root", str(png)],
                check=True,
                env=env,
                timeout=30,
            )
            if shot.jpeg:
                with Image.open(png) as image:
                    image.convert("RGB").save(target / shot.filename, quality=70)
                png.unlink()
        finally:
            if browser is not None:
                os.killpg(browser.pid, signal.SIGTERM)
                try:
                    browser.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(browser.pid, signal.SIGKILL)
                    browser.wait()
            xvfb.terminate()
            xvfb.wait()


def _wait_for_display(env: dict[str, str]) -> None:
    for _ in range(50):
        probe = subprocess.run(
            ["xdpyinfo"]
            if shutil.which("xdpyinfo")
            else ["import", "-window", "root", "-crop", "1x1+0+0", "null:"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if probe.returncode == 0:
            return
        time.sleep(0.1)
    raise RuntimeError(f"Xvfb did not start on {env['DISPLAY']}")
