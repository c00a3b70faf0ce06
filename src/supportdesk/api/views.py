"""Pages of the API: personal tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from supportdesk.accounts.models import User
from supportdesk.api.models import ApiToken
from supportdesk.core.fieldnames import named


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """Personal API tokens: create (the key is shown once) and revoke."""
    user = request.user
    assert isinstance(user, User)
    new_key = None
    if request.method == "POST":
        if "revoke" in request.POST:
            revoke = request.POST["revoke"]
            if not revoke.isdigit() or len(revoke) > 18:
                raise Http404("no such token")
            token = ApiToken.objects.filter(user=user, pk=int(revoke)).first()
            if token is not None:
                token.revoke()
                messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
            return redirect("api_tokens")
        name = request.POST.get("name", "").strip()
        if not name:
            messages.error(request, str(named("name", _("give the token a name"))))
        else:
            _token, new_key = ApiToken.issue(user=user, name=name)
    tokens = ApiToken.objects.filter(user=user)
    return render(request, "core/api_tokens.html", {"tokens": tokens, "new_key": new_key})
