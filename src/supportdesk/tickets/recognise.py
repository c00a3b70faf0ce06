"""Recognise Odoo screen URLs and Odoo document numbers in free text.

Pure functions over strings (standard library only), used by the mail worker, the ticket
form and the API to link a ticket to the records a customer talks about.

URLs (Odoo 14-19)
-----------------
A URL counts as Odoo only when its path (and query or fragment) has one of these forms;
the host alone never decides, so ``https://www.odoo.com/help`` or ``https://runbot.odoo.com/``
are not Odoo screen URLs, and ``https://partner.example/web#id=4&model=sale.order`` is.

``legacy``
    ``/web#id=42&cids=1-2&menu_id=259&action=423&model=sale.order&view_type=form`` (14-17,
    still accepted by 18/19), also ``/web?debug=1#...`` and ``/odoo?action=...`` /
    ``/odoo#...``. The state is read from the fragment, then the query; at least one of
    ``action``, ``model``, ``id`` (``resId``) or ``menu_id`` must be present.
``path``
    ``/odoo/...`` and ``/scoped_app/...`` (17.2+, so 18 and 19), read like Odoo's router:
    every non-numeric segment opens a screen (``action-<id or xml id>`` an action,
    ``m-<model>`` or a dotted segment a model, anything else an action *path*); the number
    after it is its record (``new`` a new record) and the number before it its
    ``active_id``. The *last* screen is kept: ``/odoo/helpdesk/3/tickets/17`` gives action
    ``tickets`` and record 17; ``/odoo/helpdesk/3/tickets`` gives action ``tickets`` and no
    record (3 belongs to ``helpdesk``). The model is only known from a dotted or ``m-``
    segment; for an action the instance has to be asked. ``view_type`` is the query's, or
    ``form`` when the screen is one record. Segments must have the syntax Odoo allows
    (action paths ``[a-z][a-z0-9_-]*``), otherwise the URL is rejected.
``portal``
    ``/my/orders/<id>`` (sale.order), ``/my/invoices/<id>`` (account.move),
    ``/my/purchase/<id>`` (purchase.order), ``/my/tickets/<id>`` and ``/my/ticket/<id>``
    and ``/helpdesk/ticket/<id>`` (helpdesk.ticket), ``/my/tasks/<id>``, ``/my/task/<id>``
    and ``/my/projects/<p>/task/<id>`` (project.task), ``/my/projects/<id>``
    (project.project); an access token after the id (path or query) is allowed.
``mail``
    ``/mail/view?model=<model>&res_id=<id>`` (tokens and hashes allowed, not kept).

Database: the ``db`` query (or fragment) parameter when present; otherwise, for a host of
exactly ``<name>.odoo.com`` (not ``www``, ``runbot`` and other Odoo S.A. sites), ``<name>``.
That is certain for Odoo Online only: an Odoo.sh production branch may also be served as
``<project>.odoo.com`` while its database is ``<project>-<branch>-<build>``, and
``*.dev.odoo.com`` build hosts are not read at all. Treat it as a hint to confirm against
the instance. Self-hosted hosts give no database unless the URL has ``db=``.

In text, a URL starts with ``http://`` or ``https://`` (or, without a scheme, with a
``<name>.odoo.com/`` host) and ends at whitespace, ``<>()[]{}``, quotes or a backtick;
trailing ``.,;:!?`` is dropped. ``&amp;`` (HTML-escaped mail) is read as ``&``.

``OdooUrl.normalised()`` gives one canonical, still working URL for storage and dedup:
scheme and host lower-cased, default port dropped; legacy and ``/odoo?...`` state as
``/web#action=..&active_id=..&model=..&id=..&view_type=..&cids=..`` (``menu_id`` kept
only when nothing else names the screen); path routes with their segments but only ``db``,
``cids`` and ``view_type`` in the query (``debug`` and the like dropped); portal and mail
links without access tokens, signatures or ``pid`` (they are secrets, and the record is the
same). ``cids`` keeps its order (the first is the active company) in the ``1-2`` form.

Document numbers are found by ``supportdesk.tickets.numbers`` (re-exported here): see there
for the forms.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from supportdesk.tickets.numbers import Reference, find_references

__all__ = ["OdooUrl", "Reference", "find_references", "find_urls", "parse_odoo_url"]

# ---------------------------------------------------------------------------
# URLs
# ---------------------------------------------------------------------------

_MAX_ID = 2**31 - 1  # Odoo ids are PostgreSQL integers
_SPACE = re.compile(r"\s")
_DIGITS = re.compile(r"[0-9]{1,10}")
_MODEL = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*")
_DOTTED_MODEL = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+")
_ACTION_PATH = re.compile(r"[a-z][a-z0-9_-]*")  # ir.actions path constraint
_XML_ID = re.compile(r"[A-Za-z0-9_]+\.[A-Za-z0-9_.]+")
_ACTION_PARAM = re.compile(r"[0-9]+|[A-Za-z0-9_]+\.[A-Za-z0-9_.]+|[a-z][a-z0-9_.-]*")
_VIEW_TYPE = re.compile(r"[a-z_]{2,20}")
_CIDS = re.compile(r"[0-9]{1,10}(?:[-,][0-9]{1,10})*")
_DB_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")
_HOSTNAME = re.compile(r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\]")
_ODOO_COM_DB = re.compile(r"([a-z0-9][a-z0-9-]*)\.odoo\.com")
# Odoo S.A.'s own sites: their subdomain is not a customer database.
_NOT_DATABASES = frozenset(
    {"www", "runbot", "apps", "accounts", "upgrade", "download", "nightly", "help", "iap"}
    | {"edu", "mail", "portal", "odoo", "dev", "status", "api"}
)
_SCHEMELESS_HOST = re.compile(
    r"(?:(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}|localhost|[0-9]{1,3}(?:\.[0-9]{1,3}){3})"
    r"(?::[0-9]{1,5})?/"
)
_LEGACY_KEYS = ("action", "model", "id", "resId", "menu_id")

# Portal pages: (path pattern, model); group 1 is the canonical path before the id.
_PORTAL = [
    (re.compile(r"(/my/orders)/([0-9]+)(?:/[A-Za-z0-9_-]+)?/?"), "sale.order"),
    (re.compile(r"(/my/invoices)/([0-9]+)(?:/[A-Za-z0-9_-]+)?/?"), "account.move"),
    (re.compile(r"(/my/purchase)/([0-9]+)(?:/[A-Za-z0-9_-]+)?/?"), "purchase.order"),
    (re.compile(r"(/my/tickets?)/([0-9]+)(?:/[A-Za-z0-9_-]+)?/?"), "helpdesk.ticket"),
    (re.compile(r"(/helpdesk/ticket)/([0-9]+)(?:/[A-Za-z0-9_-]+)?/?"), "helpdesk.ticket"),
    (re.compile(r"(/my/tasks?)/([0-9]+)(?:/[A-Za-z0-9_-]+)?/?"), "project.task"),
    (re.compile(r"(/my/projects/[0-9]+/tasks?)/([0-9]+)/?"), "project.task"),
    (re.compile(r"(/my/projects?)/([0-9]+)/?"), "project.project"),
]

# Text scanning: where a URL candidate starts, and what it cannot contain.
_HTTP_URL = re.compile(r"\bhttps?://[^\s<>()\[\]{}\"'`]+", re.IGNORECASE)
_ODOO_COM_PATH = re.compile(r"\.odoo\.com(?::[0-9]{1,5})?/", re.IGNORECASE)
_URL_REST = re.compile(r"[^\s<>()\[\]{}\"'`]*")
_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
_TRAILING = ".,;:!?"


@dataclass(frozen=True)
class OdooUrl:
    """A link to an Odoo screen, as found in text (see the module docstring for the forms)."""

    text: str  # the URL as found
    host: str  # lower-case host, with port if any
    database: str | None  # from ?db=, else from <db>.odoo.com (a hint on Odoo.sh)
    model: str | None
    record_id: int | None
    action: str | None  # action id, xml id or action path ("sales")
    companies: tuple[int, ...]  # from cids, first = active company
    view_type: str | None
    kind: str  # "legacy" | "path" | "portal" | "mail"

    def normalised(self) -> str:
        """One canonical URL for storage and dedup, derived from ``text``."""
        parsed = _parse(self.text)
        if parsed is None:
            raise ValueError(f"{self.text!r} is not an Odoo URL: nothing to normalise")
        return parsed[1]


@dataclass(frozen=True)
class _Link:
    """What every form of Odoo URL shares, read once by ``_parse``."""

    text: str
    host: str
    base: str  # scheme://host, with the port unless it is the scheme's default
    database: str | None
    db_query: list[tuple[str, str]]  # the ?db= the canonical form keeps
    query: dict[str, str]
    fragment: dict[str, str]

    def found(
        self,
        kind: str,
        model: str | None,
        record_id: int | None,
        *,
        action: str | None = None,
        companies: tuple[int, ...] = (),
        view_type: str | None = None,
    ) -> OdooUrl:
        return OdooUrl(
            self.text,
            self.host,
            self.database,
            model,
            record_id,
            action,
            companies,
            view_type,
            kind,
        )


def parse_odoo_url(url: str) -> OdooUrl | None:
    """Read one URL; ``None`` when it is not a link to an Odoo screen (form validation)."""
    parsed = _parse(url)
    return parsed[0] if parsed else None


def find_urls(text: str) -> list[OdooUrl]:
    """All Odoo URLs in free text, in order of appearance, deduplicated by ``normalised()``."""
    found: list[OdooUrl] = []
    seen: set[str] = set()
    for candidate, _start in _url_candidates(text):
        parsed = _parse(candidate)
        if parsed is not None and parsed[1] not in seen:
            seen.add(parsed[1])
            found.append(parsed[0])
    return found


def _url_candidates(text: str) -> list[tuple[str, int]]:
    """(candidate, start) for http(s) URLs and scheme-less ``<name>.odoo.com/`` links."""
    found = [(m.group().rstrip(_TRAILING), m.start()) for m in _HTTP_URL.finditer(text)]
    if ".odoo.com" in text.lower():
        for match in _ODOO_COM_PATH.finditer(text):
            start = match.start()
            while start > 0 and text[start - 1] in _HOST_CHARS:
                start -= 1
            before = text[start - 1] if start else " "
            if start == match.start() or text[start] in ".-" or before.isalnum():
                continue
            if before in "@:/_":  # part of a URL with a scheme, or of an address
                continue
            rest = _URL_REST.match(text, match.end())
            end = rest.end() if rest else match.end()
            found.append((text[start:end].rstrip(_TRAILING), start))
        found.sort(key=lambda item: item[1])
    return found


def _parse(url: str) -> tuple[OdooUrl, str] | None:
    """The OdooUrl and its canonical form, or None."""
    text = url.strip()
    if not text or len(text) > 4096 or _SPACE.search(text):
        return None
    raw = text.replace("&amp;", "&")
    if "://" not in raw:
        if not _SCHEMELESS_HOST.match(raw):
            return None
        raw = "https://" + raw
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    hostname = (parts.hostname or "").lower()
    if scheme not in ("http", "https") or not hostname:
        return None
    if ":" in hostname:  # IPv6 literal
        hostname = f"[{hostname}]"
    if not _HOSTNAME.fullmatch(hostname):
        return None
    host = f"{hostname}:{port}" if port is not None else hostname
    default_port = {"http": 80, "https": 443}[scheme]
    base = f"{scheme}://{hostname}" + (f":{port}" if port not in (None, default_port) else "")

    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    fragment = dict(parse_qsl(parts.fragment, keep_blank_values=True))
    db_param = _valid(fragment.get("db") or query.get("db"), _DB_NAME)
    host_db = _database_from_host(hostname)
    db_query = [("db", db_param)] if db_param and db_param != host_db else []

    link = _Link(text, host, base, db_param or host_db, db_query, query, fragment)

    path = parts.path
    segments = [s for s in path.split("/") if s]

    if segments in (["web"], ["odoo"]):
        return _parse_legacy(link)
    if len(segments) > 1 and segments[0] in ("odoo", "scoped_app"):
        return _parse_path(link, segments)
    if path == "/mail/view":
        return _parse_mail(link)
    for pattern, model in _PORTAL:
        match = pattern.fullmatch(path)
        if match:
            record_id = _record_id(match.group(2))
            if record_id is None:
                return None
            result = link.found("portal", model, record_id)
            return result, f"{base}{match.group(1)}/{record_id}{_query(db_query)}"
    return None


def _parse_legacy(link: _Link) -> tuple[OdooUrl, str] | None:
    query, fragment = link.query, link.fragment
    state = {**query, **fragment}
    if not any(state.get(key) for key in _LEGACY_KEYS):
        return None
    model = state.get("model") or None
    if model is not None and not _MODEL.fullmatch(model):
        return None
    action = state.get("action") or None
    if action is not None and not _ACTION_PARAM.fullmatch(action):
        return None
    raw_id = state.get("id") or state.get("resId") or ""
    record_id = _record_id(raw_id) if raw_id not in ("", "new") else None
    if raw_id not in ("", "new") and record_id is None:
        return None
    active_id = _record_id(state.get("active_id", ""))
    view_type = _valid(state.get("view_type"), _VIEW_TYPE)
    companies = _companies(fragment.get("cids") or query.get("cids"))
    menu_id = _record_id(state.get("menu_id", ""))
    result = link.found(
        "legacy", model, record_id, action=action, companies=companies, view_type=view_type
    )
    pairs: list[tuple[str, str]] = []
    for key, value in (
        ("action", action),
        ("active_id", active_id),
        ("model", model),
        ("id", record_id),
        ("view_type", view_type),
    ):
        if value is not None:
            pairs.append((key, str(value)))
    if not pairs and menu_id is not None:
        pairs.append(("menu_id", str(menu_id)))
    if companies:
        pairs.append(("cids", "-".join(map(str, companies))))
    canonical = f"{link.base}/web{_query(link.db_query)}#{urlencode(pairs)}"
    return result, canonical


def _parse_path(link: _Link, segments: list[str]) -> tuple[OdooUrl, str] | None:
    prefix, rest = segments[0], segments[1:]
    last: tuple[str | None, str | None, int | None, bool] | None = None
    for index, segment in enumerate(rest):
        if _DIGITS.fullmatch(segment):
            if _record_id(segment) is None:
                return None
            continue
        if segment == "new":
            continue
        action: str | None = None
        model: str | None = None
        if segment.startswith("action-"):
            action = segment[len("action-") :]
            if not (_DIGITS.fullmatch(action) or _XML_ID.fullmatch(action)):
                return None
        elif segment.startswith("m-"):
            model = segment[len("m-") :]
            if not _MODEL.fullmatch(model):
                return None
        elif "." in segment:
            if not _DOTTED_MODEL.fullmatch(segment):
                return None
            model = segment
        elif _ACTION_PATH.fullmatch(segment):
            action = segment
        else:
            return None
        right = rest[index + 1] if index + 1 < len(rest) else ""
        last = (action, model, _record_id(right), right == "new")
    if last is None:
        return None
    action, model, record_id, is_new = last
    query_view_type = _valid(link.query.get("view_type"), _VIEW_TYPE)
    view_type = query_view_type or ("form" if record_id is not None or is_new else None)
    companies = _companies(link.query.get("cids") or link.fragment.get("cids"))
    result = link.found(
        "path", model, record_id, action=action, companies=companies, view_type=view_type
    )
    pairs = list(link.db_query)
    if companies:
        pairs.append(("cids", "-".join(map(str, companies))))
    if query_view_type:
        pairs.append(("view_type", query_view_type))
    path = "/".join(quote(segment, safe="-._") for segment in [prefix, *rest])
    return result, f"{link.base}/{path}{_query(pairs)}"


def _parse_mail(link: _Link) -> tuple[OdooUrl, str] | None:
    model = _valid(link.query.get("model"), _MODEL)
    record_id = _record_id(link.query.get("res_id", ""))
    if model is None or record_id is None:
        return None
    pairs = [("model", model), ("res_id", str(record_id)), *link.db_query]
    return link.found("mail", model, record_id), f"{link.base}/mail/view{_query(pairs)}"


def _database_from_host(hostname: str) -> str | None:
    match = _ODOO_COM_DB.fullmatch(hostname)
    if match and match.group(1) not in _NOT_DATABASES:
        return match.group(1)
    return None


def _record_id(value: str | None) -> int | None:
    if value is None or not _DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if 0 < number <= _MAX_ID else None


def _companies(value: str | None) -> tuple[int, ...]:
    if not value or not _CIDS.fullmatch(value):
        return ()
    return tuple(int(part) for part in re.split(r"[-,]", value))


def _valid(value: str | None, pattern: re.Pattern[str]) -> str | None:
    return value if value and pattern.fullmatch(value) else None


def _query(pairs: list[tuple[str, str]]) -> str:
    return f"?{urlencode(pairs)}" if pairs else ""
