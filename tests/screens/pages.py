"""Local pages shaped like Odoo screens (form, list, error dialogs) and non-Odoo pages,
for the screenshot corpus. Only what a screenshot shows matters: the layout, the
breadcrumb with the record name, and Odoo's dialog with title, message and traceback."""

from __future__ import annotations

from html import escape

_STYLE = """
body{margin:0;font-family:"DejaVu Sans",Roboto,sans-serif;font-size:14px;background:#fff;color:#222}
.nav{background:#714b67;color:#fff;padding:9px 14px;font-size:15px}
.nav span{margin-right:22px}.bar{padding:10px 16px;border-bottom:1px solid #ddd}
.crumb{font-size:18px}.crumb a{color:#017e84;text-decoration:none}
.sheet{margin:18px auto;max-width:1100px;border:1px solid #ddd;padding:24px 32px}
.sheet h1{font-size:28px;margin:4px 0 18px}.row{display:flex;gap:40px;margin:6px 0}
.row b{width:160px;color:#555;font-weight:normal}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #e5e5e5;padding:7px 10px;text-align:left}
.backdrop{position:fixed;inset:0;background:rgba(0,0,0,.45)}
.dialog{position:fixed;left:50%;top:120px;transform:translateX(-50%);width:760px;
 background:#fff;border-radius:4px;box-shadow:0 4px 28px rgba(0,0,0,.5)}
.dialog h4{margin:0;padding:14px 18px;border-bottom:1px solid #ddd;font-size:19px;font-weight:normal}
.dialog .body{padding:16px 18px;font-size:15px}
.dialog pre{font-size:12px;background:#f6f6f6;padding:10px;max-height:260px;overflow:hidden;
 white-space:pre-wrap}.dialog .foot{padding:12px 18px;border-top:1px solid #ddd}
.btn{background:#714b67;color:#fff;border:0;padding:6px 12px}
@media (prefers-color-scheme: dark){
 body{background:#262a36;color:#e4e4e4}.sheet{border-color:#3c3e4b}.bar{border-color:#3c3e4b}
 .crumb a{color:#5fc7cc}.dialog{background:#2f3240;color:#e4e4e4}.dialog pre{background:#1f2230;color:#ddd}
 .row b{color:#aaa}td,th{border-color:#3c3e4b}}
"""


def _page(title: str, body: str) -> str:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"<style>{_STYLE}</style></head><body onload=\"fetch('/__loaded')\">{body}</body></html>"
    )


def _nav(app: str) -> str:
    items = {
        "Sales": ["Orders", "To Invoice", "Products", "Reporting"],
        "Invoicing": ["Customers", "Vendors", "Accounting", "Reporting"],
        "Inventory": ["Overview", "Operations", "Products", "Reporting"],
        "Purchase": ["Orders", "Products", "Reporting"],
        "Helpdesk": ["Overview", "Tickets", "Reporting"],
    }[app]
    return (
        "<div class='nav'><span><b>"
        + app
        + "</b></span>"
        + "".join(f"<span>{i}</span>" for i in items)
        + "</div>"
    )


def form(*, app: str, crumb: str, name: str, fields: list[tuple[str, str]]) -> str:
    rows = "".join(
        f"<div class='row'><b>{escape(k)}</b><span>{escape(v)}</span></div>" for k, v in fields
    )
    body = (
        _nav(app)
        + f"<div class='bar'><span class='crumb'><a href='#'>{escape(crumb)}</a> / {escape(name)}"
        + "</span></div>"
        + f"<div class='sheet'><h1>{escape(name)}</h1>{rows}</div>"
    )
    return _page(f"{name} - Odoo", body)


def listing(*, app: str, crumb: str, rows: list[tuple[str, str, str]]) -> str:
    lines = "".join(
        f"<tr><td>{escape(a)}</td><td>{escape(b)}</td><td>{escape(c)}</td></tr>" for a, b, c in rows
    )
    body = (
        _nav(app)
        + f"<div class='bar'><span class='crumb'>{escape(crumb)}</span></div>"
        + "<div class='sheet'><table><tr><th>Number</th><th>Customer</th><th>Total</th></tr>"
        + lines
        + "</table></div>"
    )
    return _page(f"{crumb} - Odoo", body)


def with_dialog(page: str, *, title: str, message: str, traceback: str = "") -> str:
    trace = f"<pre>{escape(traceback)}</pre>" if traceback else ""
    dialog = (
        "<div class='backdrop'></div><div class='dialog'>"
        f"<h4>{escape(title)}</h4><div class='body'><p>{escape(message)}</p>{trace}</div>"
        "<div class='foot'><button class='btn'>Close</button></div></div>"
    )
    return page.replace("</body>", dialog + "</body>")


def article(*, title: str, paragraphs: list[str]) -> str:
    body = (
        f"<div style='max-width:860px;margin:40px auto'><h1>{escape(title)}</h1>"
        + "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        + "</div>"
    )
    return _page(title, body)
