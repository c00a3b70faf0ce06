"""Does the receiving server vouch for the sender? (RFC 8601 ``Authentication-Results``)

Anyone can write a consultant's address in ``From:``. A message is taken as theirs only
when a server we trust — its ``authserv-id`` is in ``MAIL_TRUSTED_AUTHSERV_IDS`` —
recorded DMARC pass for the From domain, or DKIM pass for a signature of that domain.
Results from any other server are ignored: they may be written by the sender. The
trusted server must remove results that claim its own id (RFC 8601 section 5), as
Postfix with OpenDMARC/OpenDKIM, rspamd, Exchange Online and Gmail do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from email.message import Message

_COMMENT = re.compile(r"\([^()]*\)")
_RESULT = re.compile(r"^\s*([a-z0-9_-]+)\s*=\s*([a-z]+)\b(.*)$", re.I | re.S)
_PROPERTY = re.compile(r"\b(header\.(?:from|d|i))\s*=\s*\"?([^\s;\"]+)", re.I)


def _results(value: str) -> tuple[str, list[tuple[str, str, dict[str, str]]]]:
    """The authserv-id and each (method, result, properties) of one header value."""
    text = value
    for _ in range(5):  # nested comments, at most a few levels
        text = _COMMENT.sub(" ", text)
    first, *rest = text.split(";")
    authserv_id = (first.split() or [""])[0].lower()
    found = []
    for item in rest:
        match = _RESULT.match(item)
        if not match:
            continue
        props = {k.lower(): v.lower() for k, v in _PROPERTY.findall(match.group(3))}
        found.append((match.group(1).lower(), match.group(2).lower(), props))
    return authserv_id, found


def _domain_of(value: str) -> str:
    return value.rsplit("@", 1)[-1].strip(".").lower()


def vouched(message: Message, address: str, trusted: Iterable[str]) -> bool:
    """True when a trusted server saw DMARC or DKIM pass for ``address``'s domain."""
    trusted_ids = {t.lower() for t in trusted}
    domain = _domain_of(address)
    if not trusted_ids or not domain or "@" not in address:
        return False
    for key, raw in message.raw_items():
        if key.lower() != "authentication-results":
            continue
        authserv_id, results = _results(str(raw)[:8000])
        if authserv_id not in trusted_ids:
            continue
        for method, result, props in results:
            if result != "pass":
                continue
            if method == "dmarc" and _domain_of(props.get("header.from", domain)) == domain:
                return True
            signer = props.get("header.d") or _domain_of(props.get("header.i", ""))
            if method == "dkim" and signer and _domain_of(signer) == domain:
                return True
    return False
