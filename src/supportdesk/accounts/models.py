"""Organisations, agreements, users, roles and skills."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Protocol

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supportdesk.core.models import Named


class Role(models.TextChoices):
    CUSTOMER = "customer", _("Customer user")
    CONSULTANT = "consultant", _("Consultant")
    BUSINESS_CONSULTANT = "business_consultant", _("Business consultant")
    DISPATCHER = "dispatcher", _("Dispatcher")
    ADMIN = "admin", _("Administrator")


STAFF_ROLES = frozenset({Role.CONSULTANT, Role.BUSINESS_CONSULTANT, Role.DISPATCHER, Role.ADMIN})


class ContactMethod(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Telephone")


class Organisation(Named):
    """A customer company of the partner."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    mail_domains = models.CharField(
        _("mail domains"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated domains whose senders belong to this organisation."),
    )
    business_consultant = models.ForeignKey(
        "User",
        verbose_name=_("business consultant"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_organisations",
        limit_choices_to={"role__in": [Role.BUSINESS_CONSULTANT, Role.ADMIN]},
    )
    odoo_url = models.URLField(_("Odoo instance URL"), blank=True)
    members_see_all = models.BooleanField(
        _("members see all the organisation's tickets"),
        default=False,
        help_text=_("Off: a customer user sees the tickets they requested or are copied on."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(Named.Meta):
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        from supportdesk.accounts.cache import forget_members

        forget_members(self)  # each member's cached copy carries the organisation

    def agreement_on(self, day: dt.date) -> Agreement | None:
        """The Maintenance and Support Agreement valid on ``day`` (R6), if any.

        Uses prefetched agreements when the caller prefetched them.
        """
        return agreement_valid_on(self.agreements.all(), day)


class AgreementLike(Protocol):
    valid_from: dt.date
    valid_to: dt.date | None


def agreement_valid_on[A: AgreementLike](agreements: Iterable[A], day: dt.date) -> A | None:
    """The one rule for which agreement covers a day (R6): valid on it, the latest started.

    A pure function over a list, so that billing can decide many entries from one query.
    """
    valid = [
        a for a in agreements if a.valid_from <= day and (a.valid_to is None or day <= a.valid_to)
    ]
    return max(valid, key=lambda a: a.valid_from, default=None)


class Agreement(models.Model):
    """A Maintenance and Support Agreement: general user support is free while valid (R6)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="agreements"
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    reference = models.CharField(_("contract reference"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["organisation", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="agreement_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        end = self.valid_to.isoformat() if self.valid_to else "open-ended"
        return f"{self.organisation}: {self.valid_from.isoformat()} – {end}"

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class Skill(Named):
    """What a consultant is qualified for (R3): an Odoo application or a kind of work."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta(Named.Meta):
        verbose_name = _("skill")
        verbose_name_plural = _("skills")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: object) -> User:
        if not email:
            raise ValueError("email: an e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> User:
        fields.setdefault("role", Role.ADMIN)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in by e-mail: a customer user or a member of staff."""

    email = models.EmailField(_("e-mail"), unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.CUSTOMER)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        help_text=_("Required for customer users; empty for staff."),
    )
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    preferred_contact = models.CharField(
        _("preferred contact"),
        max_length=10,
        choices=ContactMethod.choices,
        default=ContactMethod.EMAIL,
    )
    # Set when mail to this address bounced; cleared when mail from it arrives again.
    email_failing_since = models.DateTimeField(null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=[("en", "English"), ("sv", "Svenska")], default="en"
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="consultants")
    # R3 names a qualified *consultant*: a dispatcher, business consultant or administrator is
    # suggested only with this set, and only for tickets needing a skill they hold.
    takes_tickets = models.BooleanField(
        _("takes tickets"),
        default=False,
        help_text=_(
            "For staff who are not consultants: suggested for tickets that need one of "
            "their skills."
        ),
    )
    # Set by the organisation's business consultant or an administrator: this customer
    # user receives the organisation's statements (their pages, PDF and CSV).
    billing_contact = models.BooleanField(
        _("billing contact"),
        default=False,
        help_text=_("Sees the organisation's statements. Customer users only."),
    )
    # When a ticket was last assigned to this consultant (R3: fairness of suggestions);
    # set by ticket_assign, so ranking reads one column instead of every ticket.
    last_assigned_at = models.DateTimeField(null=True, blank=True)
    # Open tickets assigned to this user (R3: load of suggestions), kept by the database
    # itself on every change of a ticket's status or assignee (tickets migration 0004), so
    # the ranking on every board reads one column instead of counting open tickets.
    open_load = models.PositiveIntegerField(default=0, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="customer") | Q(organisation__isnull=False),
                name="customer_user_has_organisation",
            )
        ]

    def __str__(self) -> str:
        return self.shown(self.name, self.email)

    @staticmethod
    def shown(name: str | None, email: str) -> str:
        """How a person is named on every page: their name, else their address (for rows
        read as columns, without a user object)."""
        return name or email

    @property
    def is_staff(self) -> bool:
        """Only administrators use Django's admin (staff configuration)."""
        return self.role == Role.ADMIN and self.is_active

    @property
    def is_support_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_customer(self) -> bool:
        return self.role == Role.CUSTOMER

    @property
    def can_dispatch(self) -> bool:
        return self.role in {Role.DISPATCHER, Role.ADMIN}

    @property
    def sees_statements(self) -> bool:
        """A customer user who may see their organisation's statements: a billing contact,
        or a member who may see all the organisation's tickets anyway."""
        if not self.is_customer or self.organisation_id is None or not self.is_active:
            return False
        assert self.organisation is not None
        return self.billing_contact or self.organisation.members_see_all

    def has_perm(self, perm: str, obj: object = None) -> bool:
        # Administrators configure everything in the admin; nobody else enters it.
        return self.is_active and self.role == Role.ADMIN

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_active and self.role == Role.ADMIN

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        from supportdesk.accounts.cache import forget_user

        forget_user(self.pk)  # the copy read by every request (accounts.cache)

    def get_full_name(self) -> str:
        return str(self)

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


SYSTEM_EMAIL = "supportdesk@system.invalid"


def system_user() -> User:
    """The actor of automatic work (sweeps, auto-assignment): it cannot log in."""
    user, created = User.objects.get_or_create(
        email=SYSTEM_EMAIL,
        defaults={"name": "Supportdesk", "role": Role.DISPATCHER},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
