"""Errors that actions raise: each says what and why, and changes nothing (rule 8)."""

from __future__ import annotations


class ActionError(Exception):
    """Base of the errors an action raises; the transaction is rolled back."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(ActionError):
    """Bad input: names the field and the reason (HTTP 422)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class IllegalTransition(ActionError):
    """A change of state the ticket's current state does not allow (HTTP 409)."""


class PermissionDenied(ActionError):
    """The actor may not do this to an object it can see (HTTP 403)."""
