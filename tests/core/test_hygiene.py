"""Control characters are refused at the boundary, in one place, naming the field.

The fourteen places an outside test found answering 500 to a NUL byte each answer 400 (web
pages) or 422 (the API and the CTI webhook) and change nothing.
"""

from __future__ import annotations

import json

import pytest

from supportdesk.api.models import ApiToken
from supportdesk.phone.models import Call, Pbx
from supportdesk.tickets.models import Message, Ticket
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

NUL = "\x00"


def _bearer(user) -> dict[str, str]:
    _, key = ApiToken.issue(user=user, name="tests")
    return {"Authorization": f"Bearer {key}"}


def _json(client, path, payload, user):
    return client.post(
        path, data=json.dumps(payload), content_type="application/json", headers=_bearer(user)
    )


def _refused(response, field: str, status: int) -> None:
    """``field`` is the key the API names, or the field's name as a page shows it."""
    assert response.status_code == status, response.content[:300]
    text = response.content.decode()
    assert field in text and "U+0000" in text


def test_portal_list_search(client, alice):
    client.force_login(alice)
    _refused(client.get("/tickets/", {"q": NUL}), "Search: contains", 400)


def test_portal_csv_export(client, alice):
    client.force_login(alice)
    _refused(client.get("/tickets/export.csv", {"q": f"a{NUL}b"}), "Search: contains", 400)


def test_statement_look_up(client, alice):
    client.force_login(alice)
    _refused(client.get("/billing/statements/2027-%000001/"), "Address: contains", 400)


def test_token_creation(client, alice):
    client.force_login(alice)
    _refused(client.post("/account/tokens/", {"name": f"ci{NUL}"}), "Name: contains", 400)
    assert not ApiToken.objects.filter(user=alice).exists()


def test_console_search(client, consultant):
    client.force_login(consultant)
    _refused(client.get("/console/search/", {"q": NUL}), "Search: contains", 400)


def test_console_note(client, consultant, alice):
    ticket = make_ticket(alice)
    client.force_login(consultant)
    response = client.post(f"/console/tickets/{ticket.number}/note/", {"body": f"x{NUL}y"})
    _refused(response, "Message text: contains", 400)
    assert not Message.objects.filter(ticket=ticket, internal=True).exists()


def test_api_search(client, consultant):
    _refused(client.get("/api/v1/search", {"q": NUL}, headers=_bearer(consultant)), "q", 422)


def test_api_ticket_create(client, alice):
    response = _json(client, "/api/v1/tickets", {"subject": f"Hi{NUL}"}, alice)
    _refused(response, "subject", 422)
    assert not Ticket.objects.exists()


def test_api_reply(client, alice):
    ticket = make_ticket(alice)
    before = ticket.messages.count()
    response = _json(client, f"/api/v1/tickets/{ticket.number}/replies", {"body": NUL}, alice)
    _refused(response, "body", 422)
    assert ticket.messages.count() == before


def test_api_odoo_release(client, consultant):
    payload = {"module": f"l10n_se{NUL}", "version": "1.0", "release_date": "2027-01-01"}
    _refused(_json(client, "/api/v1/odoo/releases", payload, consultant), "module", 422)


def test_api_odoo_references(client, consultant, alice):
    ticket = make_ticket(alice)
    path = f"/api/v1/tickets/{ticket.number}/odoo/references"
    _refused(_json(client, path, {"references": [f"S0004{NUL}"]}, consultant), "references", 422)


def test_api_query_parameter(client, alice):
    response = client.get("/api/v1/tickets", {"cursor": NUL}, headers=_bearer(alice))
    _refused(response, "cursor", 422)


def test_cti_webhook(client):
    _, token = Pbx.issue(name="Office PBX")
    response = client.post(
        f"/api/v1/cti/{token}", {"event": "newCall", "callId": f"c{NUL}", "from": "0701234567"}
    )
    _refused(response, "callId", 422)
    assert not Call.objects.exists()


def test_other_control_characters_are_refused_but_tabs_and_newlines_kept(client, alice):
    client.force_login(alice)
    _refused_other = client.get("/tickets/", {"q": "a\x1bb"})
    assert _refused_other.status_code == 400 and "U+001B" in _refused_other.content.decode()
    assert client.get("/tickets/", {"q": "a\tb\r\nc"}).status_code == 200


def test_revoking_a_token_by_a_non_numeric_id_is_404(client, alice):
    client.force_login(alice)
    assert client.post("/account/tokens/", {"revoke": "abc"}).status_code == 404


def test_a_json_body_of_the_wrong_type_is_422_and_changes_nothing(client, alice, consultant):
    ticket = make_ticket(alice)
    path = f"/api/v1/tickets/{ticket.number}/resolve"
    response = client.post(
        path, data=json.dumps("x"), content_type="application/json", headers=_bearer(consultant)
    )
    assert response.status_code == 422
    ticket.refresh_from_db()
    assert ticket.status != "resolved"


def test_a_page_names_the_field_in_swedish(client, alice):
    # Refused before the session is read: the browser's language decides.
    client.force_login(alice)
    response = client.post(
        "/account/tokens/", {"name": f"ci{NUL}"}, headers={"Accept-Language": "sv"}
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "Namn: innehåller kontrolltecknet U+0000" in text, text[-600:]
    assert "name:" not in text and 'lang="sv"' in text
