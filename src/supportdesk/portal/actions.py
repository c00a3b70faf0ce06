"""Portal actions: invitations and their acceptance (R9: accounts are free and made by staff)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from supportdesk.accounts.models import Organisation, Role, User
from supportdesk.core import clock
from supportdesk.core.audit import record_change, snapshot
from supportdesk.core.errors import IllegalTransition, InvalidInput, PermissionDenied
from supportdesk.mail.outbox import queue_mail
from supportdesk.portal.models import Invitation, SavedTicketView, hash_invitation_token
from supportdesk.tickets import kit


def organisations_user_may_invite_to(user: User) -> QuerySet[Organisation]:
    """Administrators invite to every organisation; a business consultant to their own."""
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    if user.role == Role.ADMIN:
        return Organisation.objects.all()
    if user.role == Role.BUSINESS_CONSULTANT:
        return Organisation.objects.filter(business_consultant=user)
    return Organisation.objects.none()


def invitation_create(
    *,
    actor: User,
    organisation: Organisation,
    email: str,
    name: str = "",
    language: str = "en",
) -> tuple[Invitation, str]:
    """Invite a customer user of ``organisation`` (R9); returns the invitation and its link.

    The mail carries a one-time link that expires after INVITATION_VALID_DAYS. An earlier
    pending invitation to the same address is revoked, so only the newest link works.
    """
    if not organisations_user_may_invite_to(actor).filter(pk=organisation.pk).exists():
        raise PermissionDenied(
            _("you may not invite users of %(organisation)s") % {"organisation": organisation}
        )
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(
            "email", _("%(email)r is not an e-mail address") % {"email": email}
        ) from None
    if language not in dict(settings.LANGUAGES):
        raise InvalidInput(
            "language",
            _("%(language)r is not one of the site's languages") % {"language": language},
        )
    if User.objects.filter(email__iexact=email).exists():
        raise InvalidInput(
            "email",
            _("%(email)s already has an account: they can use “Forgot your password?”")
            % {"email": email},
        )
    token = secrets.token_urlsafe(32)
    now = clock.now()
    with transaction.atomic():
        Invitation.objects.select_for_update().filter(
            email=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email,
            name=(name or "").strip()[:200],
            language=language,
            token_hash=hash_invitation_token(token),
            invited_by=actor,
            created_at=now,
            expires_at=now + dt.timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        link = settings.SITE_URL.rstrip("/") + reverse("invitation_accept", args=[token])
        with translation.override(language):
            context = {
                "invitation": invitation,
                "link": link,
                "inviter": actor,
                "site_name": settings.SITE_NAME,
                "valid_days": settings.INVITATION_VALID_DAYS,
            }
            subject = render_to_string("portal/mail/invitation_subject.txt", context).strip()
            text = render_to_string("portal/mail/invitation.txt", context)
        queue_mail(to=[email], subject=subject, text=text, purpose="invitation")
    return invitation, link


def billing_contact_set(*, actor: User, user: User, billing_contact: bool) -> User:
    """Make ``user`` a billing contact of their organisation, or stop it.

    Billing contacts see the organisation's statements (R6, R9). Set by the
    organisation's business consultant or an administrator, for customer users only.
    """
    if not user.is_customer or user.organisation_id is None:
        raise InvalidInput("billing_contact", _("only customer users receive statements"))
    if not organisations_user_may_invite_to(actor).filter(pk=user.organisation_id).exists():
        raise PermissionDenied(
            _("you may not manage the users of %(organisation)s")
            % {"organisation": user.organisation}
        )
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.billing_contact != billing_contact:
            before = snapshot(locked)
            locked.billing_contact = billing_contact
            locked.save(update_fields=["billing_contact"])
            record_change(actor=actor, obj=locked, before=before, via="invitations page")
    return locked


def invitation_for_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(token_hash=hash_invitation_token(token))
        .first()
    )


def invitation_accept(*, token: str, password: str, name: str = "", language: str = "") -> User:
    """Turn a pending invitation into a customer account with the chosen password (R9).

    The link is the credential: it works once, before it expires. A used, replaced or
    expired link is refused and changes nothing.
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(token_hash=hash_invitation_token(token))
            .first()
        )
        if invitation is None:
            raise InvalidInput("token", _("is not an invitation link"))
        now = clock.now()
        state = invitation.state_at(now)
        if state != Invitation.State.PENDING:
            raise IllegalTransition(
                _("the invitation is %(value)s: ask for a new one") % {"value": state.value}
            )
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise IllegalTransition(
                _("%(email)s already has an account") % {"email": invitation.email}
            )
        user = User(
            email=invitation.email,
            name=(name or invitation.name).strip()[:200],
            role=Role.CUSTOMER,
            organisation=invitation.organisation,
            language=language if language in dict(settings.LANGUAGES) else invitation.language,
            date_joined=now,
        )
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise InvalidInput("password", " ".join(exc.messages)) from None
        user.set_password(password)
        user.save()
        invitation.accepted_at = now
        invitation.user = user
        invitation.save(update_fields=["accepted_at", "user"])
    return user


def saved_view_save(*, actor: User, name: str, query: str) -> SavedTicketView:
    """Name the ticket list's current filter for ``actor`` (a new name, or the same name
    again to change what it shows)."""
    if not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("sign in to save views"))
    name = kit.text("name", name, required=True, limit=60)
    if len(query) > 500:
        raise InvalidInput("query", _("is too long to save"))
    view, _created = SavedTicketView.objects.update_or_create(
        user=actor, name=name, defaults={"query": query}
    )
    return view


def saved_view_delete(*, actor: User, view_id: int) -> None:
    deleted, _rows = SavedTicketView.objects.filter(user=actor, pk=view_id).delete()
    if not deleted:
        raise InvalidInput("view", _("no such saved view of yours"))
