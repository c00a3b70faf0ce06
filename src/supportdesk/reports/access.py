"""Who may see which report (DESIGN rule 3): "not yours" is the same 404 as "not found".

Staff see the desk's dashboards and any organisation's service report; a customer user
sees only their own organisation's service report.
"""

from __future__ import annotations

from django.http import Http404

from supportdesk.accounts.models import Organisation, User


def require_staff(user: User) -> User:
    """Staff reports look like missing pages to anyone else."""
    if not user.is_authenticated or not user.is_active or not user.is_support_staff:
        raise Http404("no such page")
    return user


def organisation_for_report(user: User, organisation_id: object = None) -> Organisation | None:
    """The organisation whose service report ``user`` asks for.

    A customer gets their own organisation; naming another one is a 404. Staff name one
    (``None`` when they have not chosen yet).
    """
    if not user.is_authenticated or not user.is_active:
        raise Http404("no such page")
    wanted = _id(organisation_id)
    if user.is_support_staff:
        if wanted is None:
            return None
        try:
            return Organisation.objects.get(pk=wanted)
        except Organisation.DoesNotExist:
            raise Http404("no such organisation") from None
    if user.organisation is None or (wanted is not None and wanted != user.organisation_id):
        raise Http404("no such organisation")
    return user.organisation


def _id(value: object) -> int | None:
    if value is None or value == "":
        return None
    text = str(value).strip()
    if not text.isdigit() or len(text) > 12:
        raise Http404("no such organisation")
    return int(text)
