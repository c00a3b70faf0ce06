"""The bug workflow (R8): evidence on standard data before reporting upstream, the upstream
reference while the ticket waits on the third party, and patch releases of our addons that
resolve their tickets and tell each contact once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from supportdesk.core.errors import IllegalTransition, InvalidInput, PermissionDenied
from supportdesk.mail.models import OutboundMail
from supportdesk.odoo import actions
from supportdesk.odoo.models import UpstreamReport
from supportdesk.tickets import actions as ticket_actions
from supportdesk.tickets.models import CodeOwner, Event, Status
from tests.factories import UserFactory, make_ticket

pytestmark = pytest.mark.django_db

RUNBOT = "https://59185730-17-0-all.runbot189.odoo.com/odoo/sales/42"
STEPS = (
    "On runbot 17.0 with demo data: confirm S00042, create the invoice; expected "
    "VAT 25 %, actual 12 %."
)


def _in_progress(ticket, consultant, owner: str = ""):
    ticket_actions.ticket_assign(ticket=ticket, actor=consultant, assignee=consultant)
    ticket_actions.ticket_start(ticket=ticket, actor=consultant)
    if owner:
        actions.code_owner_override(ticket=ticket, actor=consultant, owner=owner, reason="seen")
    ticket.refresh_from_db()
    return ticket


@pytest.fixture
def odoo_bug(alice, consultant):
    return _in_progress(make_ticket(alice), consultant, CodeOwner.ODOO_COMMUNITY)


# --- evidence ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://runbot.odoo.com/runbot/bundle/saas-17-4",
        RUNBOT,
    ],
)
def test_a_runbot_url_is_evidence(odoo_bug, consultant, url):
    evidence = actions.bug_evidence_record(ticket=odoo_bug, actor=consultant, runbot_url=url)
    assert evidence.runbot_url == url
    event = Event.objects.get(ticket=odoo_bug, verb="bug_reproduced")
    assert event.public and event.new["runbot_url"] == url


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"runbot_url": "https://acme.odoo.com/odoo/sales/42"}, "runbot_url"),
        ({"runbot_url": "https://runbot.odoo.com.evil.example/x"}, "runbot_url"),
        ({"runbot_url": "javascript:alert(1)"}, "runbot_url"),
        ({"reproduction": "it breaks"}, "reproduction"),
        ({}, "reproduction"),
    ],
)
def test_evidence_that_is_not_on_standard_data_is_refused(odoo_bug, consultant, kwargs, field):
    with pytest.raises(InvalidInput) as error:
        actions.bug_evidence_record(ticket=odoo_bug, actor=consultant, **kwargs)
    assert error.value.field == field


def test_a_written_reproduction_is_evidence(odoo_bug, consultant):
    evidence = actions.bug_evidence_record(ticket=odoo_bug, actor=consultant, reproduction=STEPS)
    assert evidence.reproduction == STEPS


# --- upstream ---------------------------------------------------------------------------


def test_reporting_upstream_without_evidence_is_refused(odoo_bug, consultant):
    with pytest.raises(IllegalTransition, match="reproduces on standard data first"):
        actions.bug_report_upstream(ticket=odoo_bug, actor=consultant, reference="OPW-4012345")
    assert not UpstreamReport.objects.exists()
    odoo_bug.refresh_from_db()
    assert odoo_bug.status == Status.IN_PROGRESS


@pytest.mark.parametrize(
    ("owner", "message"),
    [
        (CodeOwner.PARTNER, "next patch release"),
        (CodeOwner.CUSTOMER, "nobody upstream"),
        ("", "classify the code owner first"),
    ],
)
def test_only_odoo_and_vendor_code_is_reported_upstream(alice, consultant, owner, message):
    ticket = _in_progress(make_ticket(alice), consultant, owner)
    actions.bug_evidence_record(ticket=ticket, actor=consultant, runbot_url=RUNBOT)
    with pytest.raises(IllegalTransition, match=message):
        actions.bug_report_upstream(ticket=ticket, actor=consultant, reference="OPW-1")


def test_an_odoo_bug_reported_upstream_waits_on_the_third_party(odoo_bug, consultant):
    actions.bug_evidence_record(ticket=odoo_bug, actor=consultant, runbot_url=RUNBOT)

    report = actions.bug_report_upstream(
        ticket=odoo_bug,
        actor=consultant,
        reference="OPW-4012345",
        url="https://www.odoo.com/my/tasks/4012345",
    )

    odoo_bug.refresh_from_db()
    assert odoo_bug.status == Status.WAITING_THIRD_PARTY
    assert (report.target, report.vendor, report.state) == ("odoo", "Odoo S.A.", "reported")
    assert report.evidence.runbot_url == RUNBOT
    waiting = Event.objects.filter(ticket=odoo_bug, verb="waiting").last()
    assert waiting.reason == "reported to Odoo S.A. as OPW-4012345"


def test_a_third_party_bug_names_the_vendor_from_the_classification(instance, alice, consultant):
    ticket = _in_progress(make_ticket(alice), consultant)
    actions.code_owner_classify(ticket=ticket, actor=consultant, model="product.brand")
    actions.bug_evidence_record(ticket=ticket, actor=consultant, reproduction=STEPS)
    report = actions.bug_report_upstream(
        ticket=ticket,
        actor=consultant,
        reference="OCA/brand#212",
        url="https://github.com/OCA/brand/issues/212",
    )
    assert report.target == "vendor" and "(OCA)" in report.vendor


def test_the_upstream_state_is_kept_and_a_fix_resumes_the_ticket(odoo_bug, consultant):
    actions.bug_evidence_record(ticket=odoo_bug, actor=consultant, runbot_url=RUNBOT)
    report = actions.bug_report_upstream(ticket=odoo_bug, actor=consultant, reference="OPW-7")

    actions.upstream_update(report=report, actor=consultant, state="acknowledged")
    odoo_bug.refresh_from_db()
    assert odoo_bug.status == Status.WAITING_THIRD_PARTY

    actions.upstream_update(
        report=report, actor=consultant, state="fixed", reason="fixed in 17.0 nightly"
    )
    report.refresh_from_db()
    odoo_bug.refresh_from_db()
    assert report.state == "fixed"
    assert odoo_bug.status == Status.IN_PROGRESS
    states = [
        e.new["state"] for e in Event.objects.filter(ticket=odoo_bug, verb="upstream_updated")
    ]
    assert states == ["acknowledged", "fixed"]
    with pytest.raises(InvalidInput):
        actions.upstream_update(report=report, actor=consultant, state="done")


# --- patch releases ---------------------------------------------------------------------


@pytest.fixture
def release(consultant):
    return actions.patch_release_create(
        actor=consultant,
        module="l10n_se_linserv",
        version="17.0.1.4",
        release_date=dt.date(2026, 12, 1),
        notes="SIE export: vouchers of credit notes keep their sign.",
    )


def test_only_localisation_bugs_are_linked_to_a_patch_release(release, odoo_bug, consultant):
    with pytest.raises(IllegalTransition, match="not a bug in our localisation addons"):
        actions.patch_release_link(release=release, ticket=odoo_bug, actor=consultant)


def test_refusals_read_in_the_active_language(release, odoo_bug, alice, consultant):
    with translation.override("sv"):
        with pytest.raises(PermissionDenied) as denied:
            actions.patch_release_link(release=release, ticket=odoo_bug, actor=alice)
        with pytest.raises(IllegalTransition) as refused:
            actions.patch_release_link(release=release, ticket=odoo_bug, actor=consultant)
    assert denied.value.message.endswith(
        "supportpersonal får länka ärenden till rättningsversioner"
    )
    assert refused.value.message.startswith(f"{odoo_bug.number} är ingen bugg i våra ")
    assert not odoo_bug.patch_links.exists()


def test_publishing_resolves_linked_tickets_and_tells_each_contact_once(
    release, alice, alice_colleague, org_a, org_b, bob, consultant
):
    bookkeeper = UserFactory(email="berit@alpha.example", organisation=org_a)
    first = make_ticket(alice, subject="SIE export sign", watchers=[alice_colleague, bookkeeper])
    second = make_ticket(alice, subject="SIE export again", watchers=[bookkeeper])
    other = make_ticket(bob, subject="SIE credit notes")
    tickets = [_in_progress(t, consultant, CodeOwner.PARTNER) for t in (first, second, other)]
    for ticket in tickets:
        actions.patch_release_link(release=release, ticket=ticket, actor=consultant)
    OutboundMail.objects.all().delete()  # acknowledgements of registration are not the point

    resolved = actions.patch_release_publish(release=release, actor=consultant)

    assert {t.pk for t in resolved} == {t.pk for t in tickets}
    for ticket in tickets:
        ticket.refresh_from_db()
        assert ticket.status == Status.RESOLVED
        event = Event.objects.filter(ticket=ticket, verb="resolved").last()
        assert event.reason == "fixed in l10n_se_linserv 17.0.1.4 (2026-12-01)"
    notices = OutboundMail.objects.filter(purpose="patch_release")
    recipients = sorted(address for mail in notices for address in mail.to)
    assert recipients == sorted(
        ["alice@alpha.example", "adam@alpha.example", "berit@alpha.example", "bob@beta.example"]
    )
    by_person = {mail.to[0]: mail for mail in notices}
    alices = by_person["alice@alpha.example"]
    assert first.number in alices.text and second.number in alices.text
    assert other.number not in alices.text  # nobody hears of another customer's tickets
    assert "updating your Odoo system with this patch is yours to do" in alices.text
    assert "that work is charged as support" in alices.text
    assert "vouchers of credit notes keep their sign" in alices.text
    bobs = by_person["bob@beta.example"]
    assert other.number in bobs.text and first.number not in bobs.text


def test_a_release_is_published_once(release, alice, consultant):
    ticket = _in_progress(make_ticket(alice), consultant, CodeOwner.PARTNER)
    actions.patch_release_link(release=release, ticket=ticket, actor=consultant)
    actions.patch_release_publish(release=release, actor=consultant)
    count = OutboundMail.objects.filter(purpose="patch_release").count()
    with pytest.raises(IllegalTransition, match="was published on"):
        actions.patch_release_publish(release=release, actor=consultant)
    with pytest.raises(IllegalTransition, match="is published"):
        actions.patch_release_link(
            release=release,
            ticket=_in_progress(make_ticket(alice), consultant, CodeOwner.PARTNER),
            actor=consultant,
        )
    assert OutboundMail.objects.filter(purpose="patch_release").count() == count


def test_a_ticket_that_cannot_be_resolved_stops_the_publication(release, alice, consultant):
    ready = _in_progress(make_ticket(alice), consultant, CodeOwner.PARTNER)
    unassigned = make_ticket(alice)
    actions.code_owner_override(
        ticket=unassigned, actor=consultant, owner=CodeOwner.PARTNER, reason="seen"
    )
    for ticket in (ready, unassigned):
        actions.patch_release_link(release=release, ticket=ticket, actor=consultant)
    with pytest.raises(IllegalTransition, match=unassigned.number):
        actions.patch_release_publish(release=release, actor=consultant)
    release.refresh_from_db()
    ready.refresh_from_db()
    assert release.published_at is None and ready.status == Status.IN_PROGRESS
    assert not OutboundMail.objects.filter(purpose="patch_release").exists()
