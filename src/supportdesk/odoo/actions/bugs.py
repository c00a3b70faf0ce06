"""The bug workflow (R8): evidence, the upstream report and its updates, patch releases."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from supportdesk.accounts.models import User
from supportdesk.core import clock
from supportdesk.core.errors import IllegalTransition, InvalidInput
from supportdesk.mail.outbox import queue_mail
from supportdesk.odoo.actions._common import web_url
from supportdesk.odoo.models import (
    BugEvidence,
    OwnerClassification,
    PatchRelease,
    PatchReleaseTicket,
    UpstreamReport,
)
from supportdesk.tickets import kit
from supportdesk.tickets.actions import ticket_resolve, ticket_resume, ticket_wait
from supportdesk.tickets.events import Verb, record_event
from supportdesk.tickets.models import OPEN_STATUSES, CodeOwner, Status, Ticket

# runbot.odoo.com and its build hosts (<build>.runbot<N>.odoo.com).
_RUNBOT_HOST = re.compile(r"(?:[a-z0-9-]+\.)*runbot[0-9]*\.odoo\.com")
REPRODUCTION_MIN = 40  # characters: steps, expected and actual result do not fit in less


def bug_evidence_record(
    *, ticket: Ticket, actor: User, runbot_url: str = "", reproduction: str = ""
) -> BugEvidence:
    """Record that the bug reproduces on standard data (R8): a runbot URL, or written
    steps with the expected and the actual result."""
    kit.require_staff(actor, _("record bug evidence"))
    runbot_url = web_url("runbot_url", runbot_url)
    reproduction = kit.text("reproduction", reproduction, required=False, limit=20_000)
    if runbot_url and not _RUNBOT_HOST.fullmatch(urlsplit(runbot_url).hostname or ""):
        raise InvalidInput(
            "runbot_url",
            _(
                "is not a runbot link (https://runbot.odoo.com/… or a build on "
                "*.runbot*.odoo.com): reproduce on standard data there, or write the reproduction"
            ),
        )
    if not runbot_url and not reproduction:
        raise InvalidInput(
            "reproduction",
            _("give a runbot URL or a written reproduction on standard data (R8)"),
        )
    if reproduction and not runbot_url and len(reproduction) < REPRODUCTION_MIN:
        raise InvalidInput(
            "reproduction",
            _(
                "is %(length)d characters: write the steps on standard data, the expected "
                "and the actual result (at least %(least)d characters)"
            )
            % {"length": len(reproduction), "least": REPRODUCTION_MIN},
        )
    with transaction.atomic():
        locked = kit.lock(ticket)
        evidence = BugEvidence.objects.create(
            ticket=locked,
            runbot_url=runbot_url,
            reproduction=reproduction,
            recorded_by=actor,
            recorded_at=clock.now(),
        )
        record_event(
            locked,
            actor,
            Verb.BUG_REPRODUCED,
            new={"runbot_url": runbot_url, "written": bool(reproduction)},
        )
    return evidence


_UPSTREAM_TARGET = {
    CodeOwner.ODOO_COMMUNITY: UpstreamReport.Target.ODOO,
    CodeOwner.ODOO_ENTERPRISE: UpstreamReport.Target.ODOO,
    CodeOwner.THIRD_PARTY: UpstreamReport.Target.VENDOR,
}


def bug_report_upstream(
    *, ticket: Ticket, actor: User, reference: str, url: str = "", vendor: str = ""
) -> UpstreamReport:
    """Keep the reference of a bug reported to Odoo support or a vendor (R8); the ticket
    then waits on the third party. Refused without evidence on standard data, and for
    code that is not Odoo's or a vendor's."""
    kit.require_staff(actor, _("report bugs upstream"))
    reference = kit.text("reference", reference, required=True, limit=120)
    url = web_url("url", url)
    vendor = kit.text("vendor", vendor, required=False, limit=300)
    with transaction.atomic():
        locked = kit.lock(ticket)
        owner = locked.code_owner
        if owner == CodeOwner.PARTNER:
            raise IllegalTransition(
                _(
                    "the bug is in our localisation addons: we fix it in our next patch "
                    "release (link the ticket to one) instead of reporting it upstream"
                )
            )
        if owner == CodeOwner.CUSTOMER:
            raise IllegalTransition(
                _(
                    "the bug is in the customer's own code or Studio: there is nobody "
                    "upstream to report it to"
                )
            )
        if owner not in _UPSTREAM_TARGET:
            raise IllegalTransition(_("classify the code owner first: it decides who gets the bug"))
        evidence = BugEvidence.objects.filter(ticket=locked).first()
        if evidence is None:
            raise IllegalTransition(
                _(
                    "record evidence that the bug reproduces on standard data first "
                    "(a runbot URL or a written reproduction): Odoo and vendors require it"
                )
            )
        target = _UPSTREAM_TARGET[CodeOwner(owner)]
        if target == UpstreamReport.Target.VENDOR and not vendor:
            latest = OwnerClassification.objects.filter(ticket=locked).first()
            vendor = latest.vendor if latest else ""
            if not vendor:
                raise InvalidInput("vendor", _("name the vendor the bug was reported to"))
        now = clock.now()
        report = UpstreamReport.objects.create(
            ticket=locked,
            evidence=evidence,
            target=target,
            vendor=vendor if target == UpstreamReport.Target.VENDOR else "Odoo S.A.",
            reference=reference,
            url=url,
            reported_by=actor,
            reported_at=now,
            state_changed_at=now,
        )
        record_event(
            locked,
            actor,
            Verb.REPORTED_UPSTREAM,
            new={"to": report.vendor, "reference": reference, "url": url},
        )
        if locked.status != Status.WAITING_THIRD_PARTY:
            ticket_wait(
                ticket=locked,
                actor=actor,
                on="third_party",
                reason=f"reported to {report.vendor} as {reference}",
            )
    return report


def upstream_update(
    *, report: UpstreamReport, actor: User, state: str, reason: str = ""
) -> UpstreamReport:
    """Record the state of an upstream report (R8). When they fixed, rejected or closed
    it, a ticket waiting on them goes back to work."""
    kit.require_staff(actor, _("update upstream reports"))
    kit.choice("state", state, UpstreamReport.State)
    reason = kit.text("reason", reason, required=False, limit=2000)
    with transaction.atomic():
        locked = kit.lock(report.ticket)
        report = UpstreamReport.objects.select_for_update().get(pk=report.pk)
        if report.state == state:
            raise IllegalTransition(_("the report is already '%(state)s'") % {"state": state})
        old = report.state
        report.state = state
        report.state_changed_at = clock.now()
        report.save(update_fields=["state", "state_changed_at"])
        record_event(
            locked,
            actor,
            Verb.UPSTREAM_UPDATED,
            new={"reference": report.reference, "from": old, "state": state},
            reason=reason,
        )
        if report.is_finished and locked.status == Status.WAITING_THIRD_PARTY:
            still_waiting = (
                UpstreamReport.objects.filter(ticket=locked)
                .exclude(state__in=UpstreamReport.FINISHED)
                .exists()
            )
            if not still_waiting:
                ticket_resume(
                    ticket=locked,
                    actor=actor,
                    reason=f"{report.vendor} {report.get_state_display().lower()} {report.reference}",
                )
    return report


def patch_release_create(
    *, actor: User, module: str, version: str, release_date: dt.date, notes: str = ""
) -> PatchRelease:
    """A coming patch release of our localisation addons (R8)."""
    kit.require_staff(actor, _("plan patch releases"))
    module = kit.text("module", module, required=True, limit=128)
    version = kit.text("version", version, required=True, limit=40)
    notes = kit.text("notes", notes, required=False, limit=20_000)
    with transaction.atomic():
        if PatchRelease.objects.filter(module=module, version=version).exists():
            raise InvalidInput(
                "version",
                _("%(module)s %(version)s already exists") % {"module": module, "version": version},
            )
        return PatchRelease.objects.create(
            module=module,
            version=version,
            release_date=release_date,
            notes=notes,
            created_by=actor,
            created_at=clock.now(),
        )


def patch_release_link(*, release: PatchRelease, ticket: Ticket, actor: User) -> PatchReleaseTicket:
    """Link a localisation bug to the patch release that fixes it (R8: fixed free in the
    next patch). Only open tickets whose code owner is our localisation addons."""
    kit.require_staff(actor, _("link tickets to patch releases"))
    with transaction.atomic():
        release = PatchRelease.objects.select_for_update().get(pk=release.pk)
        locked = kit.lock(ticket)
        if release.is_published:
            raise IllegalTransition(
                _("%(release)s is published: link the ticket to a later release")
                % {"release": release}
            )
        if locked.code_owner != CodeOwner.PARTNER:
            raise IllegalTransition(
                _(
                    "%(number)s is not a bug in our localisation addons (code owner "
                    "'%(owner)s'): only those are fixed in our patches"
                )
                % {"number": locked.number, "owner": locked.get_code_owner_display()}
            )
        if locked.status not in OPEN_STATUSES:
            raise IllegalTransition(
                _("%(number)s is %(status)s: reopen it first")
                % {"number": locked.number, "status": locked.get_status_display().lower()}
            )
        if PatchReleaseTicket.objects.filter(release=release, ticket=locked).exists():
            raise IllegalTransition(
                _("%(number)s is already linked to %(release)s")
                % {"number": locked.number, "release": release}
            )
        link = PatchReleaseTicket.objects.create(
            release=release, ticket=locked, linked_by=actor, linked_at=clock.now()
        )
        record_event(
            locked,
            actor,
            Verb.PATCH_PLANNED,
            new={"module": release.module, "version": release.version},
            reason=f"fixed in {release} (planned {release.release_date.isoformat()})",
        )
    return link


def _contacts(tickets: Sequence[Ticket]) -> dict[str, tuple[User, list[Ticket]]]:
    """Each contact of the tickets (requester and people copied) once, with their tickets."""
    contacts: dict[str, tuple[User, list[Ticket]]] = {}
    for ticket in tickets:
        people = [ticket.requester, *ticket.watchers.all()]
        for person in people:
            if person is None or not person.is_active or not person.email:
                continue
            key = person.email.lower()
            entry = contacts.setdefault(key, (person, []))
            if ticket not in entry[1]:
                entry[1].append(ticket)
    return contacts


def patch_release_publish(*, release: PatchRelease, actor: User) -> list[Ticket]:
    """Publish a patch release (R8): its linked tickets are resolved and each of their
    contacts gets one notice, reminding them that updating their system is theirs to do
    unless they ask us to (which is charged, R6). Returns the tickets resolved."""
    kit.require_staff(actor, _("publish patch releases"))
    with transaction.atomic():
        release = PatchRelease.objects.select_for_update().get(pk=release.pk)
        if release.is_published:
            raise IllegalTransition(
                _("%(release)s was published on %(date)s")
                % {"release": release, "date": f"{release.published_at:%Y-%m-%d}"}
            )
        linked = list(
            Ticket.objects.filter(patch_links__release=release)
            .select_related("requester", "organisation")
            .prefetch_related("watchers")
            .order_by("pk")
        )
        resolved = []
        for ticket in linked:
            if ticket.status not in OPEN_STATUSES:
                continue
            try:
                ticket_resolve(
                    ticket=ticket,
                    actor=actor,
                    resolution=f"fixed in {release} ({release.release_date.isoformat()})",
                )
            except IllegalTransition as exc:
                raise IllegalTransition(
                    _("%(number)s: %(message)s") % {"number": ticket.number, "message": exc.message}
                ) from None
            resolved.append(ticket)
        release.published_at = clock.now()
        release.published_by = actor
        release.save(update_fields=["published_at", "published_by"])
        for person, tickets in _contacts(linked).values():
            context = {
                "release": release,
                "person": person,
                "tickets": tickets,
                "site_name": settings.SITE_NAME,
            }
            numbers = ", ".join(t.number for t in tickets)
            queue_mail(
                to=[person.email],
                subject=f"[{numbers}] Fixed in {release}",
                text=render_to_string("odoo/mail/patch_release.txt", context),
                purpose="patch_release",
                ticket=tickets[0],
            )
    return resolved
