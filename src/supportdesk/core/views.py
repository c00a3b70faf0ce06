from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from supportdesk.accounts.models import User
from supportdesk.api.models import ApiToken


@login_required
def home(request: HttpRequest) -> HttpResponse:
    # Staff land on the console's dispatch board; customers on their tickets.
    if getattr(request.user, "is_support_staff", False):
        return redirect("console:board")
    return redirect("ticket_list")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database and the queue answer, else 503."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        from huey.contrib.djhuey import HUEY

        checks["queue"] = "ok"
        checks["queue_length"] = str(HUEY.pending_count())
    except Exception as exc:
        checks["queue"] = f"error: {exc.__class__.__name__}"
    healthy = checks["database"] == "ok" and checks["queue"] == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )


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
                messages.success(request, f"Token “{token.name}” revoked.")
            return redirect("api_tokens")
        name = request.POST.get("name", "").strip()
        if not name:
            messages.error(request, "name: give the token a name")
        else:
            _, new_key = ApiToken.issue(user=user, name=name)
    tokens = ApiToken.objects.filter(user=user)
    return render(request, "core/api_tokens.html", {"tokens": tokens, "new_key": new_key})
