"""The desk's side of the help center: writing articles, their history, suggestions in the
workspace, and drafting an article from a resolved ticket."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from supportdesk.accounts.http import request_user
from supportdesk.accounts.models import User
from supportdesk.core.errors import InvalidInput
from supportdesk.core.web import refused, staff_only
from supportdesk.help import actions
from supportdesk.help.forms import ArticleForm, initial_for
from supportdesk.help.models import Article
from supportdesk.help.selectors import suggest
from supportdesk.tickets.access import ticket_view
from supportdesk.tickets.models import Ticket


@staff_only
@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    articles = Article.objects.select_related("organisation", "original").order_by("-updated_at")
    return render(request, "help/staff/list.html", {"articles": articles[:500]})


@staff_only
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request_user(request)
    article = get_object_or_404(Article, pk=pk) if pk else None
    initial = initial_for(article) if article else {"language": translation.get_language()[:2]}
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.article_save(
                actor=user, article=article, note=form.cleaned_data["note"], **form.action_fields()
            )
        except InvalidInput as exc:
            refused(request, exc, form=form)
        else:
            messages.success(request, _("Article saved."))
            return redirect("help:staff_edit", pk=saved.pk)
    context = {
        "form": form,
        "article": article,
        "revisions": article.revisions.select_related("author")[:50] if article else [],
        "images": article.images.all() if article else [],
    }
    return render(request, "help/staff/edit.html", context)


@staff_only
@require_POST
def article_publish(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    article = get_object_or_404(Article, pk=pk)
    publish = request.POST.get("publish") == "1"
    actions.article_publish(actor=user, article=article, published=publish)
    messages.success(request, _("Article published.") if publish else _("Article back to draft."))
    return redirect("help:staff_edit", pk=pk)


@staff_only
@require_POST
def image_upload(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    article = get_object_or_404(Article, pk=pk)
    upload = request.FILES.get("image")
    if upload is None:
        messages.error(request, _("image: choose a file to upload"))
    else:
        try:
            image = actions.article_image_add(actor=user, article=article, upload=upload)
        except InvalidInput as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Image stored. Put it in the text with: %(markdown)s")
                % {"markdown": f"![{image.filename}](/help/images/{image.pk}/)"},
            )
    return redirect("help:staff_edit", pk=pk)


@staff_only
@require_POST
@ticket_view
def from_ticket(request: HttpRequest, user: User, ticket: Ticket) -> HttpResponse:
    """A resolved ticket's answer as a draft article, names and references removed."""
    try:
        article = actions.article_from_ticket(actor=user, ticket=ticket)
    except InvalidInput as exc:
        messages.error(request, exc.message)
        return redirect("console:workspace", number=ticket.number)
    messages.success(
        request,
        _("Draft article made from %(number)s: review it before publishing.")
        % {"number": ticket.number},
    )
    return redirect("help:staff_edit", pk=article.pk)


@staff_only
@require_GET
def workspace_suggestions(request: HttpRequest) -> HttpResponse:
    """Articles for the consultant's reply, each insertable as a link with its title."""
    user = request_user(request)
    hits = suggest(user, request.GET.get("q", ""), language=translation.get_language()[:2])
    return render(request, "help/partials/workspace_suggestions.html", {"hits": hits})
