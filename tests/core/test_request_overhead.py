"""What a logged-in request costs before its view: with a shared cache, no query at all.

The session comes from the cache (``cached_db``), the user and the device that verified
them from the cache (``accounts.cache``), and the session is written only when the idle
deadline moves by a minute or more.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from supportdesk.accounts.models import User
from tests.factories import UserFactory, make_ticket


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


def queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/bare/")
    assert response.status_code == 200
    return [q["sql"] for q in captured]


def cost(client) -> int:
    return len(queries(client))


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["alice", "consultant", "admin_user"])
def test_a_logged_in_request_costs_no_query_before_its_view_on_a_cache_hit(
    client, request, settings, who
):
    for name, value in CACHED.items():
        setattr(settings, name, value)
    user = request.getfixturevalue(who)
    client.force_login(user)
    if who == "admin_user":  # staff who verified their authenticator app
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    first = client.get("/bare/")  # fills the cache
    assert first.content.decode() == f"{user.pk} {who == 'admin_user'}"
    assert cost(client) == 0
    assert cost(client) == 0


@pytest.mark.django_db
def test_the_session_is_written_only_when_the_idle_deadline_moves_a_minute(
    client, settings, consultant
):
    for name, value in CACHED.items():
        setattr(settings, name, value)
    client.force_login(consultant)
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        queries(client)  # the first request notes when the person was last seen
    with time_machine.travel(now + dt.timedelta(seconds=50), tick=False):
        assert queries(client) == []  # seen again within the minute: nothing written
    with time_machine.travel(now + dt.timedelta(seconds=65), tick=False):
        written = queries(client)
    assert any(sql.startswith('UPDATE "django_session"') for sql in written), written
    assert client.session["last_seen"] == int((now + dt.timedelta(seconds=65)).timestamp())


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


def test_templates_are_compiled_once_per_process():
    from django.template import engines
    from django.template.loaders.cached import Loader

    (loader,) = engines["django"].engine.template_loaders  # type: ignore[attr-defined]
    assert isinstance(loader, Loader)
    first = loader.get_template("base.html")
    assert loader.get_template("base.html") is first


def test_a_cached_customer_forgets_their_organisation_when_it_changes(client, alice, settings):
    """The cached customer carries their organisation: when it lets members see all its
    tickets, the next page shows a colleague's ticket at once, not a minute later."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.USER_CACHE_SECONDS = 60
    colleague = UserFactory(organisation=alice.organisation, role="customer")
    theirs = make_ticket(colleague, subject="A colleague's ticket")
    client.force_login(alice)
    assert theirs.number not in client.get("/tickets/").content.decode()

    alice.organisation.members_see_all = True
    alice.organisation.save()

    assert theirs.number in client.get("/tickets/").content.decode()
