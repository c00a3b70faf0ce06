"""Reads of the help center: suggestions while a ticket is written, and the figures.

Figures are aggregated in the database (a fixed number of queries whatever the number of
ratings): asked, answered, response rate, average rating, low ratings, per group.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from supportdesk.accounts.models import User
from supportdesk.core import clock
from supportdesk.core.textsearch import terms
from supportdesk.help.access import articles_for_user
from supportdesk.help.models import ArticleStatus, HelpActivity, RatingRequest
from supportdesk.help.search import ArticleHit, search_articles
from supportdesk.tickets.models import CodeOwner, Kind

SUGGESTIONS = 5
MIN_QUERY = 3


def suggest(
    user: Any, text: str, *, language: str = "", limit: int = SUGGESTIONS
) -> list[ArticleHit]:
    """Published articles ``user`` may read that match what they are typing.

    Words are matched as alternatives here, not all together: a description is long, and
    any of its words may be the one an article is about. Each word's best articles are
    merged by rank.
    """
    text = " ".join((text or "").split())[:300]
    if len(text) < MIN_QUERY:
        return []
    visible = articles_for_user(user).filter(status=ArticleStatus.PUBLISHED)
    whole = search_articles(visible, text, limit=limit, language=language)
    if len(whole) >= limit:
        return whole
    seen = {h.article.family_id for h in whole}
    extra: list[ArticleHit] = []
    for word in sorted(set(terms(text)), key=len, reverse=True)[:6]:
        if len(word) < 4:
            continue
        for hit in search_articles(visible, word, limit=limit, language=language):
            if hit.article.family_id not in seen:
                seen.add(hit.article.family_id)
                extra.append(hit)
    extra.sort(key=lambda h: -h.rank)
    return (whole + extra)[:limit]


def record(kind: str, *, draft: str, user: Any, article_id: int | None = None) -> bool:
    """Count one suggestion shown, article opened or problem solved, once per form."""
    if not draft:
        return False
    organisation_id = getattr(user, "organisation_id", None) if user.is_authenticated else None
    try:
        with transaction.atomic():
            HelpActivity.objects.create(
                kind=kind,
                draft=draft[:40],
                article_id=article_id,
                user=user if user.is_authenticated else None,
                organisation_id=organisation_id,
                created_at=clock.now(),
            )
    except IntegrityError:
        return False
    return True


def deflection_figures(*, since: dt.datetime | None = None) -> dict[str, Any]:
    """Suggestions shown, articles opened, problems solved without a ticket (and forms)."""
    rows = HelpActivity.objects.all()
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    counts = rows.aggregate(
        suggested=Count("id", filter=Q(kind=HelpActivity.Kind.SUGGESTED)),
        opened=Count("id", filter=Q(kind=HelpActivity.Kind.OPENED)),
        solved=Count("id", filter=Q(kind=HelpActivity.Kind.SOLVED)),
        forms=Count("draft", filter=Q(kind=HelpActivity.Kind.SUGGESTED), distinct=True),
    )
    forms = counts["forms"]
    counts["solved_share"] = (counts["solved"] / forms) if forms else None
    return counts


# --- satisfaction ----------------------------------------------------------------------

GROUPS = {
    "month": "month",
    "consultant": "consultant__email",
    "kind": "ticket__kind",
    "code_owner": "ticket__code_owner",
    "organisation": "ticket__organisation__name",
}


def requests(
    *, organisation_id: int | None = None, since: dt.datetime | None = None
) -> QuerySet[RatingRequest]:
    rows = RatingRequest.objects.all()
    if organisation_id is not None:
        rows = rows.filter(ticket__organisation_id=organisation_id)
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    return rows


def _figures(asked: int, answered: int, total: int | None, low: int) -> dict[str, Any]:
    return {
        "asked": asked,
        "answered": answered,
        "response_rate": (answered / asked) if asked else None,
        "average": round((total or 0) / answered, 2) if answered else None,
        "low": low,
    }


def _aggregates() -> dict[str, Any]:
    return {
        "asked": Count("id"),
        "answered": Count("rating"),
        "total": Sum("rating__score"),
        "low": Count("rating", filter=Q(rating__score__lte=settings.SATISFACTION_LOW_RATING)),
    }


def satisfaction_total(rows: QuerySet[RatingRequest]) -> dict[str, Any]:
    agg = rows.aggregate(**_aggregates())
    return _figures(agg["asked"], agg["answered"], agg["total"], agg["low"])


def satisfaction_by(rows: QuerySet[RatingRequest], group: str) -> list[dict[str, Any]]:
    """Figures per month, consultant, kind of request, code owner or organisation."""
    field = GROUPS[group]
    if group == "month":
        rows = rows.annotate(month=TruncMonth("created_at"))
    grouped = rows.values(field).annotate(**_aggregates()).order_by(field)
    labels: dict[str, Any] = {}
    if group == "kind":
        labels = {k.value: str(k.label) for k in Kind}
    elif group == "code_owner":
        labels = {k.value: str(k.label) for k in CodeOwner}
    elif group == "consultant":
        # Shown by name; a consultant without one by address.
        emails = [row[field] for row in grouped if row[field]]
        labels = {u.email: str(u) for u in User.objects.filter(email__in=emails)}
    out = []
    for row in grouped:
        key = row[field]
        if group == "month" and isinstance(key, dt.datetime):
            key = key.date()
        label = labels.get(key, key) if labels else key
        if label in (None, ""):
            label = "—"
        out.append(
            {"group": label, **_figures(row["asked"], row["answered"], row["total"], row["low"])}
        )
    return out
