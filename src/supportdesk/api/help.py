"""``/api/v1/help/…``: help articles (read for everyone logged in, write for staff) and
satisfaction ratings (staff).

Articles come through the help center's access helper: an article a user may not read
is a 404, exactly like one that does not exist.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from supportdesk.accounts.http import request_user
from supportdesk.accounts.models import Organisation, User
from supportdesk.core.errors import InvalidInput, PermissionDenied
from supportdesk.help import actions
from supportdesk.help.access import article_for_user, articles_for_user
from supportdesk.help.models import Article, ArticleStatus, Rating
from supportdesk.help.search import search_articles

router = Router(tags=["help"])


class ArticleOut(Schema):
    slug: str
    language: str
    original: str | None
    title: str
    body: str
    category: str
    tags: list[str]
    odoo_versions: list[str]
    visibility: str
    organisation: str | None
    status: str
    published_at: dt.datetime | None
    updated_at: dt.datetime


class ArticleIn(Schema):
    title: str | None = None
    body: str | None = None
    language: str | None = None
    original: str | None = None  # the slug of the original, for a translation
    category: str | None = None
    tags: list[str] | None = None
    odoo_versions: str | None = None
    visibility: str | None = None
    organisation: str | None = None  # the organisation's name
    status: str | None = None


class ArticleQuery(Schema):
    q: str = ""
    category: str = ""
    limit: int = 50


class RatingOut(Schema):
    ticket: str
    organisation: str
    contact: str
    consultant: str | None
    score: int
    comment: str
    rated_at: dt.datetime


class RatingQuery(Schema):
    since: dt.date | None = None
    organisation: str = ""
    limit: int = 100


def _out(article: Article) -> dict[str, Any]:
    return {
        "slug": article.slug,
        "language": article.language,
        "original": article.original.slug if article.original else None,
        "title": article.title,
        "body": article.body,
        "category": article.category,
        "tags": [t.name for t in article.tags.all()],
        "odoo_versions": article.version_list(),
        "visibility": article.visibility,
        "organisation": article.organisation.name if article.organisation else None,
        "status": article.status,
        "published_at": article.published_at,
        "updated_at": article.updated_at,
    }


@router.get("/articles", response={200: list[ArticleOut]})
def list_articles(request: HttpRequest, params: Query[ArticleQuery]) -> list[dict[str, Any]]:
    """Articles you may read; ``q`` searches them (best first). Staff see drafts too."""
    if not 1 <= params.limit <= 200:
        raise InvalidInput("limit", _("must be between 1 and 200"))
    visible = articles_for_user(request_user(request)).select_related("original", "organisation")
    if params.category:
        visible = visible.filter(category=params.category)
    if params.q.strip():
        hits = search_articles(visible, params.q, limit=params.limit)
        articles = [hit.article for hit in hits]
    else:
        articles = list(visible.prefetch_related("tags").order_by("title", "pk")[: params.limit])
    return [_out(a) for a in articles]


@router.get("/articles/{slug}", response={200: ArticleOut})
def get_article(request: HttpRequest, slug: str) -> dict[str, Any]:
    return _out(article_for_user(request_user(request), slug))


def _fields(payload: ArticleIn) -> dict[str, Any]:
    fields = payload.dict(exclude_unset=True)
    if "original" in fields:
        slug = fields["original"]
        fields["original"] = Article.objects.filter(slug=slug).first() if slug else None
        if slug and fields["original"] is None:
            raise InvalidInput("original", _("no article at '%(slug)s'") % {"slug": slug})
    if "organisation" in fields:
        name = fields["organisation"]
        fields["organisation"] = Organisation.objects.filter(name=name).first() if name else None
        if name and fields["organisation"] is None:
            raise InvalidInput(
                "organisation", _("no organisation named '%(name)s'") % {"name": name}
            )
    if "status" in fields and fields["status"] not in ArticleStatus.values:
        raise InvalidInput("status", _("must be draft or published"))
    return fields


def _require_staff(user: User) -> None:
    if not user.is_support_staff:
        raise PermissionDenied(_("only staff write help articles"))


@router.post("/articles", response={201: ArticleOut})
def create_article(request: HttpRequest, payload: ArticleIn) -> Status:
    user = request_user(request)
    _require_staff(user)
    article = actions.article_save(actor=user, **_fields(payload))
    return Status(201, _out(article))


@router.patch("/articles/{slug}", response={200: ArticleOut})
def update_article(request: HttpRequest, slug: str, payload: ArticleIn) -> dict[str, Any]:
    user = request_user(request)
    _require_staff(user)
    article = article_for_user(user, slug)
    return _out(actions.article_save(actor=user, article=article, **_fields(payload)))


@router.get("/ratings", response={200: list[RatingOut]})
def list_ratings(request: HttpRequest, params: Query[RatingQuery]) -> list[dict[str, Any]]:
    """Answers to "How did we do?", newest first (staff only)."""
    user = request_user(request)
    if not user.is_support_staff:
        raise PermissionDenied(_("only staff read ratings"))
    if not 1 <= params.limit <= 1000:
        raise InvalidInput("limit", _("must be between 1 and 1000"))
    rows = Rating.objects.select_related(
        "request__ticket__organisation", "request__contact", "request__consultant"
    ).order_by("-created_at", "-pk")
    if params.since:
        rows = rows.filter(created_at__date__gte=params.since)
    if params.organisation:
        rows = rows.filter(request__ticket__organisation__name=params.organisation)
    return [
        {
            "ticket": r.request.ticket.number,
            "organisation": r.request.ticket.organisation.name,
            "contact": r.request.contact.email,
            "consultant": r.request.consultant.email if r.request.consultant else None,
            "score": r.score,
            "comment": r.comment,
            "rated_at": r.created_at,
        }
        for r in rows[: params.limit]
    ]
