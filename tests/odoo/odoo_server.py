"""A protocol-level Odoo server for the tests: Odoo's External API as Odoo 16-19 answer it.

Every test that talks to Odoo uses it (the Odoo app and the billing export). What it
copies, with the Odoo source to check it against:

- ``POST /xmlrpc/2/common``: ``version()`` (odoo/service/common.py ``exp_version``, "+e"
  builds and "saas~17.2" series) and ``authenticate`` (``exp_authenticate``: the uid, or
  False for a wrong login or key);
- ``POST /xmlrpc/2/object`` ``execute_kw`` (odoo/service/model.py ``execute_kw`` then
  odoo/api.py ``call_kw``): the arguments are bound to the method like ``call_kw`` does,
  ``create`` like ``_call_kw_model_create`` (which reads ``args[0]`` after creating, so
  values given only as a keyword fail with ``IndexError`` and the transaction rolls back),
  other methods on records like ``_call_kw_multi`` (ids are ``args[0]``);
- faults as odoo/addons/base/controllers/rpc.py ``xmlrpc_handle_exception_int`` (before 17:
  odoo/service/wsgi_server.py) makes them: 4 for AccessError, 3 for AccessDenied (a wrong
  uid or key), 2 for other UserErrors (MissingError included), 1 with the whole traceback
  for anything else; texts are Odoo's, several lines long;
- answers marshalled with ``allow_none=False`` (rpc.py ``dumps``): a ``None`` in a result
  is a Fault 1 ``TypeError``, as on Odoo;
- access rights per model and group (odoo/addons/base/models/ir_model.py
  ``IrModelAccess.check`` and ``_make_access_error``), see ``odoo_data.ACCESS``; the user
  ``LIMITED_LOGIN`` has ordinary rights: no Settings group, so no ``ir.module.module``;
- ``POST /json/2/<model>/<method>`` from 19 (addons/web/controllers/json2.py
  ``web_json_2_rpc`` and odoo/http.py ``Json2Dispatcher.handle_error``): a bearer API key,
  the database from ``X-Odoo-Database`` or the only one the db filter lets through; an
  unknown or filtered-out database has no bearer route, so Odoo answers its plain HTML 404
  page; errors are ``serialize_exception`` bodies: 401 bad key, 403 AccessError,
  404 MissingError or unknown model or method, 422 other UserError or bad arguments,
  500 anything else (a ValueError);
- ``GET /web/version``; a server "20" has no XML-RPC (its removal is announced).

It listens on 127.0.0.1 on a free port, in a thread; ``delay`` makes it slow,
``redirect_to`` makes every answer a redirect, ``dbfilter`` hides databases, for the tests.
"""

from __future__ import annotations

import copy
import json
import re
import threading
import time
import traceback
import xmlrpc.client
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.odoo.odoo_data import (
    ADMIN_GROUPS,
    API_KEY,
    COMPANY,
    DATABASE,
    LIMITED_KEY,
    LIMITED_LOGIN,
    LIMITED_UID,
    LOGIN,
    ORDINARY_GROUPS,
    UID,
    VERSIONS,
    dataset,
    parse_version,
    schema,
    version_info,
)
from tests.odoo.odoo_orm import AccessDenied, AccessError, HTTPError, Orm, UserError

__all__ = [
    "API_KEY",
    "COMPANY",
    "DATABASE",
    "LIMITED_KEY",
    "LIMITED_LOGIN",
    "LIMITED_UID",
    "LOGIN",
    "UID",
    "VERSIONS",
    "FakeOdoo",
    "dataset",
    "schema",
    "version_info",
]

NOT_FOUND_PAGE = (
    b"<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n"
    b"<p>The requested URL was not found on the server. If you entered the URL manually "
    b"please check your spelling and try again.</p>\n"
)


def default_users() -> dict[str, tuple[Any, ...]]:
    """login: (uid, API key, groups); the administrator the tests use, and an ordinary user."""
    return {
        LOGIN: (UID, API_KEY, ADMIN_GROUPS),
        LIMITED_LOGIN: (LIMITED_UID, LIMITED_KEY, ORDINARY_GROUPS),
    }


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out or refused a redirect hung up: expected in the tests.
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def serialize_exception(exc: BaseException, status: int) -> dict[str, Any]:
    """odoo/http.py ``serialize_exception``: name, message, arguments, context, debug."""
    kind = type(exc)
    name = getattr(exc, "odoo_name", f"{kind.__module__}.{kind.__name__}")
    message = str(exc.args[0]) if exc.args else ""
    arguments = [message, status] if isinstance(exc, HTTPError) else list(exc.args)
    return {
        "name": name,
        "message": message,
        "arguments": arguments,
        "context": {},
        "debug": "".join(traceback.format_exception(exc)),
    }


class FakeOdoo:
    """One Odoo server with one or more databases; see the module docstring."""

    def __init__(
        self,
        version: str = "17.0+e",
        *,
        databases: dict[str, dict[str, Any]] | None = None,
        delay: float = 0.0,
        redirect_to: str | None = None,
        dbfilter: str = ".*",
    ) -> None:
        self.version = version
        self.major = parse_version(version)[0]
        self.databases = databases or {
            DATABASE: {"users": default_users(), "records": dataset(version)}
        }
        self.fields = schema(version)
        self.delay = delay
        self.redirect_to = redirect_to
        self.dbfilter = dbfilter
        self.requests: list[tuple[str, str]] = []  # (path, rpc method or model.method)
        self.calls: list[tuple[str, str, list[Any], dict[str, Any]]] = []  # as received
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # --- life cycle ------------------------------------------------------------------

    def start(self) -> FakeOdoo:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                fake._handle(self, "GET")

            def do_POST(self) -> None:
                fake._handle(self, "POST")

        server = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
        self._server = server
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeOdoo:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def records(self, model: str, db: str = DATABASE) -> list[dict[str, Any]]:
        return self.databases[db]["records"].setdefault(model, [])

    # --- HTTP ------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        if self.delay:
            time.sleep(self.delay)
        path = handler.path.split("?", 1)[0]
        if self.redirect_to is not None:
            self.requests.append((path, "redirected"))
            self._send(handler, 303, b"", "text/html", {"Location": self.redirect_to})
            return
        if method == "GET" and path == "/web/version":
            self.requests.append((path, "version"))
            info = version_info(self.version)
            payload = {"version_info": info["server_version_info"], "version": self.version}
            self._send(handler, 200, json.dumps(payload).encode(), "application/json")
            return
        if method == "POST" and path.startswith("/xmlrpc/2/") and self.major < 20:
            self._xmlrpc(handler, path.rsplit("/", 1)[1], body)
            return
        if method == "POST" and path.startswith("/json/2/") and self.major >= 19:
            self._json2(handler, path, body)
            return
        self.requests.append((path, "not found"))
        self._send(handler, 404, NOT_FOUND_PAGE, "text/html; charset=utf-8")

    def _send(
        self,
        handler: BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

    # --- XML-RPC ---------------------------------------------------------------------

    def _xmlrpc(self, handler: BaseHTTPRequestHandler, service: str, body: bytes) -> None:
        params, method = xmlrpc.client.loads(body, use_builtin_types=True)
        try:
            if service == "common" and method == "version":
                self.requests.append(("/xmlrpc/2/common", "version"))
                result: Any = version_info(self.version)
            elif service == "common" and method == "authenticate":
                self.requests.append(("/xmlrpc/2/common", "authenticate"))
                db, login, key, _env = params
                result = self._authenticate(db, login, key)
            elif service == "object" and method == "execute_kw":
                db, uid, key, model, rpc_method, *rest = params
                args = list(rest[0]) if rest else []
                kwargs = dict(rest[1]) if len(rest) > 1 and rest[1] else {}
                self.requests.append(("/xmlrpc/2/object", f"{model}.{rpc_method}"))
                self.calls.append((model, rpc_method, copy.deepcopy(args), dict(kwargs)))
                groups = self._check_uid(db, uid, key)
                result = self._orm(db, uid, groups).call_kw(model, rpc_method, args, kwargs)
            else:
                raise NameError(f"Method not available {method}")
            # rpc.py dumps(): OdooMarshaller(allow_none=False)
            answer = xmlrpc.client.dumps((result,), methodresponse=True, allow_none=False)
        except Exception as exc:  # rpc.py xmlrpc_handle_exception_int
            answer = xmlrpc.client.dumps(self._fault(exc), methodresponse=True)
        self._send(handler, 200, answer.encode(), "text/xml")

    @staticmethod
    def _fault(exc: Exception) -> xmlrpc.client.Fault:
        if isinstance(exc, AccessError):
            return xmlrpc.client.Fault(4, str(exc))
        if isinstance(exc, AccessDenied):
            return xmlrpc.client.Fault(3, str(exc))
        if isinstance(exc, UserError):  # MissingError, ValidationError, UserError
            return xmlrpc.client.Fault(2, str(exc))
        return xmlrpc.client.Fault(1, "".join(traceback.format_exception(exc)))

    def _database(self, db: str) -> dict[str, Any]:
        if db not in self.databases:
            # odoo/sql_db.py connecting to a database that does not exist
            raise RuntimeError(
                f'psycopg2.OperationalError: connection to server at "localhost", port 5432 '
                f'failed: FATAL:  database "{db}" does not exist'
            )
        return self.databases[db]

    def _user(self, db: str, login: str) -> tuple[int, str, frozenset[str]] | None:
        user = self._database(db)["users"].get(login)
        if user is None:
            return None
        uid, key, *groups = user
        return uid, key, frozenset(groups[0]) if groups else ADMIN_GROUPS

    def _authenticate(self, db: str, login: str, key: str) -> int | bool:
        user = self._user(db, login)
        return user[0] if user and user[1] == key else False

    def _check_uid(self, db: str, uid: int, key: str) -> frozenset[str]:
        # odoo/service/security.py check -> res.users check: AccessDenied otherwise
        for login in self._database(db)["users"]:
            user = self._user(db, login)
            if user and user[0] == uid and user[1] == key:
                return user[2]
        raise AccessDenied("Access Denied")

    def _orm(self, db: str, uid: int, groups: frozenset[str]) -> Orm:
        return Orm(self._database(db)["records"], self.fields, uid, groups, self._lock)

    # --- JSON-2 ----------------------------------------------------------------------

    def _visible(self) -> list[str]:
        return [db for db in self.databases if re.fullmatch(self.dbfilter, db)]

    def _json2(self, handler: BaseHTTPRequestHandler, path: str, body: bytes) -> None:
        parts = path.split("/")
        model, method = parts[3], parts[4] if len(parts) > 4 else ""
        self.requests.append((path, f"{model}.{method}"))
        authorization = handler.headers.get("Authorization", "")
        key = authorization[7:] if authorization.lower().startswith("bearer ") else ""
        visible = self._visible()
        # odoo/http.py: the database is the header's if the db filter lets it through, else
        # the only one it lets through; without a database the bearer route does not exist.
        db = handler.headers.get("X-Odoo-Database") or (visible[0] if len(visible) == 1 else "")
        if db not in visible:
            self._send(handler, 404, NOT_FOUND_PAGE, "text/html; charset=utf-8")
            return
        try:
            user = next(
                (
                    u
                    for login in self.databases[db]["users"]
                    if (u := self._user(db, login))[1] == key
                ),
                None,
            )
            if user is None:
                raise HTTPError(401, "Invalid apikey", "werkzeug.exceptions.Unauthorized")
            params = json.loads(body or b"{}")
            if not isinstance(params, dict):
                raise HTTPError(400, "could not parse the body, expecting a json object")
            params.pop("context", None)
            ids = params.pop("ids", None)
            self.calls.append((model, method, [ids] if ids is not None else [], dict(params)))
            orm = self._orm(db, user[0], user[2])
            result = orm.call_json2(model, method, ids, params)
            payload = json.dumps(result).encode()
        except Exception as exc:
            status = getattr(exc, "http_status", 500)
            error = serialize_exception(exc, status)
            self._send(handler, status, json.dumps(error).encode(), "application/json")
            return
        self._send(handler, 200, payload, "application/json; charset=utf-8")
