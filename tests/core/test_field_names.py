"""Refusals name the field as a person reads it, in their language; the API keeps the key.

A refusal is "Ämne: måste anges" on a Swedish page and "Subject: is required" on an
English one, wherever it is shown (a form's errors, a message above the page, the input
hygiene refusal); the API's ``field`` stays the JSON key its client sent.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import gettext_lazy

import supportdesk
from supportdesk.core.errors import InvalidInput
from supportdesk.core.fieldnames import LABELS
from supportdesk.core.web import form_errors, refused
from supportdesk.tickets import kit

SOURCE = Path(supportdesk.__file__).resolve().parent
# The helpers whose first argument is the key of the field they refuse.
NAMING = {"InvalidInput", "text", "choice", "minutes"}


def _keys_refused_in_the_source() -> dict[str, str]:
    keys: dict[str, str] = {}
    for path in SOURCE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if name in NAMING and isinstance(first, ast.Constant) and isinstance(first.value, str):
                keys[first.value] = f"{path.relative_to(SOURCE)}:{node.lineno}"
    return keys


def test_every_field_a_refusal_names_has_a_name_people_read():
    keys = _keys_refused_in_the_source()
    assert len(keys) > 50  # the scan finds the refusals (it would pass empty otherwise)
    missing = {key: where for key, where in keys.items() if key not in LABELS}
    assert missing == {}


@pytest.mark.parametrize(
    ("language", "expected"), [("sv", "Ämne: måste anges"), ("en", "Subject: is required")]
)
def test_a_refusal_reads_in_the_requesters_language(language, expected):
    with translation.override(language), pytest.raises(InvalidInput) as caught:
        kit.text("subject", "  ", required=True, limit=10)
    assert caught.value.field == "subject"  # the key, for forms and the API
    with translation.override(language):
        assert caught.value.message == expected


def test_the_field_name_is_put_into_words_where_it_is_shown():
    refusal = InvalidInput("odoo_urls", "x")
    with translation.override("sv"):
        assert refusal.message == "Odoo-länkar: x"
    with translation.override("en"):
        assert refusal.message == "Odoo links: x"


def test_an_explicit_label_names_a_field_the_list_does_not_know():
    with translation.override("sv"):
        assert InvalidInput("closes-1", "x", label="tisdag, stänger").message == (
            "Tisdag, stänger: x"
        )


class _Plain(forms.Form):
    subject = forms.CharField()  # no label: Django would show the key
    other = forms.CharField(label="Annat")


def _request(language: str):
    request = RequestFactory().post("/")
    request.session = {}  # type: ignore[attr-defined]
    from django.contrib.messages.storage.fallback import FallbackStorage

    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def test_form_errors_as_messages_name_the_field_in_swedish():
    request = _request("sv")
    with translation.override("sv"):
        form = _Plain(data={})
        assert not form.is_valid()
        form_errors(request, form)
        texts = [str(m) for m in get_messages(request)]
    assert any(t.startswith("Ämne: ") for t in texts), texts
    assert any(t.startswith("Annat: ") for t in texts), texts
    assert not any(t.startswith("subject") for t in texts)


def test_a_refusal_above_a_form_keeps_the_field_name():
    """A field the form does not have: the error above the form names it."""
    form = _Plain(data={"subject": "x", "other": "y"})
    assert form.is_valid()
    required = gettext_lazy("is required")
    with translation.override("sv"):  # as in a request of a Swedish reader
        refused(_request("sv"), InvalidInput("organisation", required), form=form)
        refused(_request("sv"), InvalidInput("subject", required), form=form)
        assert [str(e) for e in form.non_field_errors()] == ["Organisation: måste anges"]
        assert [str(e) for e in form.errors["subject"]] == ["måste anges"]


def test_the_console_shows_a_refusal_with_the_swedish_field_name(client, dispatcher):
    dispatcher.language = "sv"
    dispatcher.save()
    client.force_login(dispatcher)
    html = client.post("/console/board/views/", {"name": "  "}, follow=True).content.decode()
    assert "Namn: måste anges" in html
    assert "name:" not in html and "is required" not in html


def test_the_portal_shows_a_refusal_with_the_swedish_field_name(client, alice):
    alice.language = "sv"
    alice.save()
    client.force_login(alice)
    html = client.post("/tickets/views/", {"name": ""}, follow=True).content.decode()
    assert "Namn: måste anges" in html
    assert "name:" not in html and "is required" not in html


def test_the_api_names_the_key_and_gives_the_reason_in_the_requests_language(client, alice):
    from supportdesk.api.models import ApiToken

    _, key = ApiToken.issue(user=alice, name="tests")
    response = client.get(
        "/api/v1/tickets",
        {"cursor": "garbage"},
        headers={"Authorization": f"Bearer {key}", "Accept-Language": "sv"},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "cursor"
    assert body["detail"] == "cursor: är inte en sidposition som den här listan har gett"
