"""Actions on customers' Odoo instances, code owners (R7) and the bug workflow (R8).

Same shape as the ticket actions: keyword arguments, an explicit ``actor``, one
transaction that locks the row, an ``Event`` on the ticket's timeline, side effects
(mail) through the outbox on commit. Ticket fields change only through the ticket
actions (``ticket_update``, ``ticket_wait``, ``ticket_resume``, ``ticket_resolve``),
which these call. Calls to an Odoo instance happen before the transaction opens, so a
slow instance never holds a lock.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from supportdesk.accounts.models import Organisation, User
from supportdesk.core import clock
from supportdesk.core.errors import IllegalTransition, InvalidInput, PermissionDenied
from supportdesk.mail.outbox import queue_mail
from supportdesk.odoo.client import OdooClient, OdooError, OdooRefused, check_base_url
from supportdesk.odoo.lookup import CannotLookUp, look_up
from supportdesk.odoo.models import (
    BugEvidence,
    OdooInstance,
    OwnerClassification,
    PatchRelease,
    PatchReleaseTicket,
    RecordCheck,
    UpstreamReport,
)
from supportdesk.odoo.ownership import NotOnInstance, classify, gather
from supportdesk.tickets.actions import (
    ticket_resolve,
    ticket_resume,
    ticket_update,
    ticket_wait,
)
from supportdesk.tickets.events import Verb, record_event
from supportdesk.tickets.models import (
    OPEN_STATUSES,
    CodeOwner,
    Event,
    OdooReference,
    Status,
    Ticket,
)

# runbot.odoo.com and its build hosts (<build>.runbot<N>.odoo.com).
_RUNBOT_HOST = re.compile(r"(?:[a-z0-9-]+\.)*runbot[0-9]*\.odoo\.com")
REPRODUCTION_MIN = 40  # characters: steps, expected and actual result do not fit in less
_MODEL = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*")
_FIELD = re.compile(r"[a-z_][a-z0-9_]*")


# --- helpers ----------------------------------------------------------------------------


def _require_staff(actor: User, what: str) -> None:
    if not actor.is_support_staff:
        raise PermissionDenied(f"only support staff may {what}")


def _lock(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def _event(
    ticket: Ticket,
    actor: User | None,
    verb: Verb,
    *,
    new: dict[str, Any],
    reason: str = "",
    public: bool = True,
) -> Event:
    return record_event(ticket, actor, verb, new=new, reason=reason, public=public)


def _text(field: str, value: str, *, required: bool, limit: int) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(field, "is required")
    if len(value) > limit:
        raise InvalidInput(field, f"is {len(value)} characters; at most {limit} are allowed")
    return value


def _web_url(field: str, value: str) -> str:
    value = _text(field, value, required=False, limit=500)
    if value:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidInput(field, f"{value[:80]!r} is not an http(s) link")
    return value


# --- instances --------------------------------------------------------------------------


def instance_save(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    url: str,
    database: str,
    login: str,
    api_key: str = "",
    role: str = OdooInstance.Role.PRODUCTION,
    own_module_authors: str = "",
    instance: OdooInstance | None = None,
) -> OdooInstance:
    """Register or change a customer's Odoo instance; the API key is stored encrypted.

    An empty ``api_key`` keeps the stored one when changing an instance.
    """
    _require_staff(actor, "configure Odoo instances")
    name = _text("name", name, required=True, limit=60)
    database = _text("database", database, required=True, limit=63)
    login = _text("login", login, required=True, limit=200)
    url = _text("url", url, required=True, limit=200).rstrip("/")
    if role not in OdooInstance.Role.values:
        raise InvalidInput("role", f"{role!r} is not one of production, staging, test")
    try:
        check_base_url(url)
    except OdooRefused as exc:
        raise InvalidInput("url", exc.message) from None
    if instance is None and not api_key:
        raise InvalidInput("api_key", "is required for a new instance")
    if instance is not None and instance.organisation_id != organisation.pk:
        raise InvalidInput("organisation", "an instance cannot move to another organisation")
    with transaction.atomic():
        if instance is None:
            if organisation.odoo_instances.filter(name=name).exists():
                raise InvalidInput("name", f"{organisation} already has an instance {name!r}")
            instance = OdooInstance(organisation=organisation)
        else:
            instance = OdooInstance.objects.select_for_update().get(pk=instance.pk)
            if organisation.odoo_instances.filter(name=name).exclude(pk=instance.pk).exists():
                raise InvalidInput("name", f"{organisation} already has an instance {name!r}")
            if (instance.url, instance.database) != (url, database):
                # Another server: what was detected about the old one no longer holds.
                instance.server_version = instance.serie = ""
                instance.version_checked_at = None
        instance.name, instance.role, instance.url = name, role, url
        instance.database, instance.login = database, login
        instance.own_module_authors = own_module_authors.strip()[:300]
        if api_key:
            instance.set_api_key(api_key.strip())
        instance.save()
    return instance


def instance_detect_version(*, instance: OdooInstance, actor: User) -> OdooInstance:
    """Ask the instance its version (XML-RPC ``version()``; JSON-2 from 19) and prove the
    login and API key work. The outcome, error included, is stored on the instance."""
    _require_staff(actor, "check Odoo instances")
    error = ""
    info = None
    try:
        client = OdooClient.for_instance(instance)
        info = client.version()
        client.api = info.api
        client.check_login()
    except OdooError as exc:
        error = exc.message
    with transaction.atomic():
        instance = OdooInstance.objects.select_for_update().get(pk=instance.pk)
        instance.version_checked_at = clock.now()
        instance.last_error = error
        if info is not None:
            instance.server_version = info.server_version[:40]
            instance.serie = info.serie
            instance.api = info.api
        instance.save()
    if error:
        raise InvalidInput("instance", f"{instance}: {error}")
    return instance


def _instance_for(
    ticket: Ticket, reference: OdooReference | None, instance: OdooInstance | None
) -> OdooInstance:
    """The configured instance to ask: never the host a customer typed (no SSRF)."""
    instances = list(ticket.organisation.odoo_instances.all())
    if instance is not None:
        if instance.organisation_id != ticket.organisation_id:
            raise InvalidInput("instance", f"is not an Odoo instance of {ticket.organisation}")
        return instance
    if not instances:
        raise InvalidInput("instance", f"{ticket.organisation} has no Odoo instance configured")
    if reference is not None and reference.host:
        matching = [i for i in instances if i.host == reference.host.lower()]
        if not matching:
            raise InvalidInput(
                "instance",
                f"{reference.host} is not a configured Odoo instance of "
                f"{ticket.organisation}: choose one of its instances to check it on",
            )
        return matching[0]
    production = [i for i in instances if i.role == OdooInstance.Role.PRODUCTION]
    return (production or instances)[0]


# --- checking references (R2) -----------------------------------------------------------


def reference_check(
    *,
    ticket: Ticket,
    actor: User,
    reference: OdooReference | None = None,
    instance: OdooInstance | None = None,
) -> list[RecordCheck]:
    """Check a ticket's Odoo references on the customer's instance (R2): does the record
    exist, its display name, state and company. Every reference when none is named.

    Failures are stored as checks with their error; the caller gets them all."""
    _require_staff(actor, "check Odoo references")
    if reference is not None and reference.ticket_id != ticket.pk:
        raise InvalidInput("reference", f"is not a reference of {ticket.number}")
    references = [reference] if reference is not None else list(ticket.odoo_refs.all())
    if not references:
        raise InvalidInput("reference", f"{ticket.number} has no Odoo URL or reference")
    pending: list[RecordCheck] = []
    clients: dict[int, OdooClient] = {}
    refused: list[InvalidInput] = []
    for ref in references:
        try:
            target = _instance_for(ticket, ref, instance)
        except InvalidInput as exc:
            # Checking all: a URL of a host that is not configured is left unchecked.
            if reference is not None:
                raise
            refused.append(exc)
            continue
        check = RecordCheck(reference=ref, instance=target, checked_by=actor, model=ref.model)
        try:
            if target.pk not in clients:
                clients[target.pk] = OdooClient.for_instance(target)
            found = look_up(clients[target.pk], ref)
        except (OdooError, CannotLookUp) as exc:
            check.error = exc.message
        else:
            check.exists = found.exists
            check.model, check.record_id = found.model, found.record_id
            check.display_name, check.company = found.display_name, found.company
            check.state, check.state_label = found.state, found.state_label
        pending.append(check)
    if not pending:
        raise refused[0]
    with transaction.atomic():
        _lock(ticket)
        for check in pending:
            check.checked_at = clock.now()
            check.save()
        _event(
            ticket,
            actor,
            Verb.ODOO_CHECKED,
            new={"checks": [{"reference": c.reference.text, "result": c.summary} for c in pending]},
            public=False,
        )
    return pending


def reference_remove(
    *, ticket: Ticket, actor: User, reference: OdooReference, reason: str = ""
) -> None:
    """A consultant removes a URL or reference recognised by mistake (R2); its checks go
    with it. References are added with ``ticket_update(add_urls=…, add_references=…)``."""
    _require_staff(actor, "remove Odoo references")
    if reference.ticket_id != ticket.pk:
        raise InvalidInput("reference", f"is not a reference of {ticket.number}")
    with transaction.atomic():
        locked = _lock(ticket)
        row = OdooReference.objects.filter(pk=reference.pk, ticket=locked).first()
        if row is None:
            raise IllegalTransition("the reference was already removed")
        text = row.text
        row.delete()
        _event(locked, actor, Verb.ODOO_REF_REMOVED, new={"odoo_ref": text}, reason=reason.strip())


# --- code owner (R7) --------------------------------------------------------------------


def _partner_authors() -> list[str]:
    return list(getattr(settings, "ODOO_PARTNER_AUTHORS", []))


def code_owner_classify(
    *,
    ticket: Ticket,
    actor: User,
    model: str,
    field: str = "",
    instance: OdooInstance | None = None,
) -> OwnerClassification:
    """Classify the code owner of a model or field from the instance (R7).

    Reads ``ir.model``, ``ir.model.fields``, ``ir.model.data`` and ``ir.module.module``;
    the result is stored with its evidence and sets the ticket's code owner, unless a
    consultant overrode it (an override stands until another override).
    """
    _require_staff(actor, "classify the code owner")
    model = _text("model", model, required=True, limit=128)
    field = _text("field", field, required=False, limit=128)
    if not _MODEL.fullmatch(model):
        raise InvalidInput("model", f"{model!r} is not an Odoo model name like sale.order")
    if field and not _FIELD.fullmatch(field):
        raise InvalidInput("field", f"{field!r} is not an Odoo field name like partner_id")
    target = _instance_for(ticket, None, instance)
    own_authors = [a for a in target.own_module_authors.split(",") if a.strip()]
    try:
        facts = gather(OdooClient.for_instance(target), model, field)
    except NotOnInstance as exc:
        raise InvalidInput(exc.field, exc.message) from None
    except OdooError as exc:
        raise InvalidInput("instance", f"{target}: {exc.message}") from None
    result = classify(facts, partner_authors=_partner_authors(), own_authors=own_authors)
    with transaction.atomic():
        locked = _lock(ticket)
        row = OwnerClassification.objects.create(
            ticket=locked,
            instance=target,
            source=OwnerClassification.Source.INSTANCE,
            owner=result.owner,
            model=model,
            field=field,
            module=result.module,
            vendor=result.vendor[:300],
            licence=result.licence[:32],
            explanation=result.explanation,
            evidence=result.evidence,
            created_by=actor,
            created_at=clock.now(),
        )
        overridden = (
            OwnerClassification.objects.filter(ticket=locked)
            .exclude(pk=row.pk)
            .values_list("source", flat=True)
            .first()
            == OwnerClassification.Source.OVERRIDE
        )
        _event(
            locked,
            actor,
            Verb.CODE_OWNER_CLASSIFIED,
            new={"owner": result.owner, "subject": facts.subject, "module": result.module},
            reason=result.explanation,
            public=False,
        )
        if result.owner and not overridden and locked.code_owner != result.owner:
            ticket_update(
                ticket=locked,
                actor=actor,
                code_owner=result.owner,
                reason=f"classified on {target.name}: {result.explanation}",
            )
    return row


def code_owner_override(
    *, ticket: Ticket, actor: User, owner: str, reason: str
) -> OwnerClassification:
    """A consultant sets the code owner against or without a classification (R7); the
    reason is required and kept on the timeline."""
    _require_staff(actor, "set the code owner")
    reason = _text("reason", reason, required=True, limit=2000)
    if owner not in CodeOwner.values or not owner:
        allowed = ", ".join(repr(v) for v in CodeOwner.values if v)
        raise InvalidInput("owner", f"{owner!r} is not one of {allowed}")
    with transaction.atomic():
        locked = _lock(ticket)
        latest = OwnerClassification.objects.filter(ticket=locked).first()
        row = OwnerClassification.objects.create(
            ticket=locked,
            instance=latest.instance if latest else None,
            source=OwnerClassification.Source.OVERRIDE,
            owner=owner,
            model=latest.model if latest else "",
            field=latest.field if latest else "",
            module=latest.module if latest else "",
            vendor=latest.vendor if latest else "",
            licence=latest.licence if latest else "",
            explanation=f"Set by {actor}: {reason}",
            reason=reason,
            created_by=actor,
            created_at=clock.now(),
        )
        if locked.code_owner != owner:
            ticket_update(ticket=locked, actor=actor, code_owner=owner, reason=reason)
        else:
            _event(locked, actor, Verb.CODE_OWNER_CONFIRMED, new={"owner": owner}, reason=reason)
    return row


# --- bug workflow (R8) ------------------------------------------------------------------


def bug_evidence_record(
    *, ticket: Ticket, actor: User, runbot_url: str = "", reproduction: str = ""
) -> BugEvidence:
    """Record that the bug reproduces on standard data (R8): a runbot URL, or written
    steps with the expected and the actual result."""
    _require_staff(actor, "record bug evidence")
    runbot_url = _web_url("runbot_url", runbot_url)
    reproduction = _text("reproduction", reproduction, required=False, limit=20_000)
    if runbot_url and not _RUNBOT_HOST.fullmatch(urlsplit(runbot_url).hostname or ""):
        raise InvalidInput(
            "runbot_url",
            "is not a runbot link (https://runbot.odoo.com/… or a build on *.runbot*.odoo.com): "
            "reproduce on standard data there, or write the reproduction",
        )
    if not runbot_url and not reproduction:
        raise InvalidInput(
            "reproduction",
            "give a runbot URL or a written reproduction on standard data (R8)",
        )
    if reproduction and not runbot_url and len(reproduction) < REPRODUCTION_MIN:
        raise InvalidInput(
            "reproduction",
            f"is {len(reproduction)} characters: write the steps on standard data, the "
            f"expected and the actual result (at least {REPRODUCTION_MIN} characters)",
        )
    with transaction.atomic():
        locked = _lock(ticket)
        evidence = BugEvidence.objects.create(
            ticket=locked,
            runbot_url=runbot_url,
            reproduction=reproduction,
            recorded_by=actor,
            recorded_at=clock.now(),
        )
        _event(
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
    _require_staff(actor, "report bugs upstream")
    reference = _text("reference", reference, required=True, limit=120)
    url = _web_url("url", url)
    vendor = _text("vendor", vendor, required=False, limit=300)
    with transaction.atomic():
        locked = _lock(ticket)
        owner = locked.code_owner
        if owner == CodeOwner.PARTNER:
            raise IllegalTransition(
                "the bug is in our localisation addons: we fix it in our next patch release "
                "(link the ticket to one) instead of reporting it upstream"
            )
        if owner == CodeOwner.CUSTOMER:
            raise IllegalTransition(
                "the bug is in the customer's own code or Studio: there is nobody upstream "
                "to report it to"
            )
        if owner not in _UPSTREAM_TARGET:
            raise IllegalTransition("classify the code owner first: it decides who gets the bug")
        evidence = BugEvidence.objects.filter(ticket=locked).first()
        if evidence is None:
            raise IllegalTransition(
                "record evidence that the bug reproduces on standard data first "
                "(a runbot URL or a written reproduction): Odoo and vendors require it"
            )
        target = _UPSTREAM_TARGET[CodeOwner(owner)]
        if target == UpstreamReport.Target.VENDOR and not vendor:
            latest = OwnerClassification.objects.filter(ticket=locked).first()
            vendor = latest.vendor if latest else ""
            if not vendor:
                raise InvalidInput("vendor", "name the vendor the bug was reported to")
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
        _event(
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
    _require_staff(actor, "update upstream reports")
    if state not in UpstreamReport.State.values:
        allowed = ", ".join(repr(v) for v in UpstreamReport.State.values)
        raise InvalidInput("state", f"{state!r} is not one of {allowed}")
    reason = _text("reason", reason, required=False, limit=2000)
    with transaction.atomic():
        locked = _lock(report.ticket)
        report = UpstreamReport.objects.select_for_update().get(pk=report.pk)
        if report.state == state:
            raise IllegalTransition(f"the report is already '{state}'")
        old = report.state
        report.state = state
        report.state_changed_at = clock.now()
        report.save(update_fields=["state", "state_changed_at"])
        _event(
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
    _require_staff(actor, "plan patch releases")
    module = _text("module", module, required=True, limit=128)
    version = _text("version", version, required=True, limit=40)
    notes = _text("notes", notes, required=False, limit=20_000)
    with transaction.atomic():
        if PatchRelease.objects.filter(module=module, version=version).exists():
            raise InvalidInput("version", f"{module} {version} already exists")
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
    _require_staff(actor, "link tickets to patch releases")
    with transaction.atomic():
        release = PatchRelease.objects.select_for_update().get(pk=release.pk)
        locked = _lock(ticket)
        if release.is_published:
            raise IllegalTransition(f"{release} is published: link the ticket to a later release")
        if locked.code_owner != CodeOwner.PARTNER:
            raise IllegalTransition(
                f"{locked.number} is not a bug in our localisation addons (code owner "
                f"'{locked.get_code_owner_display()}'): only those are fixed in our patches"
            )
        if locked.status not in OPEN_STATUSES:
            raise IllegalTransition(f"{locked.number} is {locked.status}: reopen it first")
        if PatchReleaseTicket.objects.filter(release=release, ticket=locked).exists():
            raise IllegalTransition(f"{locked.number} is already linked to {release}")
        link = PatchReleaseTicket.objects.create(
            release=release, ticket=locked, linked_by=actor, linked_at=clock.now()
        )
        _event(
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
    _require_staff(actor, "publish patch releases")
    with transaction.atomic():
        release = PatchRelease.objects.select_for_update().get(pk=release.pk)
        if release.is_published:
            raise IllegalTransition(f"{release} was published on {release.published_at:%Y-%m-%d}")
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
                raise IllegalTransition(f"{ticket.number}: {exc.message}") from None
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
