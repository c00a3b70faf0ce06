"""Tickets, their messages, attachments, Odoo references and the event timeline."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supportdesk.accounts.models import ContactMethod, Organisation, Skill

NUMBER_PREFIX = "SD-"
# Ticket numbers are the primary key plus an offset, so numbers are short, unique
# without a counter row to contend on, and look like "SD-10042".
NUMBER_OFFSET = 10000


class Channel(models.TextChoices):
    """How a ticket or message came in (R1)."""

    PORTAL = "portal", _("Portal")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Telephone")
    API = "api", _("API")
    CONSOLE = "console", _("Console")


class Kind(models.TextChoices):
    """The kinds of request the service policy charges, or does not (R6)."""

    HOW_TO = "how_to", _("General user support (how do I…)")
    CONFIGURATION = "configuration", _("Configuration change")
    BUG = "bug", _("Bug")
    BUG_FIX = "bug_fix", _("Applying a bug fix")
    REGISTER_BUG = "register_bug", _("Registering a bug with Odoo")
    INFRASTRUCTURE = "infrastructure", _("Server infrastructure question")
    SERVICE_DELIVERY = "service_delivery", _("Question about our service delivery")
    LICENCE = "licence", _("Odoo licence question")
    SERVER_RESOURCES = "server_resources", _("Additional server resources")
    DEPLOYMENT = "deployment", _("Deployment or architecture change")


class Impact(models.TextChoices):
    """Business impacts that may jump the first-come-first-served queue (R4)."""

    NONE = "", _("Normal")
    PRODUCTION_DOWN = "production_down", _("Production instance down")
    INVOICING_BLOCKED = "invoicing_blocked", _("Invoicing blocked")
    MONTH_END_TAX = "month_end_tax", _("Month-end closing for tax payments and reporting")


class ImpactReview(models.TextChoices):
    """The desk decides at its discretion whether a flagged impact jumps the queue (R4)."""

    NONE = "", _("Not flagged")
    CLAIMED = "claimed", _("Flagged, awaiting review")
    CONFIRMED = "confirmed", _("Confirmed by the desk")
    REMOVED = "removed", _("Removed by the desk")


class CodeOwner(models.TextChoices):
    """Who owns the code a bug is in (R7)."""

    UNKNOWN = "", _("Not classified")
    ODOO_COMMUNITY = "odoo_community", _("Odoo Community")
    ODOO_ENTERPRISE = "odoo_enterprise", _("Odoo Enterprise")
    THIRD_PARTY = "third_party", _("Third-party app")
    PARTNER = "partner", _("Our localisation addons")
    CUSTOMER = "customer", _("Customer's own code or Studio")


class Status(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_CUSTOMER = "waiting_customer", _("Waiting on customer")
    WAITING_THIRD_PARTY = "waiting_third_party", _("Waiting on third party")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (
    Status.NEW,
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.WAITING_CUSTOMER,
    Status.WAITING_THIRD_PARTY,
)
WAITING_STATUSES = (Status.WAITING_CUSTOMER, Status.WAITING_THIRD_PARTY)
# The open statuses as plain strings: partial indexes' conditions, stable in migrations.
_OPEN_VALUES = [str(status.value) for status in OPEN_STATUSES]


def new_reply_token() -> str:
    import secrets

    return secrets.token_hex(10)


class Ticket(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="tickets")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requested_tickets",
    )
    watchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="watched_tickets"
    )
    channel = models.CharField(max_length=16, choices=Channel.choices)
    subject = models.CharField(_("subject"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    contact_method = models.CharField(
        _("how to contact"),
        max_length=10,
        choices=ContactMethod.choices,
        default=ContactMethod.EMAIL,
    )
    contact_phone = models.CharField(_("telephone"), max_length=40, blank=True)
    kind = models.CharField(_("kind of request"), max_length=32, choices=Kind.choices)
    impact = models.CharField(
        _("business impact"), max_length=32, choices=Impact.choices, default="", blank=True
    )
    impact_review = models.CharField(
        max_length=16, choices=ImpactReview.choices, default="", blank=True
    )
    code_owner = models.CharField(
        _("code owner"), max_length=32, choices=CodeOwner.choices, default="", blank=True
    )
    required_skill = models.ForeignKey(
        Skill, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_tickets",
    )
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.NEW)
    # Mail from an unknown sender of a known organisation's domain (mail channel).
    sender_verified = models.BooleanField(default=True)
    # The per-ticket reply address token: support+<token>@… threads replies (mail channel).
    reply_token = models.CharField(max_length=32, unique=True, default=new_reply_token)

    # R4: 0 jumps the queue (a business-critical impact not removed by the desk), 1 is normal.
    queue_rank = models.PositiveSmallIntegerField(default=1)

    # Timestamps the clocks are computed from.
    registered_at = models.DateTimeField(default=timezone.now)
    assigned_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    # Stored deadlines (DESIGN rule 4), recomputed by actions from the event history.
    assignment_due = models.DateTimeField(null=True, blank=True)
    same_day_due = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(null=True, blank=True)
    paused_minutes = models.PositiveIntegerField(default=0)
    # When dispatchers are warned of an unassigned ticket (ASSIGNMENT_WARNING_MINUTES of
    # working time before the deadline), so the sweep is one indexed query.
    assignment_warn_at = models.DateTimeField(null=True, blank=True)
    # Working minutes from registration to assignment, and to resolution less pauses:
    # stored so that attainment medians are computed in the database.
    assignment_minutes = models.PositiveIntegerField(null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField(null=True, blank=True)
    assignment_warned_at = models.DateTimeField(null=True, blank=True)
    assignment_breached_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            # The queue: open tickets, critical first, then first come first served.
            models.Index(
                fields=["queue_rank", "registered_at", "id"],
                name="ticket_queue",
                condition=Q(status__in=_OPEN_VALUES),
            ),
            models.Index(fields=["organisation", "-id"], name="ticket_org_recent"),
            # A customer's open tickets, newest first, and their capped count: read from
            # the index alone (the requester is in it for the customer's own filter),
            # however many closed tickets the organisation has.
            models.Index(
                fields=["organisation", "-id", "requester"],
                name="ticket_org_open",
                condition=Q(status__in=_OPEN_VALUES),
            ),
            models.Index(fields=["requester", "-id"], name="ticket_requester_recent"),
            models.Index(fields=["assignee", "status"], name="ticket_assignee_status"),
            models.Index(fields=["status", "-id"], name="ticket_status_recent"),
            models.Index(fields=["registered_at"], name="ticket_registered"),
            models.Index(
                fields=["assignment_due"],
                name="ticket_unassigned_due",
                condition=Q(assigned_at__isnull=True),
            ),
            models.Index(
                fields=["assignment_warn_at"],
                name="ticket_unassigned_warn",
                condition=Q(assigned_at__isnull=True),
            ),
            # The reports' sweep: deadlines that passed since the last one (reports.figures).
            models.Index(fields=["same_day_due"], name="ticket_same_day_due"),
            models.Index(
                fields=["resolution_due"],
                name="ticket_unresolved_due",
                condition=Q(resolved_at__isnull=True),
            ),
            # The dashboard's count of tickets at risk (reports.selectors.desk): two
            # index-only counts with disjoint conditions, each matching one of these.
            models.Index(
                fields=["assignment_warn_at"],
                name="ticket_risk_unassigned",
                condition=Q(
                    status__in=[
                        "new",
                        "assigned",
                        "in_progress",
                        "waiting_customer",
                        "waiting_third_party",
                    ],
                    assigned_at__isnull=True,
                ),
            ),
            models.Index(
                fields=["resolution_due", "status", "assigned_at", "assignment_warn_at"],
                name="ticket_risk_resolution",
                condition=Q(
                    status__in=[
                        "new",
                        "assigned",
                        "in_progress",
                        "waiting_customer",
                        "waiting_third_party",
                    ]
                ),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact_method="email") | ~Q(contact_phone=""),
                name="phone_contact_has_number",
            )
        ]

    # The columns as read or last saved (``from_db``, ``save``).
    _loaded: dict[str, Any]
    # Set by ``ticket_create``: the message that opened the ticket (a mail's), if any.
    opening_message: Message | None
    # Set by a page that read the ticket's events: its latest resolution (None: none), so
    # the rating prompt needs no query of its own (``help.ratings.latest_resolution``).
    resolution_read: Event | None

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        self.remember_loaded()

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any, **kwargs: Any) -> Ticket:
        ticket = super().from_db(db, field_names, values, **kwargs)
        # The columns as read, so an action writes only what it changed (kit.save_changes).
        ticket._loaded = {
            name: value
            for name, value in zip(field_names, values, strict=True)
            if value is not models.DEFERRED and name != "id"
        }
        return ticket

    def remember_loaded(self) -> None:
        """The column values as now in the database (after a save)."""
        deferred = self.get_deferred_fields()
        self._loaded = {
            f.attname: getattr(self, f.attname)
            for f in self._meta.concrete_fields
            if not f.primary_key and f.attname not in deferred
        }

    def may_have(self, related: str) -> bool:
        """Whether rows of the reverse relation ``related`` may exist: false only when the
        ticket was read with ``has_<related>`` (``tickets.access.related_exists``) saying
        there are none, so a page skips the query for an empty panel."""
        return bool(getattr(self, f"has_{related}", True))

    @property
    def number(self) -> str:
        return Ticket.number_of(self.pk) if self.pk else f"{NUMBER_PREFIX}?"

    @staticmethod
    def number_of(pk: int) -> str:
        """``42`` → ``"SD-10042"``: the number of the ticket with this id (for rows read
        with ``values()``)."""
        return f"{NUMBER_PREFIX}{pk + NUMBER_OFFSET}"

    @staticmethod
    def pk_from_number(number: str) -> int | None:
        """``"SD-10042"`` → 42; ``None`` for anything that is not a ticket number."""
        text = number.strip().upper()
        if text.startswith(NUMBER_PREFIX):
            text = text[len(NUMBER_PREFIX) :]
        if not text.isdigit() or len(text) > 12:
            return None
        pk = int(text) - NUMBER_OFFSET
        return pk if pk > 0 else None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class OdooReference(models.Model):
    """An Odoo screen URL or transaction reference named by a ticket (R2)."""

    class Type(models.TextChoices):
        URL = "url", _("Odoo URL")
        REFERENCE = "reference", _("Transaction reference")

    class Source(models.TextChoices):
        TEXT = "text", _("Written by the customer")
        SCREENSHOT = "screenshot", _("Recognised in a screenshot")
        STAFF = "staff", _("Corrected by a consultant")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="odoo_refs")
    type = models.CharField(max_length=16, choices=Type.choices)
    text = models.CharField(max_length=2000)
    normalised = models.CharField(max_length=2000)
    model = models.CharField(max_length=128, blank=True)
    record_id = models.BigIntegerField(null=True, blank=True)
    host = models.CharField(max_length=255, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.TEXT)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Odoo reference")
        verbose_name_plural = _("Odoo references")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "type", "normalised"], name="odoo_ref_once")
        ]
        indexes = [models.Index(fields=["normalised"], name="odoo_ref_normalised")]

    def __str__(self) -> str:
        return self.text


class Message(models.Model):
    """A public reply or an internal note on a ticket."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    author_email = models.EmailField(blank=True)
    internal = models.BooleanField(default=False)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    body = models.TextField()
    body_html = models.TextField(blank=True, help_text="Sanitised HTML, when the message had it.")
    message_id = models.CharField(max_length=998, blank=True)
    in_reply_to = models.CharField(max_length=998, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # A note a channel wrote by itself: its code and parameters (``tickets.notes``), so
    # that it reads in the reader's language; ``body`` keeps the English words.
    note = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="message_ticket_time"),
            models.Index(fields=["message_id"], name="message_message_id"),
        ]

    def __str__(self) -> str:
        return f"{'note' if self.internal else 'reply'} on {self.ticket_id}"

    @property
    def shown_body(self) -> str:
        """The text in the reader's language where a channel wrote it (see ``note``)."""
        from supportdesk.tickets.notes import shown

        return shown(self.body, self.note)


def attachment_path(instance: Attachment, filename: str) -> str:
    # Stored under a random name: the original name is kept in the row, never trusted on disk.
    import uuid

    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=300)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=150)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    internal = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename


class Event(models.Model):
    """The append-only timeline and audit log of a ticket; never edited.

    Clocks are recomputed from these rows (DESIGN rule 4).
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    verb = models.CharField(max_length=48)
    old = models.JSONField(default=dict, blank=True)
    new = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    public = models.BooleanField(default=True, help_text="Shown on the customer's timeline.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "created_at", "id"], name="event_ticket_time"),
            models.Index(fields=["verb", "created_at"], name="event_verb_time"),
        ]

    def __str__(self) -> str:
        return f"{self.verb} on {self.ticket_id} at {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise RuntimeError("events are append-only: an event is never edited")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class EventDelivery(models.Model):
    """That a durable subscriber has done its work for an event (once, whatever retries).

    Written in the same transaction as the subscriber's own rows (the mail it queues,
    the notifications it records), so an event is acted on exactly once; events without
    a row are delivered again by the catch-up sweep (``tickets.tasks``).
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.CharField(max_length=100)
    delivered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("event delivery")
        verbose_name_plural = _("event deliveries")
        constraints = [
            models.UniqueConstraint(fields=["event", "subscriber"], name="event_delivered_once")
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} on event {self.event_id}"


class TicketLink(models.Model):
    """A relation between two tickets: related, duplicate merged into, split from, follow-up."""

    class Kind(models.TextChoices):
        RELATED = "related", _("Related")
        MERGED_INTO = "merged_into", _("Merged into")
        SPLIT_FROM = "split_from", _("Split from")
        FOLLOW_UP = "follow_up", _("Follow-up of")

    source = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ticket link")
        verbose_name_plural = _("ticket links")
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="ticket_link_once"),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="ticket_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"
