"""Sender → contact → organisation (issue "Senders").

A known user is themselves; an unknown sender from an organisation's mail domain (or of
a mailbox with a default organisation) becomes an unverified contact of it; anyone else
is not a customer, and their mail becomes an inquiry for sales (R10).
"""

from __future__ import annotations

from dataclasses import dataclass

from supportdesk.accounts.models import Organisation, Role, User
from supportdesk.mail.lookups import Lookups
from supportdesk.mail.models import Mailbox


@dataclass
class Sender:
    address: str
    name: str
    user: User | None
    organisation: Organisation | None
    verified: bool

    @property
    def is_staff(self) -> bool:
        return self.user is not None and self.user.is_support_staff


def resolve(
    address: str, name: str, mailbox: Mailbox | None, lookups: Lookups | None = None
) -> Sender:
    lookups = lookups or Lookups()
    user = lookups.user(address)
    if user is not None and user.is_active:
        return Sender(address, name, user, user.organisation, True)
    organisation = (mailbox.default_organisation if mailbox else None) or (
        lookups.organisation_for_domain(address)
    )
    if user is not None:  # a deactivated account: their organisation, unverified
        return Sender(address, name, user, user.organisation or organisation, False)
    return Sender(address, name, None, organisation, False)


def contact_for(sender: Sender, language: str = "", lookups: Lookups | None = None) -> User:
    """The customer user behind an unverified sender, created without a usable password.

    They cannot log in until their business consultant invites them (R9).
    """
    if sender.user is not None:
        return sender.user
    assert sender.organisation is not None
    user = User.objects.create_user(
        sender.address,
        password=None,
        name=sender.name[:200],
        role=Role.CUSTOMER,
        organisation=sender.organisation,
        language="sv" if language == "sv" else "en",
    )
    sender.user = user
    if lookups is not None:
        lookups.remember(user)
    return user
