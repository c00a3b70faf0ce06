"""Changes to the knowledge base: write, publish, translate, attach images, draft from a ticket.

Every change of an article is one transaction that saves it, writes a revision naming
who changed which fields, and brings its search index up to date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils.text import slugify
from django.utils.translation import gettext as _

from supportdesk.accounts.models import Organisation, User
from supportdesk.core import clock
from supportdesk.core.errors import InvalidInput, PermissionDenied
from supportdesk.core.markdown import plain
from supportdesk.help.models import (
    LANGUAGES,
    Article,
    ArticleImage,
    ArticleRevision,
    ArticleStatus,
    Category,
    Tag,
    Visibility,
)
from supportdesk.help.search import index_article
from supportdesk.tickets.models import Message, OdooReference, Status, Ticket

TITLE_MAX = 200
BODY_MAX = 100_000
TRACKED = (
    "title",
    "body",
    "language",
    "category",
    "odoo_versions",
    "visibility",
    "organisation",
    "status",
    "tags",
)
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
_VERSION = re.compile(r"^\d{1,2}\.\d$")


def _require_staff(actor: User) -> None:
    if not actor.is_support_staff:
        raise PermissionDenied(_("only staff write help articles"))


def _snapshot(article: Article) -> dict[str, Any]:
    """The tracked fields as a revision keeps them: names rather than rows."""
    snapshot = model_to_dict(article, fields=TRACKED, exclude=["tags"])
    snapshot["organisation"] = article.organisation.name if article.organisation else ""
    snapshot["tags"] = sorted(article.tags.values_list("name", flat=True))
    return snapshot


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    """Validate the fields given; the first bad one raises naming it and why."""
    out = dict(fields)
    if "title" in out:
        out["title"] = " ".join(str(out["title"]).split())
        if not out["title"]:
            raise InvalidInput("title", _("is required"))
        if len(out["title"]) > TITLE_MAX:
            raise InvalidInput(
                "title", _("is longer than %(limit)s characters") % {"limit": TITLE_MAX}
            )
    if "body" in out:
        out["body"] = str(out["body"]).strip()
        if not out["body"]:
            raise InvalidInput("body", _("is required"))
        if len(out["body"]) > BODY_MAX:
            raise InvalidInput(
                "body", _("is longer than %(limit)s characters") % {"limit": BODY_MAX}
            )
    if "language" in out and out["language"] not in dict(LANGUAGES):
        raise InvalidInput(
            "language",
            _("'%(language)s' is not one of: en, sv") % {"language": out["language"]},
        )
    if "category" in out and out["category"] not in Category.values:
        raise InvalidInput(
            "category",
            _("'%(category)s' is not an Odoo application we file by")
            % {"category": out["category"]},
        )
    if "visibility" in out and out["visibility"] not in Visibility.values:
        raise InvalidInput(
            "visibility", f"'{out['visibility']}' is not one of: {', '.join(Visibility.values)}"
        )
    if "odoo_versions" in out:
        versions = [v.strip() for v in str(out["odoo_versions"]).split(",") if v.strip()]
        for version in versions:
            if not _VERSION.match(version):
                raise InvalidInput(
                    "odoo_versions",
                    _("'%(version)s' is not a version like 18.0") % {"version": version},
                )
        out["odoo_versions"] = ", ".join(dict.fromkeys(versions))
    if "tags" in out:
        names = [" ".join(str(t).split()).lower() for t in out["tags"] if str(t).strip()]
        if any(len(n) > 50 for n in names):
            raise InvalidInput("tags", _("a tag is at most 50 characters"))
        out["tags"] = list(dict.fromkeys(names))
    return out


def _unique_slug(title: str, language: str, *, exclude: int | None = None) -> str:
    base = (slugify(title)[:100] or "article") + ("" if language == "en" else f"-{language}")
    slug, n = base, 1
    others = Article.objects.all() if exclude is None else Article.objects.exclude(pk=exclude)
    while others.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def article_save(
    *,
    actor: User,
    article: Article | None = None,
    note: str = "",
    **fields: Any,
) -> Article:
    """Create an article (``article`` None) or change the fields given; writes a revision.

    Fields: title, body, language, category, odoo_versions, visibility, organisation
    (an ``Organisation`` or None), tags (names), original (an ``Article``), status.
    """
    _require_staff(actor)
    unknown = set(fields) - {*TRACKED, "original"}
    if unknown:
        raise InvalidInput(sorted(unknown)[0], _("is not a field of an article"))
    fields = _clean(fields)
    with transaction.atomic():
        creating = article is None
        if article is None:
            for required in ("title", "body", "category"):
                if not fields.get(required):
                    raise InvalidInput(required, _("is required"))
            article = Article(created_by=actor, created_at=clock.now())
            before: dict[str, Any] = {}
        else:
            article = Article.objects.select_for_update().get(pk=article.pk)
            before = _snapshot(article)
        tags = fields.pop("tags", None)
        for name, value in fields.items():
            setattr(article, name, value)
        _check_consistent(article)
        if article.status == ArticleStatus.PUBLISHED and article.published_at is None:
            article.published_at = clock.now()
        article.body_text = plain(article.body)
        article.updated_at = clock.now()
        if creating:
            article.slug = _unique_slug(article.title, article.language)
        article.save()
        if tags is not None:
            article.tags.set([Tag.objects.get_or_create(name=n)[0] for n in tags])
        after = _snapshot(article)
        changed = [k for k in TRACKED if before.get(k) != after.get(k)]
        if changed or creating:
            number = (
                article.revisions.order_by("-number").values_list("number", flat=True).first() or 0
            ) + 1
            ArticleRevision.objects.create(
                article=article,
                number=number,
                author=actor,
                changed=changed,
                snapshot=after,
                note=note[:200],
                created_at=clock.now(),
            )
        index_article(article)
    return article


def _check_consistent(article: Article) -> None:
    if article.visibility == Visibility.ORGANISATION and article.organisation_id is None:
        raise InvalidInput(
            "organisation", _("is required when the article is for one organisation")
        )
    if article.visibility != Visibility.ORGANISATION:
        article.organisation = None
    original = article.original
    if original is not None:
        if original.original_id is not None:
            raise InvalidInput("original", _("is itself a translation: link to its original"))
        if original.language == article.language:
            raise InvalidInput("original", _("is in the same language as the translation"))
        if original.pk == article.pk:
            raise InvalidInput("original", _("cannot be the article itself"))


def article_publish(*, actor: User, article: Article, published: bool = True) -> Article:
    """Publish a draft (readers then see it, as its visibility allows) or take it back."""
    status = ArticleStatus.PUBLISHED if published else ArticleStatus.DRAFT
    return article_save(actor=actor, article=article, status=status)


def article_image_add(*, actor: User, article: Article, upload: UploadedFile) -> ArticleImage:
    """Store an image for an article through the storage API; served after an access check."""
    _require_staff(actor)
    content_type = (upload.content_type or "").lower()
    if content_type not in IMAGE_TYPES:
        raise InvalidInput(
            "image", f"'{content_type or 'unknown'}' is not a PNG, JPEG, GIF or WebP image"
        )
    size = upload.size or 0
    if size > settings.ATTACHMENT_MAX_BYTES:
        raise InvalidInput(
            "image", f"is {size} bytes; at most {settings.ATTACHMENT_MAX_BYTES} are allowed"
        )
    image = ArticleImage(
        article=article,
        filename=(upload.name or "image")[:255],
        content_type=content_type,
        size=size,
        uploaded_by=actor,
        created_at=clock.now(),
    )
    image.file.save(image.filename, upload, save=False)
    image.save()
    return image


# --- from ticket to article ------------------------------------------------------------


def _scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with each of ``secrets`` (names, addresses, references) replaced for review."""
    for secret in sorted({s for s in secrets if s and len(s) >= 3}, key=len, reverse=True):
        text = re.sub(re.escape(secret), "[…]", text, flags=re.IGNORECASE)
    # Mail addresses, Odoo hosts and ticket numbers of anyone else too.
    text = re.sub(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", "[address]", text)
    text = re.sub(r"https?://\S+", "[link]", text)
    return re.sub(r"\bSD-\d+\b", "[ticket]", text)


def article_from_ticket(*, actor: User, ticket: Ticket) -> Article:
    """A draft article from a resolved ticket's question and its answer, for review.

    The customer's names, organisation, addresses, links and transaction references are
    replaced by placeholders; the draft is internal until someone edits and publishes it.
    """
    _require_staff(actor)
    if ticket.status not in (Status.RESOLVED, Status.CLOSED):
        raise InvalidInput(
            "ticket", _("%(number)s is not resolved yet") % {"number": ticket.number}
        )
    answers = list(
        Message.objects.filter(ticket=ticket, internal=False, author__isnull=False)
        .select_related("author")
        .order_by("created_at", "id")
    )
    answer = next((m for m in reversed(answers) if m.author and m.author.is_support_staff), None)
    if answer is None:
        raise InvalidInput(
            "ticket",
            _("%(number)s has no public answer from the desk") % {"number": ticket.number},
        )
    organisation: Organisation = ticket.organisation
    people = list(organisation.members.all()) + [p for p in (ticket.requester,) if p]
    secrets: list[str] = [organisation.name, *(organisation.mail_domains.split(","))]
    for person in people:
        secrets += [person.email, person.name, *person.name.split()]
    secrets += list(OdooReference.objects.filter(ticket=ticket).values_list("text", flat=True))
    secrets = [s.strip() for s in secrets]
    body = (
        "## "
        + _scrub(ticket.subject, secrets)
        + "\n\n"
        + _scrub(ticket.description, secrets)
        + "\n\n## Answer\n\n"
        + _scrub(answer.body, secrets)
    )
    article = article_save(
        actor=actor,
        title=_scrub(ticket.subject, secrets)[:TITLE_MAX] or ticket.number,
        body=body,
        category=Category.GENERAL,
        language=(ticket.requester.language if ticket.requester else "en") or "en",
        visibility=Visibility.INTERNAL,
        status=ArticleStatus.DRAFT,
        note=f"Drafted from {ticket.number}",
    )
    Article.objects.filter(pk=article.pk).update(source_ticket=ticket)
    article.source_ticket = ticket
    return article
