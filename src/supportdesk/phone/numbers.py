"""Telephone numbers: E.164 normalisation (Swedish by default) and finding the caller."""

from __future__ import annotations

import phonenumbers
from django.db.models import Exists, OuterRef, Q

from supportdesk.accounts.models import User
from supportdesk.phone.models import ContactNumber

DEFAULT_REGION = "SE"


def normalise(number: str, *, region: str = DEFAULT_REGION) -> str | None:
    """``"08-749 09 95"`` → ``"+4687490995"``; ``None`` for what is not a possible number.

    PBXs send national numbers with a trunk prefix ("08…"), international ones with
    "00" or "+", and sometimes the bare international form ("46…"): all three are read.
    """
    text = (number or "").strip()
    if not text or len(text) > 64:
        return None
    digits = "".join(ch for ch in text if ch.isdigit())
    if not digits:
        return None
    if text.startswith("00"):
        text = "+" + text[2:]
    candidates = [text]
    if not text.startswith(("+", "0")) and len(digits) >= 9:
        # "4687490995": the international form without its "+".
        candidates.append("+" + digits)
    for candidate in candidates:
        try:
            parsed = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_possible_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return None


def refresh_directory() -> int:
    """Normalise the users' stored numbers that are new or changed; returns how many.

    One query finds the users whose number differs from the normalised copy, so the
    lookup stays one indexed query however many users there are.
    """
    current = ContactNumber.objects.filter(user=OuterRef("pk"), raw=OuterRef("phone"))
    stale = (
        User.objects.exclude(phone="")
        .filter(is_active=True)
        .exclude(Exists(current))
        .values_list("pk", "phone")
    )
    changed = 0
    for pk, raw in stale:
        ContactNumber.objects.update_or_create(
            user_id=pk, defaults={"raw": raw, "e164": normalise(raw) or ""}
        )
        changed += 1
    # Users who removed their number (looked for first: a delete is three round trips,
    # and this runs on every search by telephone number).
    removed = ContactNumber.objects.filter(Q(user__phone="") | Q(user__is_active=False))
    if removed.exists():
        removed.delete()
    return changed


def users_with_number(e164: str) -> list[User]:
    """Active users whose stored number is ``e164``, customers first, then by name."""
    if not e164:
        return []
    refresh_directory()
    users = User.objects.filter(is_active=True, contact_number__e164=e164).select_related(
        "organisation"
    )
    return sorted(users, key=lambda u: (not u.is_customer, u.name or u.email))


def find_caller(number: str) -> tuple[str | None, User | None]:
    """The caller's E.164 number and the customer user it belongs to, if exactly known."""
    e164 = normalise(number)
    if e164 is None:
        return None, None
    customers = [u for u in users_with_number(e164) if u.is_customer]
    return e164, customers[0] if customers else None
