from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from supportdesk.core.errors import InvalidInput
from supportdesk.leads.models import Lead


def lead_create(
    *,
    source: str,
    message: str,
    name: str = "",
    email: str = "",
    company: str = "",
    phone: str = "",
    subject: str = "",
) -> Lead:
    """R10: a non-customer's question about services and prices becomes a lead for sales."""
    message = (message or "").strip()
    if not message:
        raise InvalidInput("message", _("is required"))
    if source not in Lead.Source.values:
        raise InvalidInput(
            "source",
            _("%(source)r is not one of %(value)s")
            % {"source": source, "value": ", ".join(Lead.Source.values)},
        )
    if not (email or phone):
        raise InvalidInput("email", _("give an e-mail address or a telephone number to answer"))
    with transaction.atomic():
        return Lead.objects.create(
            source=source,
            message=message[:20000],
            name=name.strip()[:200],
            email=email.strip()[:254],
            company=company.strip()[:200],
            phone=phone.strip()[:40],
            subject=subject.strip()[:250],
        )
