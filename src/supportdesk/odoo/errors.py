"""The errors of the Odoo client: each ``message`` says what happened and what to do, and
``details`` keeps what Odoo itself said. The API key never appears in them."""

from __future__ import annotations


class OdooError(Exception):
    """A call to an Odoo instance failed; ``message`` says why in one sentence, ``details``
    keeps the rest of what Odoo said (the whole fault text or traceback)."""

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    @property
    def full(self) -> str:
        """The message, then Odoo's own text: what is stored and shown folded."""
        return f"{self.message}\n\n{self.details}" if self.details else self.message


class OdooRefused(OdooError):
    """Refused before or instead of talking: a forbidden address, scheme or redirect."""


class OdooAuthError(OdooError):
    """The instance refused the login or API key."""


class OdooTimeout(OdooError):
    """The instance did not answer within the timeout."""


class OdooUnavailable(OdooError):
    """The instance could not be reached or did not answer like Odoo."""


class OdooNotFound(OdooUnavailable):
    """The endpoint does not exist on the instance (HTTP 404)."""


class OdooCallError(OdooError):
    """The instance answered with an error: unknown model or field, access rights…"""


class OdooAccessError(OdooCallError):
    """The API user lacks the access rights (Odoo's AccessError: Fault 4, HTTP 403)."""


class OdooDatabaseNotServed(OdooCallError):
    """The host runs Odoo 19+ but serves no such database over JSON-2 (wrong name, or the
    server's database filter excludes it): Odoo answers its plain HTML 404 page."""
