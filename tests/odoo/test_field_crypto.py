"""Secrets at rest: Fernet with FIELD_ENCRYPTION_KEY (rotatable) or a key derived from
SECRET_KEY."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from supportdesk.core import crypto


@given(st.text())
def test_what_is_encrypted_decrypts_to_the_same_text(text):
    token = crypto.encrypt(text)
    assert crypto.decrypt(token) == text
    if len(text) >= 12:  # a short text may turn up in base64 by chance
        assert text not in token


def test_encrypting_twice_gives_different_tokens():
    assert crypto.encrypt("key") != crypto.encrypt("key")


def test_a_configured_key_can_be_rotated(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEY = old
    token = crypto.encrypt("api-key")
    settings.FIELD_ENCRYPTION_KEY = f"{new},{old}"
    assert crypto.decrypt(token) == "api-key"
    settings.FIELD_ENCRYPTION_KEY = new
    with pytest.raises(crypto.DecryptionError, match="enter the secret again"):
        crypto.decrypt(token)


def test_without_a_configured_key_the_secret_key_decides(settings):
    settings.FIELD_ENCRYPTION_KEY = ""
    token = crypto.encrypt("api-key")
    settings.SECRET_KEY = "another-secret-key"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token)


def test_a_malformed_key_is_a_configuration_error(settings):
    settings.FIELD_ENCRYPTION_KEY = "not-a-key"
    with pytest.raises(
        ImproperlyConfigured, match="FIELD_ENCRYPTION_KEY: key 1 is not a Fernet key"
    ):
        crypto.encrypt("x")
