"""Encryption of secrets at rest (API keys, mailbox passwords): Fernet, from ``cryptography``.

The key is ``settings.FIELD_ENCRYPTION_KEY`` (a Fernet key: 32 url-safe base64 bytes, made
with ``python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"``).
Several keys may be given, comma-separated: the first encrypts, all decrypt, so a key can be
rotated without re-encrypting at once. Without it the key is derived from ``SECRET_KEY``
(HKDF-SHA256), so changing ``SECRET_KEY`` then makes stored secrets unreadable: set
``FIELD_ENCRYPTION_KEY`` in production.
"""

from __future__ import annotations

import base64
from functools import cache
from typing import Any, overload

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = ["DecryptionError", "EncryptedSecret", "decrypt", "encrypt"]


class DecryptionError(Exception):
    """A stored secret cannot be read with the configured keys."""


def _derived_key(secret_key: str) -> bytes:
    # A fixed "info" separates this key from any other use of SECRET_KEY.
    raw = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"supportdesk field encryption"
    ).derive(secret_key.encode())
    return base64.urlsafe_b64encode(raw)


@cache
def _fernet(configured: str, secret_key: str) -> MultiFernet:
    keys = [k.strip() for k in configured.split(",") if k.strip()]
    if not keys:
        return MultiFernet([Fernet(_derived_key(secret_key))])
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key.encode()))
        except ValueError:
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEY: key {position} is not a Fernet key "
                "(32 url-safe base64-encoded bytes)"
            ) from None
    return MultiFernet(fernets)


def _current() -> MultiFernet:
    configured = getattr(settings, "FIELD_ENCRYPTION_KEY", "") or ""
    return _fernet(configured, settings.SECRET_KEY)


def encrypt(text: str) -> str:
    """The token to store for ``text``; an empty text stays empty (nothing to hide)."""
    if text == "":
        return ""
    return _current().encrypt(text.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """The text of a stored token; ``DecryptionError`` when no configured key opens it."""
    if token == "":
        return ""
    try:
        return _current().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError):
        raise DecryptionError(
            "a stored secret cannot be decrypted: FIELD_ENCRYPTION_KEY (or SECRET_KEY) "
            "changed since it was saved; enter the secret again"
        ) from None


class EncryptedSecret:
    """A model's secret (a password, API key or signing secret) kept encrypted at rest in
    its text field ``column``: reading the attribute decrypts it ("" when none is stored),
    setting it encrypts it."""

    def __init__(self, column: str) -> None:
        self.column = column

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> EncryptedSecret: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> str: ...
    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return decrypt(getattr(obj, self.column))

    def __set__(self, obj: object, secret: str) -> None:
        setattr(obj, self.column, encrypt(secret))
