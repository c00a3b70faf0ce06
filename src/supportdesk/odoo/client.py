"""A client for a customer's Odoo External API: XML-RPC (16-19) and JSON-2 (19 and later).

It talks only to the instances an administrator configured (``OdooInstance``), never to a
host taken from a ticket, and guards every call against server-side request forgery:

- the host is resolved once and every address it resolves to must be public (not
  loopback, private, link-local, shared, reserved or multicast) unless
  ``ODOO_ALLOW_PRIVATE_HOSTS`` is on; the connection then goes to that vetted address, so
  a second DNS answer cannot point it elsewhere;
- plain ``http://`` is accepted only together with ``ODOO_ALLOW_PRIVATE_HOSTS`` (an
  on-premises instance over a VPN): over the internet the API key travels in TLS only;
- redirects are refused, not followed;
- every call has a timeout (``ODOO_TIMEOUT`` seconds, for connecting, for each read, and
  for the whole answer), and answers are capped in size.

Errors are ``OdooError`` subclasses whose message says what happened and what to do; the
API key never appears in them.
"""

from __future__ import annotations

import http.client
import json
import re
import ssl
import time
import xmlrpc.client
from dataclasses import dataclass
from typing import Any
from xml.parsers.expat import ExpatError

from django.conf import settings

from supportdesk.core.crypto import DecryptionError
from supportdesk.odoo.errors import (
    OdooAccessError,
    OdooAuthError,
    OdooCallError,
    OdooDatabaseNotServed,
    OdooError,
    OdooNotFound,
    OdooRefused,
    OdooTimeout,
    OdooUnavailable,
)
from supportdesk.odoo.guards import (
    _PinnedHTTPConnection,
    _PinnedHTTPSConnection,
    _vetted_address,
    check_base_url,
)

__all__ = [
    "OdooAccessError",
    "OdooAuthError",
    "OdooCallError",
    "OdooClient",
    "OdooDatabaseNotServed",
    "OdooError",
    "OdooRefused",
    "OdooTimeout",
    "OdooUnavailable",
    "VersionInfo",
    "check_base_url",
]

MAX_ANSWER_BYTES = 20 * 1024 * 1024
_MODEL_NAME = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*")
_METHOD_NAME = re.compile(r"[a-z][a-z0-9_]*")  # Odoo refuses private (_…) methods anyway
_SERIE = re.compile(r"(?:saas~)?([0-9]{1,3})\.([0-9]{1,2})")
# Odoo's XML-RPC fault codes (odoo/addons/base/controllers/rpc.py, before 17
# odoo/service/wsgi_server.py): 1 a traceback, 2 a UserError (MissingError included),
# 3 AccessDenied (login or key), 4 AccessError (access rights).
_FAULT_TRACEBACK = 1
_FAULT_ACCESS_DENIED = 3
_FAULT_ACCESS_ERROR = 4
_DETAILS_LIMIT = 8000


def _headline(text: str, *, traceback: bool) -> str:
    """The meaningful line of an Odoo error text: for a traceback the exception line (the
    first line after the last indented frame line), otherwise the first non-empty line."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    if traceback and lines and lines[0].startswith("Traceback"):
        frames = [i for i, line in enumerate(lines) if line.startswith((" ", "\t"))]
        rest = lines[frames[-1] + 1 :] if frames else lines[1:]
        lines = [line for line in rest if line.strip()] or lines
    return next((line.strip() for line in lines if line.strip()), "error")[:300]


@dataclass(frozen=True)
class VersionInfo:
    server_version: str  # "17.0+e", "saas~17.2", "19.0"
    serie: str  # "17.0"
    major: int
    minor: int
    api: str  # "xmlrpc" or "json2": the API data calls go through
    enterprise: bool = False  # a "+e" build (odoo/release.py), or Odoo Online (saas~)

    @property
    def label(self) -> str:
        return f"{self.server_version} ({'JSON-2' if self.api == 'json2' else 'XML-RPC'})"


class OdooClient:
    """Calls to one Odoo database on one instance, as one API user."""

    def __init__(
        self,
        *,
        url: str,
        database: str,
        login: str,
        api_key: str,
        api: str = "",
        timeout: float | None = None,
    ) -> None:
        self._allow_private = bool(settings.ODOO_ALLOW_PRIVATE_HOSTS)
        self.scheme, self.host, self.port = check_base_url(url, allow_private=self._allow_private)
        self.database = database
        self.login = login
        self._api_key = api_key
        self.api = api or "xmlrpc"
        self.timeout = float(timeout if timeout is not None else settings.ODOO_TIMEOUT)
        self._uid: int | None = None
        self._fields: dict[str, dict[str, Any]] = {}

    @classmethod
    def for_instance(cls, instance: Any, *, timeout: float | None = None) -> OdooClient:
        """The client of a configured ``OdooInstance`` (the only way the app builds one)."""
        try:
            api_key = instance.api_key
        except DecryptionError as exc:
            raise OdooAuthError(f"the API key of {instance}: {exc}") from None
        return cls(
            url=instance.url,
            database=instance.database,
            login=instance.login,
            api_key=api_key,
            api=instance.api,
            timeout=timeout,
        )

    def __repr__(self) -> str:
        return f"<OdooClient {self.scheme}://{self.host}:{self.port} db={self.database!r}>"

    @property
    def where(self) -> str:
        return f"{self.host} (database {self.database!r})" if self.database else self.host

    # --- transport ---------------------------------------------------------------------

    def _request(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, bytes]:
        deadline = time.monotonic() + self.timeout
        address = _vetted_address(self.host, self.port, allow_private=self._allow_private)
        connection_class = (
            _PinnedHTTPSConnection if self.scheme == "https" else _PinnedHTTPConnection
        )
        connection = connection_class(self.host, self.port, address, self.timeout)
        try:
            connection.request(
                method, path, body=body, headers={"User-Agent": "Supportdesk", **headers}
            )
            response = connection.getresponse()
            if 300 <= response.status < 400:
                location = response.getheader("Location", "elsewhere")
                raise OdooRefused(
                    f"{self.host} answered {path} with a redirect to {location}: refused "
                    "(if the instance moved, change its URL)"
                )
            chunks: list[bytes] = []
            size = 0
            while chunk := response.read(65536):
                size += len(chunk)
                if size > MAX_ANSWER_BYTES:
                    raise OdooUnavailable(f"{self.host} sent an answer larger than 20 MB")
                if time.monotonic() > deadline:
                    raise TimeoutError
                chunks.append(chunk)
            return response.status, b"".join(chunks)
        except TimeoutError:
            raise OdooTimeout(
                f"{self.host} did not answer within {self.timeout:g} s: it is slow or "
                "unreachable; try again later"
            ) from None
        except ssl.SSLError as exc:
            raise OdooUnavailable(f"TLS with {self.host} failed: {exc.reason}") from None
        except (ConnectionError, OSError, http.client.HTTPException) as exc:
            if isinstance(exc, OdooError):
                raise
            raise OdooUnavailable(f"{self.host} cannot be reached: {exc}") from None
        finally:
            connection.close()

    # --- XML-RPC -----------------------------------------------------------------------

    def _xmlrpc(self, service: str, method: str, params: tuple[Any, ...]) -> Any:
        body = xmlrpc.client.dumps(params, method, allow_none=True).encode()
        path = f"/xmlrpc/2/{service}"
        status, data = self._request("POST", path, body, {"Content-Type": "text/xml"})
        if status == 404:
            raise OdooNotFound(f"{self.host} has no XML-RPC API at {path}")
        if status != 200:
            raise OdooUnavailable(f"{self.host} answered HTTP {status} at {path}")
        try:
            (result,), _ = xmlrpc.client.loads(data, use_builtin_types=True)
        except xmlrpc.client.Fault as fault:
            raise self._fault(fault) from None
        except (ExpatError, ValueError, TypeError):
            raise OdooUnavailable(f"{self.host} did not answer XML-RPC at {path}") from None
        return result

    def _fault(self, fault: xmlrpc.client.Fault) -> OdooError:
        text = str(fault.faultString or "").strip()
        traceback = fault.faultCode == _FAULT_TRACEBACK and text.startswith("Traceback")
        headline = _headline(text, traceback=traceback)
        if fault.faultCode == _FAULT_ACCESS_DENIED or headline.startswith(
            "odoo.exceptions.AccessDenied"
        ):
            return self._auth_error()
        details = text[:_DETAILS_LIMIT] if text.strip() != headline else ""
        if fault.faultCode == _FAULT_ACCESS_ERROR:
            return OdooAccessError(
                f"{self.where} refused access to the API user: {headline}", details
            )
        return OdooCallError(f"{self.where} refused the call: {headline}", details)

    def _auth_error(self) -> OdooAuthError:
        return OdooAuthError(
            f"{self.where} refused the login {self.login!r} with the stored API key: "
            "check the login and the key (Odoo API keys expire; make a new one in "
            "Preferences → Account Security)"
        )

    def authenticate(self) -> int:
        """The API user's id (XML-RPC); ``OdooAuthError`` for a wrong login or key."""
        if self._uid is None:
            uid = self._xmlrpc(
                "common", "authenticate", (self.database, self.login, self._api_key, {})
            )
            if not isinstance(uid, int) or isinstance(uid, bool) or uid <= 0:
                raise self._auth_error()
            self._uid = uid
        return self._uid

    # --- JSON-2 ------------------------------------------------------------------------

    def _json2(self, model: str, method: str, payload: dict[str, Any]) -> Any:
        headers = {
            "Authorization": f"Bearer {self._api_key}",
            "Content-Type": "application/json; charset=utf-8",
        }
        if self.database:
            headers["X-Odoo-Database"] = self.database
        path = f"/json/2/{model}/{method}"
        status, data = self._request("POST", path, json.dumps(payload).encode(), headers)
        try:
            answer = json.loads(data) if data else None
        except ValueError:
            answer = None
        if status == 200:
            if answer is None and data.strip() not in (b"null", b""):
                raise OdooUnavailable(f"{self.host} did not answer JSON at {path}")
            return answer
        # Errors as Json2Dispatcher.handle_error (odoo/http.py, 19.0) sends them: a
        # serialize_exception body {name, message, arguments, context, debug}.
        text = ""
        if isinstance(answer, dict):
            text = str(answer.get("message") or answer.get("name") or "").strip()
        elif isinstance(answer, str):
            text = answer.strip()
        if status == 401:
            raise self._auth_error()
        if status == 404 and not text:
            # No JSON-2 route at all: Odoo's plain 404 page. Odoo 19 answers that way too
            # when it serves no such database (unknown, or excluded by its db filter).
            raise self._json2_not_found(path)
        if status >= 500 and not text:
            raise OdooUnavailable(f"{self.host} answered HTTP {status} at {path}")
        headline = _headline(text, traceback=False) if text else "no reason given"
        debug = str(answer.get("debug") or "") if isinstance(answer, dict) else ""
        details = "\n\n".join(part for part in (text if text != headline else "", debug) if part)
        if status == 403:
            raise OdooAccessError(
                f"{self.where} refused access to the API user ({model}.{method}): {headline}",
                details[:_DETAILS_LIMIT],
            )
        raise OdooCallError(
            f"{self.where} refused {model}.{method} (HTTP {status}): {headline}",
            details[:_DETAILS_LIMIT],
        )

    def _json2_not_found(self, path: str) -> OdooError:
        """Tell "no such database here" from "no JSON-2 API": ask ``/web/version``."""
        try:
            status, data = self._request("GET", "/web/version", None, {})
            info = json.loads(data) if status == 200 else None
        except (OdooError, ValueError):
            info = None
        version = str(info.get("version", "")) if isinstance(info, dict) else ""
        match = _SERIE.search(version)
        if match and int(match.group(1)) >= 19:
            return OdooDatabaseNotServed(
                f"{self.host} runs Odoo {version} but serves no database {self.database!r} "
                "over JSON-2: the database name is wrong, or the server's database filter "
                "(dbfilter) excludes it; check the name in the instance's settings"
            )
        return OdooNotFound(f"{self.host} has no JSON-2 API at {path}")

    # --- the API the app uses ----------------------------------------------------------

    def version(self) -> VersionInfo:
        """The server version; data calls use JSON-2 from Odoo 19, XML-RPC before.

        ``/xmlrpc/2/common`` ``version()`` needs no login. When XML-RPC is gone (its
        removal is announced for Odoo 20), ``/web/version`` gives the version instead.
        """
        try:
            info = self._xmlrpc("common", "version", ())
            server_version = str(info.get("server_version", ""))
            serie = str(info.get("server_serie", "")) or server_version
        except OdooNotFound:
            status, data = self._request("GET", "/web/version", None, {})
            try:
                info = json.loads(data) if status == 200 else None
            except ValueError:
                info = None
            if not isinstance(info, dict) or "version" not in info:
                raise OdooUnavailable(
                    f"{self.host} has neither /xmlrpc/2/common nor /web/version: is it Odoo?"
                ) from None
            server_version = serie = str(info["version"])
        if not isinstance(info, dict):
            raise OdooUnavailable(f"{self.host} answered version() without a version")
        match = _SERIE.search(serie) or _SERIE.search(server_version)
        if match is None:
            raise OdooUnavailable(f"{self.host} reports an unreadable version {server_version!r}")
        major, minor = int(match.group(1)), int(match.group(2))
        api = "json2" if major >= 19 else "xmlrpc"
        edition = info.get("server_version_info") if isinstance(info, dict) else None
        if not isinstance(edition, list):
            edition = info.get("version_info") if isinstance(info, dict) else None
        enterprise = (
            "+e" in server_version
            or server_version.startswith("saas~")
            or (isinstance(edition, list) and len(edition) > 5 and edition[5] == "e")
        )
        return VersionInfo(server_version, f"{major}.{minor}", major, minor, api, enterprise)

    def call(self, model: str, method: str, *, ids: list[int] | None = None, **kwargs: Any) -> Any:
        """``model.method(**kwargs)`` on the records ``ids`` (if any), through the API."""
        if not _MODEL_NAME.fullmatch(model):
            raise OdooCallError(f"{model!r} is not an Odoo model name")
        if not _METHOD_NAME.fullmatch(method):
            raise OdooCallError(f"{method!r} is not a public method name")
        if self.api == "json2":
            payload = dict(kwargs)
            if ids is not None:
                payload["ids"] = ids
            return self._json2(model, method, payload)
        uid = self.authenticate()
        args = [ids] if ids is not None else []
        return self._xmlrpc(
            "object",
            "execute_kw",
            (self.database, uid, self._api_key, model, method, args, kwargs),
        )

    def create(self, model: str, vals_list: list[dict[str, Any]]) -> list[int]:
        """``model.create(vals_list)``: the new ids.

        Over XML-RPC the values go positionally: Odoo's ``call_kw`` reads ``args[0]`` after
        creating (odoo/api.py ``_call_kw_model_create``), so a keyword-only call fails and
        rolls back. JSON-2 binds arguments by name (``vals_list``)."""
        if self.api == "json2":
            result = self.call(model, "create", vals_list=vals_list)
        else:
            if not _MODEL_NAME.fullmatch(model):
                raise OdooCallError(f"{model!r} is not an Odoo model name")
            result = self._xmlrpc(
                "object",
                "execute_kw",
                (
                    self.database,
                    self.authenticate(),
                    self._api_key,
                    model,
                    "create",
                    [vals_list],
                    {},
                ),
            )
        ids = result if isinstance(result, list) else [result]
        if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            raise OdooUnavailable(f"{self.host} answered create without record ids")
        return [int(i) for i in ids]

    def check_login(self) -> None:
        """Prove the login and key work (XML-RPC authenticate, or a JSON-2 call)."""
        if self.api == "json2":
            self.call("res.users", "context_get")
        else:
            self.authenticate()

    def search_read(
        self, model: str, domain: list[Any], fields: list[str], *, limit: int = 80
    ) -> list[dict[str, Any]]:
        result = self.call(model, "search_read", domain=domain, fields=fields, limit=limit)
        if not isinstance(result, list):
            raise OdooUnavailable(f"{self.host} answered search_read without a list")
        return result

    def read(self, model: str, ids: list[int], fields: list[str]) -> list[dict[str, Any]]:
        result = self.call(model, "read", ids=ids, fields=fields)
        if not isinstance(result, list):
            raise OdooUnavailable(f"{self.host} answered read without a list")
        return result

    def fields(self, model: str) -> dict[str, Any]:
        """``fields_get`` of a model (type, label, selection), cached for this client."""
        if model not in self._fields:
            result = self.call(model, "fields_get", attributes=["type", "string", "selection"])
            if not isinstance(result, dict):
                raise OdooUnavailable(f"{self.host} answered fields_get without a mapping")
            self._fields[model] = result
        return self._fields[model]
