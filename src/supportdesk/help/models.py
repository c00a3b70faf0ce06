"""The knowledge base (articles, revisions, images), answers before a ticket, and ratings."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supportdesk.accounts.models import Organisation
from supportdesk.core.models import Named
from supportdesk.tickets.models import Event, Ticket

LANGUAGES = [("en", "English"), ("sv", "Svenska")]


class Category(models.TextChoices):
    """Articles are filed by the Odoo application they are about."""

    SALES = "sales", _("Sales")
    ACCOUNTING = "accounting", _("Accounting")
    INVENTORY = "inventory", _("Inventory")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    PURCHASE = "purchase", _("Purchase")
    CRM = "crm", _("CRM")
    PROJECT = "project", _("Project and timesheets")
    HR = "hr", _("Employees and payroll")
    WEBSITE = "website", _("Website and e-commerce")
    LOCALISATION = "localisation", _("Swedish localisation")
    GENERAL = "general", _("General use of Odoo")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public: anyone")
    CUSTOMERS = "customers", _("Customers: logged-in portal users")
    ORGANISATION = "organisation", _("One organisation")
    INTERNAL = "internal", _("Internal: staff only")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Tag(Named):
    name = models.CharField(_("name"), max_length=50, unique=True)


class Article(models.Model):
    """A help article in one language; a translation points at its original."""

    slug = models.SlugField(_("address"), max_length=120, unique=True)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGES, default="en")
    original = models.ForeignKey(
        "self",
        verbose_name=_("translation of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translations",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text (Markdown)"))
    # The body without Markdown syntax: what is searched and quoted in snippets.
    body_text = models.TextField(blank=True, editable=False)
    category = models.CharField(_("Odoo application"), max_length=32, choices=Category.choices)
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    odoo_versions = models.CharField(
        _("Odoo versions"), max_length=100, blank=True, help_text=_("For example: 17.0, 18.0")
    )
    visibility = models.CharField(
        _("visible to"), max_length=16, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="help_articles",
    )
    status = models.CharField(
        max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)
    source_ticket = models.ForeignKey(
        Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="help_articles"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # PostgreSQL: title (weight A), tags and text (B) in the article's own language's
    # configuration, written by the actions; SQLite keeps the FTS5 table help_fts instead.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["title", "id"]
        indexes = [
            models.Index(fields=["status", "visibility"], name="article_visible"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(visibility="organisation") | Q(organisation__isnull=False),
                name="organisation_article_names_its_organisation",
            ),
            models.UniqueConstraint(
                fields=["original", "language"], name="one_translation_per_language"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def family_id(self) -> int:
        return self.original_id or self.pk

    @property
    def is_published(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED

    def version_list(self) -> list[str]:
        return [v.strip() for v in self.odoo_versions.split(",") if v.strip()]


class ArticleRevision(models.Model):
    """Each saved state of an article, with who saved it and which fields changed."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed = models.JSONField(default=list)  # names of the fields that changed
    snapshot = models.JSONField(default=dict)  # every field's value after the change
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="revision_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} r{self.number}"


def image_path(instance: ArticleImage, filename: str) -> str:
    import uuid

    return f"help/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class ArticleImage(models.Model):
    """An image of an article, served only after the article's own access check."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(upload_to=image_path, max_length=300)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename


class HelpActivity(models.Model):
    """Answers before a ticket: what was suggested, opened, and solved without a ticket.

    ``draft`` names one new-ticket form as it was opened, so typing on does not count an
    article as suggested again.
    """

    class Kind(models.TextChoices):
        SUGGESTED = "suggested", _("Suggested")
        OPENED = "opened", _("Opened")
        SOLVED = "solved", _("Solved without a ticket")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    draft = models.CharField(max_length=40)
    article = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="activity"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["draft", "kind", "article"], name="help_activity_once")
        ]
        indexes = [models.Index(fields=["kind", "created_at"], name="help_activity_kind_time")]

    def __str__(self) -> str:
        return f"{self.kind} {self.article_id}"


class RatingRequest(models.Model):
    """ "How did we do?" asked of one contact for one resolution of a ticket, once."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="rating_requests")
    resolution = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rating_requests"
    )
    # Who resolved it, kept for the report by consultant.
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["resolution", "contact"], name="asked_once_per_resolution"
            )
        ]
        indexes = [models.Index(fields=["contact", "created_at"], name="rating_request_contact")]

    def __str__(self) -> str:
        return f"rating of {self.ticket_id} asked of {self.contact_id}"


class Rating(models.Model):
    request = models.OneToOneField(RatingRequest, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5), name="rating_from_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.score}/5"
