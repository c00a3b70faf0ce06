"""What a logged-in request costs before its view: with a shared cache, at most one query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import include, path

from supportdesk.accounts.models import User


def bare(request: HttpRequest) -> HttpResponse:
    # Reads what every page reads before its own work: the user, verified or not.
    return HttpResponse(f"{request.user.pk} {request.user.is_verified()}")


urlpatterns = [path("bare/", bare), path("", include("supportdesk.urls"))]

CACHED = {
    "ROOT_URLCONF": __name__,
    "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    "SESSION_ENGINE": "django.contrib.sessions.backends.cached_db",
    "USER_CACHE_SECONDS": 60,
    "OTP_REQUIRED_ROLES": [],
}


def cost(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/bare/")
    assert response.status_code == 200
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["alice", "consultant"])
def test_a_logged_in_request_costs_at_most_one_query_on_a_cache_hit(client, request, settings, who):
    for name, value in CACHED.items():
        setattr(settings, name, value)
    user = request.getfixturevalue(who)
    client.force_login(user)
    cost(client)  # the first request fills the cache
    assert cost(client) <= 1
    assert cost(client) <= 1


@pytest.mark.django_db
def test_a_cached_user_is_forgotten_when_saved(client, settings, consultant):
    for name, value in CACHED.items():
        setattr(settings, name, value)
    client.force_login(consultant)
    assert client.get("/bare/").content.decode().startswith(str(consultant.pk))
    user = User.objects.get(pk=consultant.pk)
    user.is_active = False
    user.save()
    # The deactivated user is no longer logged in: not served from the cache.
    assert client.get("/bare/").content.decode().startswith("None")


@pytest.mark.django_db
def test_without_a_shared_cache_the_session_and_user_come_from_the_database(
    client, settings, alice
):
    settings.ROOT_URLCONF = __name__
    client.force_login(alice)
    cost(client)
    assert cost(client) == 2  # the session row and the user
