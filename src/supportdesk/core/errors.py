"""Errors that actions raise: each says what and why, and changes nothing (rule 8).

Messages may be lazy translations (``gettext_lazy``): they are put into words in the
language active where they are shown, so a refusal reads in the viewer's language.
"""

from __future__ import annotations

from django.utils.functional import Promise

Text = str | Promise


class ActionError(Exception):
    """Base of the errors an action raises; the transaction is rolled back."""

    def __init__(self, message: Text) -> None:
        super().__init__(message)
        self._message = message

    @property
    def message(self) -> str:
        """The message in the active language."""
        return str(self._message)

    def __str__(self) -> str:
        return self.message


class InvalidInput(ActionError):
    """Bad input: names the field and the reason (HTTP 422)."""

    def __init__(self, field: str, reason: Text, *, label: Text | None = None) -> None:
        # The field's key stays in ``field`` (the API returns it, a form maps the error
        # to it); the message names the field as a person reads it, in their language.
        from supportdesk.core.fieldnames import named

        super().__init__(named(field, reason, name=label))
        self.field = field
        self.label = label
        self._reason = reason

    @property
    def reason(self) -> str:
        return str(self._reason)


class IllegalTransition(ActionError):
    """A change of state the ticket's current state does not allow (HTTP 409)."""


class PermissionDenied(ActionError):
    """The actor may not do this to an object it can see (HTTP 403)."""
