"""The audit trail of configuration: who changed what and when, from the admin and from
actions; append-only; shown to administrators only; exportable as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from supportdesk.commitments.models import ClosedDay
from supportdesk.core.models import AuditEntry
from supportdesk.portal.actions import billing_contact_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user, settings):
    settings.OTP_REQUIRED_ROLES = []  # the second factor has its own tests
    client.force_login(admin_user)
    return client


def _value(bound) -> object:
    value = bound.value()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def _form_data(response) -> dict[str, object]:
    """What the admin's change form would post back unchanged, inlines included."""
    data: dict[str, object] = {}
    form = response.context["adminform"].form
    for name in form.fields:
        data[form.add_prefix(name)] = _value(form[name])
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[formset.management_form.add_prefix(name)] = _value(formset.management_form[name])
        for sub in formset.forms:
            for name in sub.fields:
                data[sub.add_prefix(name)] = _value(sub[name])
    # Split date/time widgets post as _0/_1.
    for key, value in list(data.items()):
        if key in ("date_joined", "last_login", "created_at") and value:
            day, _, time = str(value).partition(" ")
            data[f"{key}_0"], data[f"{key}_1"] = day, time
    return {k: v for k, v in data.items() if v != ""}


def test_an_organisation_change_and_a_new_agreement_are_recorded(admin_client, org_a, admin_user):
    url = reverse("admin:accounts_organisation_change", args=[org_a.pk])
    data = _form_data(admin_client.get(url))
    data["members_see_all"] = "on"
    data["agreements-TOTAL_FORMS"] = "1"
    data["agreements-0-valid_from"] = "2027-01-01"
    data["agreements-0-valid_to"] = "2027-12-31"
    data["agreements-0-reference"] = "MSA-7"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    changed = AuditEntry.objects.get(model="accounts.organisation", action="changed")
    assert changed.changes["members_see_all"] == [False, True]
    assert changed.actor == admin_user and changed.via == "admin"
    created = AuditEntry.objects.get(model="accounts.agreement", action="created")
    assert created.changes["reference"] == [None, "MSA-7"]


def test_a_users_role_change_is_recorded_without_the_password(admin_client, consultant):
    url = reverse("admin:accounts_user_change", args=[consultant.pk])
    data = _form_data(admin_client.get(url))
    data["role"] = "dispatcher"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditEntry.objects.get(model="accounts.user")
    assert entry.changes == {"role": ["consultant", "dispatcher"]}
    assert entry.object_repr == str(consultant)


def test_deleting_a_closed_day_is_recorded(admin_client):
    day = ClosedDay.objects.create(date=dt.date(2027, 8, 2), reason="Summer")
    url = reverse("admin:commitments_closedday_delete", args=[day.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    entry = AuditEntry.objects.get(model="commitments.closedday")
    assert entry.action == "deleted" and entry.changes["date"] == ["2027-08-02", None]


def test_actions_write_the_trail_too(alice, admin_user):
    billing_contact_set(actor=admin_user, user=alice, billing_contact=True)
    entry = AuditEntry.objects.get()
    assert entry.changes == {"billing_contact": [False, True]}
    assert entry.actor_label == admin_user.email and entry.via == "invitations page"


def test_the_trail_is_append_only(admin_client, alice, admin_user):
    billing_contact_set(actor=admin_user, user=alice, billing_contact=True)
    entry = AuditEntry.objects.get()
    entry.action = "created"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    url = reverse("admin:core_auditentry_change", args=[entry.pk])
    assert admin_client.post(url, {"action": "created"}).status_code == 403
    delete = reverse("admin:core_auditentry_delete", args=[entry.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.get().action == "changed"


def test_administrators_export_it_as_csv(admin_client, alice, admin_user):
    billing_contact_set(actor=admin_user, user=alice, billing_contact=True)
    entry = AuditEntry.objects.get()
    response = admin_client.post(
        reverse("admin:core_auditentry_changelist"),
        {"action": "export_csv", "_selected_action": [entry.pk]},
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["when", "who", "action"]
    assert rows[1][1] == admin_user.email and "billing_contact" in rows[1][-1]


def test_nobody_else_sees_the_trail(client, consultant, alice):
    for user in (consultant, alice):
        client.force_login(user)
        response = client.get(reverse("admin:core_auditentry_changelist"))
        assert response.status_code == 302 and "/login/" in response["Location"]
