"""Which articles a person may read: the one place the knowledge base's visibility is decided.

Anyone: published public articles. A customer user: published public and customer
articles, and those of their own organisation. Staff: everything, drafts included.
"Not found" and "not yours" are the same 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from supportdesk.help.models import Article, ArticleImage, ArticleStatus, Visibility


def articles_for_user(user: Any) -> QuerySet[Article]:
    """Every article ``user`` (perhaps anonymous) may read."""
    if user is not None and user.is_authenticated and user.is_active and user.is_support_staff:
        return Article.objects.all()
    published = Article.objects.filter(status=ArticleStatus.PUBLISHED)
    if user is None or not user.is_authenticated or not user.is_active:
        return published.filter(visibility=Visibility.PUBLIC)
    if not user.is_customer or user.organisation_id is None:
        return published.filter(visibility=Visibility.PUBLIC)
    return published.filter(
        Q(visibility__in=[Visibility.PUBLIC, Visibility.CUSTOMERS])
        | Q(visibility=Visibility.ORGANISATION, organisation_id=user.organisation_id)
    )


def article_for_user(user: Any, slug: str) -> Article:
    """The article at ``slug`` if ``user`` may read it, else 404."""
    try:
        return articles_for_user(user).select_related("original", "organisation").get(slug=slug)
    except Article.DoesNotExist:
        raise Http404("no such article") from None


def image_for_user(user: Any, image_id: int) -> ArticleImage:
    """An image, only if its article may be read by ``user``."""
    try:
        return ArticleImage.objects.get(pk=image_id, article__in=articles_for_user(user))
    except ArticleImage.DoesNotExist:
        raise Http404("no such image") from None
