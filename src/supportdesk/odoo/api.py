"""REST endpoints for the Odoo side of tickets (under /api/v1/, tag "odoo").

Ticket endpoints reach the ticket through ``ticket_for_user`` (404 when not yours);
changes are the actions of ``supportdesk.odoo.actions`` (403 for customers). Instances
and patch releases are staff objects: customers get 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from supportdesk.accounts.http import request_user
from supportdesk.accounts.models import Organisation, User
from supportdesk.core.errors import InvalidInput, PermissionDenied
from supportdesk.core.schemas import Body, CleanSchema, Code, Id, Line, Url
from supportdesk.odoo import actions
from supportdesk.odoo.access import (
    instance_for_user,
    instances_for_user,
    reference_of,
    release_for_user,
    upstream_report_for_user,
)
from supportdesk.odoo.models import (
    BugEvidence,
    OdooInstance,
    OwnerClassification,
    PatchRelease,
    RecordCheck,
    UpstreamReport,
)
from supportdesk.tickets import actions as ticket_actions
from supportdesk.tickets.access import ticket_for_user
from supportdesk.tickets.models import Ticket

router = Router(tags=["odoo"])


class Error(Schema):
    detail: str
    field: str | None = None


ERRORS: dict[int, Any] = {403: Error, 404: Error, 409: Error, 422: Error}


class CheckOut(Schema):
    reference: str = Field(alias="reference.text")
    instance: str = Field(alias="instance.name")
    checked_at: dt.datetime
    exists: bool | None
    model: str
    record_id: int | None
    display_name: str
    state: str
    state_label: str
    company: str
    error: str
    summary: str


class ReferenceOut(Schema):
    id: int
    type: str
    text: str
    model: str
    record_id: int | None
    host: str
    latest_check: CheckOut | None


class ClassificationOut(Schema):
    owner: str
    source: str
    model: str
    field: str
    module: str
    vendor: str
    licence: str
    explanation: str
    reason: str
    created_at: dt.datetime


class EvidenceOut(Schema):
    runbot_url: str
    reproduction: str
    recorded_at: dt.datetime


class UpstreamOut(Schema):
    id: int
    target: str
    vendor: str
    reference: str
    url: str
    state: str
    state_changed_at: dt.datetime
    reported_at: dt.datetime


class ReleaseOut(Schema):
    id: int
    module: str
    version: str
    release_date: dt.date
    notes: str
    published_at: dt.datetime | None
    tickets: list[str]

    @staticmethod
    def resolve_tickets(release: PatchRelease) -> list[str]:
        return [
            t.number for t in Ticket.objects.filter(patch_links__release=release).order_by("pk")
        ]


class TicketOdooOut(Schema):
    number: str
    code_owner: str
    references: list[ReferenceOut]
    classification: ClassificationOut | None
    evidence: list[EvidenceOut]
    upstream_reports: list[UpstreamOut]
    patch_releases: list[ReleaseOut]


class InstanceOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    name: str
    role: str
    url: str
    database: str
    login: str
    server_version: str
    serie: str
    api: str
    version_checked_at: dt.datetime | None
    last_error: str


class InstanceIn(CleanSchema):
    organisation_id: Id
    name: Line
    role: Code = "production"
    url: Url
    database: Line
    login: Line
    api_key: Line = Field(description="Stored encrypted; never returned.")
    own_module_authors: Line = ""


class CheckIn(CleanSchema):
    reference_id: Id | None = None
    instance_id: Id | None = None


class ClassifyIn(CleanSchema):
    model: Line
    field: Line = ""
    instance_id: Id | None = None


class OverrideIn(CleanSchema):
    owner: Code
    reason: Line


class EvidenceIn(CleanSchema):
    runbot_url: Url = ""
    reproduction: Body = ""


class UpstreamIn(CleanSchema):
    reference: Line
    url: Url = ""
    vendor: Line = ""


class UpstreamStateIn(CleanSchema):
    state: Code
    reason: Line = ""


class ReleaseIn(CleanSchema):
    module: Line
    version: Code
    release_date: dt.date
    notes: Body = ""


class LinkIn(CleanSchema):
    number: Code


def _instance_out(instance: OdooInstance) -> dict[str, Any]:
    return {
        "id": instance.pk,
        "organisation_id": instance.organisation_id,
        "organisation": instance.organisation.name,
        "name": instance.name,
        "role": instance.role,
        "url": instance.url,
        "database": instance.database,
        "login": instance.login,
        "server_version": instance.server_version,
        "serie": instance.serie,
        "api": instance.api,
        "version_checked_at": instance.version_checked_at,
        "last_error": instance.last_error,
    }


def _ticket_odoo(ticket: Ticket) -> dict[str, Any]:
    references = []
    for ref in ticket.odoo_refs.all():
        latest = ref.checks.select_related("instance", "reference").first()
        references.append(
            {
                "id": ref.pk,
                "type": ref.type,
                "text": ref.text,
                "model": ref.model,
                "record_id": ref.record_id,
                "host": ref.host,
                "latest_check": latest,
            }
        )
    return {
        "number": ticket.number,
        "code_owner": ticket.code_owner,
        "references": references,
        "classification": ticket.owner_classifications.first(),
        "evidence": [
            {
                "runbot_url": e.runbot_url,
                "reproduction": e.reproduction,
                "recorded_at": e.recorded_at,
            }
            for e in ticket.bug_evidence.all()
        ],
        "upstream_reports": list(ticket.upstream_reports.all()),
        "patch_releases": list(ticket.patch_releases.all()),
    }


def _instance_arg(user: User, instance_id: int | None) -> OdooInstance | None:
    if instance_id is None:
        return None
    try:
        return instance_for_user(user, instance_id)
    except Http404:
        raise InvalidInput(
            "instance_id",
            _("no Odoo instance has id %(instance_id)s") % {"instance_id": instance_id},
        ) from None


# --- tickets ----------------------------------------------------------------------------


@router.get("/tickets/{number}/odoo", response={200: TicketOdooOut, **ERRORS})
def ticket_odoo(request: HttpRequest, number: str) -> dict[str, Any]:
    """The Odoo side of a ticket: references and their latest check, code owner,
    evidence, upstream reports and patch releases (R2, R7, R8)."""
    return _ticket_odoo(ticket_for_user(request_user(request), number))


@router.post("/tickets/{number}/odoo/check", response={200: list[CheckOut], **ERRORS})
def check(request: HttpRequest, number: str, payload: CheckIn) -> list[RecordCheck]:
    """Check one reference (or all) on the customer's configured instance."""
    user = request_user(request)
    ticket = ticket_for_user(user, number)
    if not user.is_support_staff:
        raise PermissionDenied(_("only support staff may check Odoo references"))
    reference = reference_of(ticket, payload.reference_id) if payload.reference_id else None
    return actions.reference_check(
        ticket=ticket,
        actor=user,
        reference=reference,
        instance=_instance_arg(user, payload.instance_id),
    )


class ReferencesIn(CleanSchema):
    urls: Annotated[list[Url], Field(max_length=20)] = []
    references: Annotated[list[Line], Field(max_length=20)] = []
    reason: Line = ""


@router.post("/tickets/{number}/odoo/references", response={200: TicketOdooOut, **ERRORS})
def add_references(request: HttpRequest, number: str, payload: ReferencesIn) -> dict[str, Any]:
    """Add Odoo URLs or transaction references to a ticket (R2); stored normalised."""
    user = request_user(request)
    ticket = ticket_for_user(user, number)
    if not user.is_support_staff:
        raise PermissionDenied(_("only support staff may edit a ticket's Odoo references"))
    try:
        ticket_actions.ticket_update(
            ticket=ticket,
            actor=user,
            reason=payload.reason,
            add_urls=payload.urls,
            add_references=payload.references,
        )
    except InvalidInput as exc:
        if exc.field == "odoo_url":
            raise InvalidInput("urls", exc.reason) from exc
        raise
    return _ticket_odoo(ticket_for_user(user, number))


@router.delete(
    "/tickets/{number}/odoo/references/{reference_id}", response={200: TicketOdooOut, **ERRORS}
)
def remove_reference(request: HttpRequest, number: str, reference_id: int) -> dict[str, Any]:
    """Remove a URL or reference recognised by mistake (R2)."""
    user = request_user(request)
    ticket = ticket_for_user(user, number)
    actions.reference_remove(
        ticket=ticket, actor=user, reference=reference_of(ticket, reference_id)
    )
    return _ticket_odoo(ticket_for_user(user, number))


def _on_ticket[T](
    request: HttpRequest, number: str, action: Callable[..., T], **arguments: Any
) -> T:
    """Run an action on the caller's ticket, as the caller."""
    user = request_user(request)
    return action(ticket=ticket_for_user(user, number), actor=user, **arguments)


@router.post("/tickets/{number}/odoo/classify", response={200: ClassificationOut, **ERRORS})
def classify(request: HttpRequest, number: str, payload: ClassifyIn) -> OwnerClassification | None:
    """Classify the code owner of a model or field from the instance (R7)."""
    user = request_user(request)
    ticket = ticket_for_user(user, number)  # "not found" before anything about the payload
    return actions.code_owner_classify(
        ticket=ticket,
        actor=user,
        instance=_instance_arg(user, payload.instance_id),
        **payload.model_dump(exclude={"instance_id"}),  # the others are the action's keywords
    )


@router.post("/tickets/{number}/odoo/code-owner", response={200: ClassificationOut, **ERRORS})
def override(request: HttpRequest, number: str, payload: OverrideIn) -> OwnerClassification | None:
    """Set the code owner yourself, with a reason (R7)."""
    return _on_ticket(request, number, actions.code_owner_override, **payload.model_dump())


@router.post("/tickets/{number}/odoo/evidence", response={201: EvidenceOut, **ERRORS})
def evidence(request: HttpRequest, number: str, payload: EvidenceIn) -> Status[BugEvidence]:
    """Record that the bug reproduces on standard data (R8)."""
    return Status(
        201, _on_ticket(request, number, actions.bug_evidence_record, **payload.model_dump())
    )


@router.post("/tickets/{number}/odoo/upstream", response={201: UpstreamOut, **ERRORS})
def upstream(request: HttpRequest, number: str, payload: UpstreamIn) -> Status[UpstreamReport]:
    """Keep the reference of the bug reported to Odoo or the vendor; the ticket waits (R8)."""
    return Status(
        201, _on_ticket(request, number, actions.bug_report_upstream, **payload.model_dump())
    )


@router.post("/odoo/upstream/{report_id}", response={200: UpstreamOut, **ERRORS})
def upstream_state(
    request: HttpRequest, report_id: int, payload: UpstreamStateIn
) -> UpstreamReport:
    """Record the state of an upstream report (R8)."""
    user = request_user(request)
    return actions.upstream_update(
        report=upstream_report_for_user(user, report_id),
        actor=user,
        state=payload.state,
        reason=payload.reason,
    )


# --- instances --------------------------------------------------------------------------


@router.get("/odoo/instances", response={200: list[InstanceOut], **ERRORS})
def list_instances(
    request: HttpRequest, organisation_id: int | None = None
) -> list[dict[str, Any]]:
    """Customers' Odoo instances (staff only); the API key is never returned."""
    instances = instances_for_user(request_user(request))
    if organisation_id is not None:
        instances = instances.filter(organisation_id=organisation_id)
    return [_instance_out(i) for i in instances]


@router.post("/odoo/instances", response={201: InstanceOut, **ERRORS})
def create_instance(request: HttpRequest, payload: InstanceIn) -> Status[dict[str, Any]]:
    user = request_user(request)
    if not user.is_support_staff:
        raise PermissionDenied(_("only support staff may configure Odoo instances"))
    organisation = Organisation.objects.filter(pk=payload.organisation_id).first()
    if organisation is None:
        raise InvalidInput(
            "organisation_id",
            _("no organisation has id %(organisation_id)s")
            % {"organisation_id": payload.organisation_id},
        )
    fields = payload.model_dump(exclude={"organisation_id"})  # the action's keywords
    instance = actions.instance_save(actor=user, organisation=organisation, **fields)
    return Status(201, _instance_out(instance))


@router.post("/odoo/instances/{instance_id}/version", response={200: InstanceOut, **ERRORS})
def detect_version(request: HttpRequest, instance_id: int) -> dict[str, Any]:
    """Detect the version and API of an instance and prove its login and key work."""
    user = request_user(request)
    instance = actions.instance_detect_version(
        instance=instance_for_user(user, instance_id), actor=user
    )
    return _instance_out(instance)


# --- patch releases ---------------------------------------------------------------------


@router.post("/odoo/releases", response={201: ReleaseOut, **ERRORS})
def create_release(request: HttpRequest, payload: ReleaseIn) -> Status[PatchRelease]:
    """Plan a patch release of our localisation addons (R8)."""
    user = request_user(request)
    if not user.is_support_staff:
        raise PermissionDenied(_("only support staff may plan patch releases"))
    release = actions.patch_release_create(
        actor=user,
        module=payload.module,
        version=payload.version,
        release_date=payload.release_date,
        notes=payload.notes,
    )
    return Status(201, release)


@router.get("/odoo/releases/{release_id}", response={200: ReleaseOut, **ERRORS})
def get_release(request: HttpRequest, release_id: int) -> PatchRelease:
    return release_for_user(request_user(request), release_id)


@router.post("/odoo/releases/{release_id}/tickets", response={200: ReleaseOut, **ERRORS})
def link_ticket(request: HttpRequest, release_id: int, payload: LinkIn) -> PatchRelease:
    """Link a localisation bug ticket to the release that fixes it (R8)."""
    user = request_user(request)
    release = release_for_user(user, release_id)
    actions.patch_release_link(
        release=release, ticket=ticket_for_user(user, payload.number), actor=user
    )
    return release


@router.post("/odoo/releases/{release_id}/publish", response={200: ReleaseOut, **ERRORS})
def publish_release(request: HttpRequest, release_id: int) -> PatchRelease:
    """Publish: linked tickets are resolved and their contacts told, once each (R8)."""
    user = request_user(request)
    release = release_for_user(user, release_id)
    actions.patch_release_publish(release=release, actor=user)
    release.refresh_from_db()
    return release
