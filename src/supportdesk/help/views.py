"""Help pages for everyone: the public help center, the portal's Help section, suggestions
while a ticket is written, and "How did we do?" (the signed rating link).

Every article is reached through :mod:`supportdesk.help.access`: an article a person may
not read is a 404, like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from supportdesk.core.errors import InvalidInput
from supportdesk.core.markdown import render as markdown
from supportdesk.help import ratings
from supportdesk.help.access import article_for_user, articles_for_user, image_for_user
from supportdesk.help.models import Article, ArticleStatus, Category, HelpActivity
from supportdesk.help.search import search_articles
from supportdesk.help.selectors import record, suggest

QUERY_MAX = 200


def _language(request: HttpRequest) -> str:
    return (translation.get_language() or "en")[:2]


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def in_language(articles: list[Article], language: str) -> list[Article]:
    """One article per family, in ``language`` when it is written in it (translations)."""
    chosen: dict[int, Article] = {}
    for article in articles:
        held = chosen.get(article.family_id)
        if held is None or (article.language == language and held.language != language):
            chosen[article.family_id] = article
    return sorted(chosen.values(), key=lambda a: a.title.lower())


@require_GET
def help_index(request: HttpRequest) -> HttpResponse:
    """The help center: search, and the articles by Odoo application."""
    q = " ".join(request.GET.get("q", "").split())[:QUERY_MAX]
    category = request.GET.get("category", "")
    visible = articles_for_user(request.user).filter(status=ArticleStatus.PUBLISHED)
    language = _language(request)
    hits = search_articles(visible, q, limit=30, language=language) if q else []
    listed = visible.select_related("original")
    if category in Category.values:
        listed = listed.filter(category=category)
    by_category: dict[str, list[Article]] = {}
    if not q:
        for article in in_language(list(listed[:500]), language):
            by_category.setdefault(article.get_category_display(), []).append(article)
    context: dict[str, Any] = {
        "q": q,
        "hits": hits,
        "by_category": sorted(by_category.items()),
        "categories": Category.choices,
        "category": category,
    }
    return render(request, "help/index.html", context)


@require_GET
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = article_for_user(request.user, slug)
    draft = request.GET.get("draft", "")[:40]
    if draft and article.is_published:
        record(HelpActivity.Kind.OPENED, draft=draft, user=request.user, article_id=article.pk)
    family = articles_for_user(request.user).filter(
        pk__in=[article.family_id], status=ArticleStatus.PUBLISHED
    ) | articles_for_user(request.user).filter(
        original_id=article.family_id, status=ArticleStatus.PUBLISHED
    )
    context = {
        "article": article,
        "html": markdown(article.body),
        "others": [a for a in family if a.pk != article.pk],
        "draft": draft,
    }
    template = "help/partials/preview.html" if _htmx(request) else "help/article.html"
    return render(request, template, context)


@require_GET
def image(request: HttpRequest, image_id: int) -> FileResponse:
    """Images are served only here, after the article's access check."""
    found = image_for_user(request.user, image_id)
    response = FileResponse(found.file.open("rb"), content_type=found.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
def suggestions(request: HttpRequest) -> HttpResponse:
    """Articles matching what is typed in a new ticket (htmx, debounced by the page)."""
    text = " ".join([request.GET.get("subject", ""), request.GET.get("description", "")])
    draft = request.GET.get("help_draft", "")[:40]
    hits = suggest(request.user, text, language=_language(request))
    if request.user.is_authenticated and not request.user.is_support_staff:
        for hit in hits:
            record(
                HelpActivity.Kind.SUGGESTED,
                draft=draft,
                user=request.user,
                article_id=hit.article.pk,
            )
    return render(request, "help/partials/suggestions.html", {"hits": hits, "draft": draft})


@require_POST
def solved(request: HttpRequest) -> HttpResponse:
    """ "This solved it": counted, and no ticket is made."""
    if not request.user.is_authenticated:
        raise Http404("not found")
    draft = request.POST.get("help_draft", "")[:40]
    slug = request.POST.get("article", "")
    article = article_for_user(request.user, slug)
    record(HelpActivity.Kind.SOLVED, draft=draft, user=request.user, article_id=article.pk)
    messages.success(request, _("Glad that solved it. No ticket was registered."))
    if _htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("help:index")
        return response
    return redirect("help:index")


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, number: str, token: str) -> HttpResponse:
    """ "How did we do?": works without logging in, for this ticket only, once."""
    try:
        rating_request = ratings.request_from_token(number, token)
    except ratings.RatingRefused as refused:
        return render(request, "help/rate_refused.html", {"reason": _(str(refused))}, status=410)
    error = ""
    score_text = request.POST.get("score") or request.GET.get("score") or ""
    if request.method == "POST":
        try:
            score = int(score_text)
        except ValueError:
            score = 0
        try:
            ratings.rate(
                request=rating_request, score=score, comment=request.POST.get("comment", "")
            )
        except InvalidInput as exc:
            error = exc.message
        except ratings.RatingRefused as refused:
            return render(
                request, "help/rate_refused.html", {"reason": _(str(refused))}, status=410
            )
        else:
            return render(request, "help/rate_thanks.html", {"ticket": rating_request.ticket})
    context = {
        "ticket": rating_request.ticket,
        "token": token,
        "score": score_text,
        "scores": range(1, 6),
        "error": error,
    }
    return render(request, "help/rate.html", context, status=422 if error else 200)
