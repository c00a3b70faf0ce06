"""Error pages: the site's layout, the visitor's language, and a way back."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import permission_denied

from supportdesk.core.error_pages import server_error


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A Swedish request leaves Swedish active in this thread: later tests expect English."""
    yield
    translation.activate("en")


@pytest.fixture
def swedish(client):
    client.cookies["django_language"] = "sv"
    return client


def _request(language: str):
    request = RequestFactory().get("/somewhere/", HTTP_ACCEPT_LANGUAGE=language)
    request.user = AnonymousUser()
    request.LANGUAGE_CODE = language
    return request


@pytest.mark.django_db
def test_a_missing_page_is_in_the_layout_with_a_way_back(client):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in html and 'class="brand"' in html
    assert 'href="/"' in html and "Back to the start page" in html


@pytest.mark.django_db
def test_a_missing_page_speaks_swedish_to_a_swedish_visitor(swedish):
    html = swedish.get("/no-such-page/").content.decode()
    assert "Sidan finns inte" in html and "Tillbaka till startsidan" in html
    assert "Page not found" not in html


@pytest.mark.django_db
def test_a_wrong_method_gets_the_page_and_keeps_the_allow_header(swedish):
    response = swedish.get("/logout/")  # log-out is a form that posts
    assert response.status_code == 405
    assert "POST" in response["Allow"]
    html = response.content.decode()
    assert "Det här går inte att göra här" in html and "Tillbaka till startsidan" in html


@pytest.mark.django_db
def test_the_api_keeps_its_own_answer_to_a_wrong_method(client):
    response = client.delete("/api/v1/tickets")
    assert response.status_code in {404, 405}
    assert "<html" not in response.content.decode()


@pytest.mark.django_db
def test_not_allowed_and_server_error_pages_are_in_the_layout_and_language():
    with translation.override("sv"):
        forbidden = permission_denied(_request("sv"), PermissionDenied()).content.decode()
        broken = server_error(_request("sv"))
    assert "Inte tillåtet" in forbidden and "Tillbaka till startsidan" in forbidden
    assert broken.status_code == 500
    assert "Något gick fel hos oss" in broken.content.decode()
    assert 'class="brand"' in broken.content.decode()


def test_a_server_error_page_that_cannot_render_still_answers(settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [], "APP_DIRS": False, "OPTIONS": {}}]
    response = server_error(_request("en"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


@pytest.mark.django_db
def test_the_favicon_is_linked_and_served(client):
    html = client.get("/login/").content.decode()
    assert 'rel="icon"' in html and "favicon.svg" in html
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file


@pytest.mark.django_db
def test_the_language_switcher_names_each_language_in_itself(swedish):
    html = swedish.get("/login/").content.decode()
    assert ">English</option>" in html and ">Svenska</option>" in html
    assert "Engelska" not in html
