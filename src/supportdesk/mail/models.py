"""Mail: the mailboxes we read, every message received (raw first), the outbox, call tasks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supportdesk.core import crypto


class Mailbox(models.Model):
    """An address customers write to, and optionally the IMAP folder it is read from.

    Mail arrives by IMAP (when ``imap_host`` is set), by the LMTP/SMTP listener, by the
    pipe command or by a provider's webhook; the mailbox says where tickets go: to its
    default organisation, or, without one, to the sender's organisation.
    """

    class Security(models.TextChoices):
        SSL = "ssl", _("TLS (IMAPS, port 993)")
        STARTTLS = "starttls", _("STARTTLS (port 143)")
        NONE = "none", _("None (loopback or tests only)")

    class Auth(models.TextChoices):
        PASSWORD = "password", _("Password")
        XOAUTH2 = "xoauth2", _("OAuth 2 access token (XOAUTH2)")

    name = models.CharField(_("name"), max_length=100, unique=True)
    address = models.EmailField(
        _("address"),
        help_text=_("The address customers write to; its +token variants reach the same box."),
    )
    active = models.BooleanField(_("active"), default=True)
    default_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("default organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mailboxes",
        help_text=_("Empty: the sender's address decides the organisation."),
    )
    imap_host = models.CharField(
        _("IMAP host"),
        max_length=255,
        blank=True,
        help_text=_("Empty: mail reaches this box by LMTP, the pipe command or a webhook."),
    )
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_security = models.CharField(
        _("IMAP security"), max_length=10, choices=Security.choices, default=Security.SSL
    )
    imap_username = models.CharField(_("IMAP user name"), max_length=255, blank=True)
    imap_auth = models.CharField(
        _("IMAP authentication"), max_length=10, choices=Auth.choices, default=Auth.PASSWORD
    )
    # The password or OAuth token, encrypted at rest (supportdesk.core.crypto).
    imap_secret_encrypted = models.TextField(blank=True, editable=False)
    imap_secret = crypto.EncryptedSecret("imap_secret_encrypted")
    imap_folder = models.CharField(_("folder"), max_length=255, default="INBOX")
    imap_done_folder = models.CharField(
        _("move stored mail to"),
        max_length=255,
        blank=True,
        help_text=_("Empty: stored mail is flagged as seen and stays in the folder."),
    )
    imap_idle = models.BooleanField(
        _("wait with IDLE"),
        default=False,
        help_text=_("'supportdesk mail listen' keeps a connection open and is told of new mail."),
    )
    uidvalidity = models.BigIntegerField(null=True, blank=True, editable=False)
    last_uid = models.BigIntegerField(default=0, editable=False)
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"


class InboundMail(models.Model):
    """One received message, stored raw before anything else is done with it (DESIGN rule 5).

    The same message delivered twice (the same bytes, or the same Message-ID and the same
    content without relay headers) is one row: ``dedup_key`` is unique and ``deliveries``
    counts the copies. Another message reusing a Message-ID is a row of its own.
    """

    class Source(models.TextChoices):
        IMAP = "imap", "IMAP"
        LMTP = "lmtp", "LMTP/SMTP"
        PIPE = "pipe", _("Pipe")
        WEBHOOK = "webhook", _("Provider webhook")

    class State(models.TextChoices):
        RECEIVED = "received", _("Stored, not yet processed")
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Stored, nothing to do")
        DROPPED = "dropped", _("Our own mail coming back: dropped")
        FAILED = "failed", _("Failed: kept for reprocessing")

    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    raw = models.BinaryField()
    size = models.PositiveBigIntegerField(help_text="Size of the message as delivered.")
    # Over MAIL_MAX_MB only the header is kept, and the sender is told.
    truncated = models.BooleanField(default=False)
    sha256 = models.CharField(max_length=64)
    message_id = models.CharField(max_length=998, blank=True)
    dedup_key = models.CharField(max_length=80, unique=True)
    deliveries = models.PositiveIntegerField(default=1)
    subject = models.CharField(max_length=250, blank=True)
    from_address = models.CharField(max_length=254, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="The Date header.")
    envelope_from = models.CharField(max_length=254, blank=True)
    envelope_to = models.JSONField(default=list, blank=True)
    imap_uid = models.BigIntegerField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RECEIVED)
    # What processing did: "ticket_created", "replied", "lead", "auto_reply", "bounce"…
    outcome = models.CharField(max_length=32, blank=True)
    error = models.TextField(blank=True)
    # What a person should know about this message: a reused Message-ID, a subject cut,
    # parts left in the raw message only…
    notes = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    processed_at = models.DateTimeField(null=True, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_mails",
    )
    ticket_message = models.ForeignKey(
        "tickets.Message",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_mails",
    )
    lead = models.ForeignKey(
        "leads.Lead", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("received mail")
        verbose_name_plural = _("received mail")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["message_id"], name="inbound_message_id"),
            models.Index(fields=["state", "received_at"], name="inbound_state"),
            models.Index(fields=["ticket", "received_at"], name="inbound_ticket"),
        ]

    def __str__(self) -> str:
        return f"{self.from_address}: {self.subject or '(no subject)'}"


class OutboundMail(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (gave up)"

    to = models.JSONField(help_text="List of recipient addresses.")
    cc = models.JSONField(default=list, blank=True)
    # The first recipient, lower-cased: acknowledgements are rate-limited per address.
    recipient = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=998)
    text = models.TextField()
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    message_id = models.CharField(max_length=998, unique=True)
    # Why this mail exists, for de-duplication and the timeline ("ack", "reply", "invitation"…).
    purpose = models.CharField(max_length=48)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbound_mails",
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sent mail")
        verbose_name_plural = _("sent mail")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["ticket", "created_at"], name="outbox_ticket"),
            models.Index(fields=["recipient", "purpose", "created_at"], name="outbox_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} to {', '.join(self.to)}: {self.subject}"


# Why a contact is to be called: the sentence for each code, filled from its values.
CALL_REASONS = {
    "replied": _("Consultant replied: %(text)s"),
    "status": _("Status: %(status)s"),
    "reopened": _("Status: reopened"),
    "waiting": _("Waiting on the customer since %(since)s"),
}


def call_reason(code: str, values: dict[str, str]) -> str:
    """One reason to call, in the active language; a status is named by its own label."""
    values = dict(values)
    if code == "status":
        from supportdesk.tickets.models import Status

        if values.get("status") in Status.values:
            values["status"] = str(Status(values["status"]).label)
    if code == "waiting" and values.get("since"):
        from django.utils import formats
        from django.utils.dateparse import parse_date

        day = parse_date(values["since"])
        if day is not None:
            values["since"] = formats.date_format(day, "SHORT_DATE_FORMAT")
    return str(CALL_REASONS.get(code, "%(text)s")) % values


class CallTask(models.Model):
    """A contact who prefers the telephone is called as well as mailed (R2)."""

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="call_tasks"
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="call_tasks"
    )
    reason = models.TextField()  # in English (the admin, search); shown: ``shown_reason``
    # Why to call, as codes with their values (``CALL_REASONS``), shown in the reader's language.
    reasons = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("call task")
        verbose_name_plural = _("call tasks")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["created_at"], name="calltask_open", condition=Q(done_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"call {self.contact} about {self.ticket_id}"

    @property
    def shown_reason(self) -> str:
        """Why to call, in the reader's language (the stored text for older tasks)."""
        if not self.reasons:
            return self.reason
        return "\n".join(call_reason(code, values) for code, values in self.reasons)
