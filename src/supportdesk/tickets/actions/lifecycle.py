"""The only code that changes a ticket (DESIGN rules 1 and 2).

Every action takes keyword arguments and an explicit ``actor``, runs in one
transaction, locks the ticket row, changes state, appends an ``Event``, recomputes
the stored deadlines, and pushes side effects through ``transaction.on_commit``.
Refusals raise ``InvalidInput`` or ``IllegalTransition`` and change nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from django.conf import settings
from django.core.files.base import File
from django.db import transaction

from supportdesk.accounts.models import ContactMethod, Organisation, Skill, User
from supportdesk.commitments.clocks import recompute_clocks
from supportdesk.console import notify as staff_notify
from supportdesk.core import clock
from supportdesk.core.errors import IllegalTransition, InvalidInput, PermissionDenied
from supportdesk.mail import notify as customer_notify
from supportdesk.odoo.recognise import find_references, find_urls, parse_odoo_url
from supportdesk.search.backends import index_ticket
from supportdesk.tickets.models import (
    OPEN_STATUSES,
    WAITING_STATUSES,
    Attachment,
    Channel,
    CodeOwner,
    Event,
    Impact,
    ImpactReview,
    Kind,
    Message,
    OdooReference,
    Status,
    Ticket,
)
from supportdesk.tickets.uploads import check_upload_budget

SUBJECT_MAX = 250
BODY_MAX = 100_000


class Upload(Protocol):
    """What an attachment argument needs: Django's ``UploadedFile`` fits."""

    name: str | None
    size: int | None
    content_type: str | None

    def chunks(self, chunk_size: int | None = None) -> Iterable[bytes]: ...


# --- helpers shared by the actions -----------------------------------------------------


def _lock(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def _record(
    ticket: Ticket,
    actor: User | None,
    verb: str,
    *,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    reason: str = "",
    public: bool = True,
    at: dt.datetime | None = None,
) -> Event:
    return Event.objects.create(
        ticket=ticket,
        actor=actor,
        verb=verb,
        old=old or {},
        new=new or {},
        reason=reason,
        public=public,
        created_at=at or clock.now(),
    )


def _record_status(
    ticket: Ticket, actor: User | None, verb: str, *, old: str, reason: str, at: dt.datetime
) -> Event:
    """The event of a status change: the clocks are recomputed from these (rule 4)."""
    return _record(
        ticket,
        actor,
        verb,
        old={"status": old},
        new={"status": ticket.status},
        reason=reason.strip(),
        at=at,
    )


def _require_staff(actor: User, what: str) -> None:
    if not actor.is_support_staff:
        raise PermissionDenied(f"only support staff may {what}")


def _require_visible(ticket: Ticket, actor: User) -> None:
    """Actions re-check what the access helpers already checked, so no caller can skip it."""
    from supportdesk.tickets.access import tickets_for_user

    if not tickets_for_user(actor).filter(pk=ticket.pk).exists():
        raise PermissionDenied("this ticket is not visible to you")


def _move(ticket: Ticket, to: Status, *, allowed: Iterable[str], verb: str) -> str:
    """Check a status transition; return the old status. Refusals say why."""
    old = ticket.status
    if old not in allowed:
        hint = {
            Status.CLOSED: "reopen first",
            Status.RESOLVED: "reopen first",
            Status.NEW: "assign first",
        }.get(Status(old), "")
        message = f"status '{old}' cannot go to '{to}'"
        if old == to:
            message += f": the ticket is already {Status(old).label.lower()}"
        elif verb not in {"closed", "reopened"} and hint:
            message += f": {hint}"
        raise IllegalTransition(message)
    ticket.status = to
    return old


def _finish(ticket: Ticket, *, now: dt.datetime) -> None:
    ticket.updated_at = now
    recompute_clocks(ticket, now=now)
    ticket.save()
    # The SQLite full-text index is kept in step inside the same transaction.
    index_ticket(ticket.pk)


def _text(field: str, value: str | None, *, required: bool, limit: int) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(field, "is required")
    if len(value) > limit:
        raise InvalidInput(field, f"is {len(value)} characters; at most {limit} are allowed")
    return value


def _choice(field: str, value: str, choices: type[Any]) -> str:
    if value not in choices.values:
        allowed = ", ".join(repr(v) for v in choices.values if v)
        raise InvalidInput(field, f"{value!r} is not one of {allowed}")
    return value


def _check_uploads(
    files: Sequence[Upload], *, organisation: Organisation | None, ticket: Ticket | None = None
) -> None:
    check_upload_budget(files, organisation=organisation, ticket=ticket)


def _store_uploads(
    ticket: Ticket,
    message: Message | None,
    files: Sequence[Upload],
    actor: User | None,
    *,
    internal: bool = False,
) -> list[Attachment]:
    stored = []
    for upload in files:
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        name = (upload.name or "attachment").replace("/", "_").replace("\\", "_")[-255:]
        attachment = Attachment(
            ticket=ticket,
            message=message,
            filename=name,
            content_type=(upload.content_type or "application/octet-stream")[:150],
            size=upload.size or 0,
            sha256=digest.hexdigest(),
            uploaded_by=actor,
            internal=internal,
        )
        attachment.file.save(name, upload if isinstance(upload, File) else File(upload), save=False)  # type: ignore[arg-type]
        attachment.save()
        stored.append(attachment)
    return stored


def _odoo_refs(
    urls: Sequence[str], references: Sequence[str], texts: Sequence[str]
) -> list[OdooReference]:
    """R2: explicit URLs and references, plus what is recognised in free text."""
    found: dict[tuple[str, str], OdooReference] = {}
    for raw in urls:
        raw = raw.strip()
        if not raw:
            continue
        parsed = parse_odoo_url(raw)
        if parsed is None:
            raise InvalidInput(
                "odoo_url",
                f"{raw[:80]!r} is not the URL of an Odoo screen (copy it from the browser)",
            )
        found.setdefault(("url", parsed.normalised()), _url_row(parsed))
    for raw in references:
        raw = raw.strip()
        if not raw:
            continue
        recognised = find_references(raw)
        if recognised:
            for ref in recognised:
                found.setdefault(("reference", ref.normalised()), _ref_row(ref))
        else:
            # A record name ("Work Center 3", a product) is kept as the customer wrote it.
            found.setdefault(
                ("reference", raw.upper()),
                OdooReference(type="reference", text=raw[:2000], normalised=raw.upper()[:2000]),
            )
    for text in texts:
        for url in find_urls(text):
            found.setdefault(("url", url.normalised()), _url_row(url))
        for ref in find_references(text):
            found.setdefault(("reference", ref.normalised()), _ref_row(ref))
    return list(found.values())


def _url_row(url: Any) -> OdooReference:
    return OdooReference(
        type="url",
        text=url.text[:2000],
        normalised=url.normalised()[:2000],
        model=url.model or "",
        record_id=url.record_id,
        host=url.host,
    )


def _ref_row(ref: Any) -> OdooReference:
    return OdooReference(
        type="reference", text=ref.text, normalised=ref.normalised(), model=ref.model
    )


def _add_refs(ticket: Ticket, rows: list[OdooReference]) -> list[str]:
    existing = set(ticket.odoo_refs.values_list("type", "normalised"))
    added = []
    for row in rows:
        if (row.type, row.normalised) in existing:
            continue
        row.ticket = ticket
        row.save()
        existing.add((row.type, row.normalised))
        added.append(row.text)
    return added


def _apply_impact(ticket: Ticket, impact: str, actor: User) -> None:
    """R4: a flagged impact jumps the queue until the desk removes the flag."""
    ticket.impact = impact
    if not impact:
        ticket.impact_review = ImpactReview.NONE
    elif actor.can_dispatch:
        ticket.impact_review = ImpactReview.CONFIRMED
    else:
        ticket.impact_review = ImpactReview.CLAIMED
    ticket.queue_rank = 0 if impact and ticket.impact_review != ImpactReview.REMOVED else 1


# --- the actions ------------------------------------------------------------------------


def ticket_create(
    *,
    actor: User,
    organisation: Organisation,
    requester: User | None,
    channel: str,
    subject: str,
    description: str = "",
    kind: str = Kind.HOW_TO,
    impact: str = "",
    contact_method: str | None = None,
    contact_phone: str = "",
    required_skill: Skill | None = None,
    odoo_urls: Sequence[str] = (),
    references: Sequence[str] = (),
    attachments: Sequence[Upload] = (),
    watchers: Sequence[User] = (),
    registered_at: dt.datetime | None = None,
    sender_verified: bool = True,
    message_id: str = "",
    body_html: str = "",
) -> Ticket:
    """Register a ticket from any channel (R1), with its Odoo data (R2).

    The channel is recorded; Odoo URLs and transaction references are taken from the
    explicit fields and recognised in the subject and description. A mail's Message-ID
    is kept on the first message so that replies thread.
    """
    subject = _text("subject", subject, required=True, limit=SUBJECT_MAX)
    description = _text("description", description, required=False, limit=BODY_MAX)
    _choice("channel", channel, Channel)
    _choice("kind", kind, Kind)
    _choice("impact", impact, Impact)
    if actor.is_customer and actor.organisation_id != organisation.pk:
        raise InvalidInput("organisation", "you can only register tickets for your organisation")
    if (
        requester is not None
        and requester.is_customer
        and requester.organisation_id != organisation.pk
    ):
        raise InvalidInput("requester", f"{requester.email} does not belong to {organisation}")
    method = contact_method or (requester.preferred_contact if requester else ContactMethod.EMAIL)
    _choice("contact_method", method, ContactMethod)
    contact_phone = _text("contact_phone", contact_phone, required=False, limit=40)
    if method == ContactMethod.PHONE and not contact_phone:
        contact_phone = requester.phone if requester and requester.phone else ""
        if not contact_phone:
            raise InvalidInput(
                "contact_phone", "is required when you want to be contacted by phone"
            )
    refs = _odoo_refs(odoo_urls, references, [subject, description])
    _check_uploads(attachments, organisation=organisation)
    now = clock.now()
    registered = registered_at or now

    with transaction.atomic():
        ticket = Ticket(
            organisation=organisation,
            requester=requester,
            channel=channel,
            subject=subject,
            description=description,
            kind=kind,
            contact_method=method,
            contact_phone=contact_phone,
            required_skill=required_skill,
            registered_at=registered,
            updated_at=now,
            sender_verified=sender_verified,
        )
        _apply_impact(ticket, impact, actor)
        recompute_clocks(ticket, now=now, events=[])
        ticket.save()
        if watchers:
            ticket.watchers.set(watchers)
        added = _add_refs(ticket, refs)
        message = None
        if attachments or message_id:
            message = Message.objects.create(
                ticket=ticket,
                author=requester or actor,
                channel=channel,
                body=description or subject,
                body_html=body_html,
                message_id=message_id[:998],
                created_at=registered,
            )
            _store_uploads(ticket, message, attachments, actor)
        _record(
            ticket,
            actor,
            "created",
            new={
                "status": Status.NEW,
                "channel": channel,
                "kind": kind,
                "impact": impact,
                "odoo_refs": added,
            },
            at=registered,
        )
        _finish(ticket, now=now)
        staff_notify.ticket_registered(ticket, actor=actor)
        customer_notify.ticket_created(ticket, actor=actor)
        if settings.AUTO_ASSIGN:
            # R3: offer the new ticket to auto-assignment now rather than at the next sweep.
            transaction.on_commit(lambda: _offer_for_assignment(ticket.pk))
    return ticket


def _offer_for_assignment(ticket_id: int) -> None:
    from supportdesk.tickets import tasks

    tasks.ticket_created(ticket_id)


def ticket_assign(
    *, ticket: Ticket, actor: User, assignee: User, override_reason: str = ""
) -> Ticket:
    """Assign to a qualified consultant (R3); a dispatcher may override the skill check."""
    _require_staff(actor, "assign tickets")
    if not assignee.is_support_staff or not assignee.is_active:
        raise InvalidInput("assignee", f"{assignee} is not an active consultant")
    if assignee != actor and not actor.can_dispatch:
        raise PermissionDenied("only a dispatcher may assign a ticket to someone else")
    override_reason = override_reason.strip()
    with transaction.atomic():
        ticket = _lock(ticket)
        if ticket.status not in OPEN_STATUSES:
            raise IllegalTransition(f"status '{ticket.status}' cannot be assigned: reopen first")
        skill = ticket.required_skill
        lacks_skill = skill is not None and not assignee.skills.filter(pk=skill.pk).exists()
        if lacks_skill and (not actor.can_dispatch or not override_reason):
            raise InvalidInput(
                "assignee",
                f"{assignee} lacks the required skill '{skill}': "
                "a dispatcher may override with a reason",
            )
        if ticket.assignee_id == assignee.pk:
            raise IllegalTransition(f"the ticket is already assigned to {assignee}")
        now = clock.now()
        old = {
            "assignee": str(ticket.assignee) if ticket.assignee else None,
            "status": ticket.status,
        }
        ticket.assignee = assignee
        if ticket.status == Status.NEW:
            ticket.status = Status.ASSIGNED
        if ticket.assigned_at is None:
            ticket.assigned_at = now
        User.objects.filter(pk=assignee.pk).update(last_assigned_at=now)
        _record(
            ticket,
            actor,
            "assigned",
            old=old,
            new={
                "assignee": str(assignee),
                "assignee_id": assignee.pk,
                "status": ticket.status,
                "skill_override": lacks_skill,
            },
            reason=override_reason,
            at=now,
        )
        _finish(ticket, now=now)
        staff_notify.ticket_assigned(ticket, actor=actor, assignee=assignee)
        customer_notify.status_changed(ticket, actor=actor, old=old["status"])
    return ticket


def ticket_start(*, ticket: Ticket, actor: User) -> Ticket:
    """The assigned consultant commences work (R3: "assigned and started")."""
    _require_staff(actor, "start work on tickets")
    with transaction.atomic():
        ticket = _lock(ticket)
        now = clock.now()
        old = _move(ticket, Status.IN_PROGRESS, allowed=[Status.ASSIGNED], verb="started")
        if ticket.started_at is None:
            ticket.started_at = now
        _record(
            ticket, actor, "started", old={"status": old}, new={"status": ticket.status}, at=now
        )
        _finish(ticket, now=now)
    return ticket


def ticket_reply(
    *,
    ticket: Ticket,
    actor: User,
    body: str,
    channel: str,
    attachments: Sequence[Upload] = (),
    body_html: str = "",
    message_id: str = "",
    in_reply_to: str = "",
    author_email: str = "",
) -> Message:
    """A public message on the ticket, by a consultant or the customer (R9).

    A customer's reply brings a ticket waiting on them back to work and reopens a
    resolved one; a consultant's first reply on an assigned ticket starts the work.
    """
    body = _text("body", body, required=True, limit=BODY_MAX)
    _choice("channel", channel, Channel)
    _check_uploads(attachments, organisation=ticket.organisation, ticket=ticket)
    _require_visible(ticket, actor)
    with transaction.atomic():
        ticket = _lock(ticket)
        if ticket.status == Status.CLOSED:
            raise IllegalTransition("the ticket is closed: reopen it first")
        now = clock.now()
        message = Message.objects.create(
            ticket=ticket,
            author=actor,
            author_email=author_email or actor.email,
            channel=channel,
            body=body,
            body_html=body_html,
            message_id=message_id,
            in_reply_to=in_reply_to,
            created_at=now,
        )
        _store_uploads(ticket, message, attachments, actor)
        _record(
            ticket, actor, "replied", new={"message_id": message.pk, "channel": channel}, at=now
        )
        old = ticket.status
        if actor.is_support_staff and old == Status.ASSIGNED and ticket.assignee_id == actor.pk:
            ticket.status = Status.IN_PROGRESS
            ticket.started_at = ticket.started_at or now
            _record(
                ticket, actor, "started", old={"status": old}, new={"status": ticket.status}, at=now
            )
        elif (
            not actor.is_support_staff
            and old in WAITING_STATUSES
            and old == Status.WAITING_CUSTOMER
        ):
            ticket.status = Status.IN_PROGRESS
            _record(
                ticket,
                actor,
                "resumed",
                old={"status": old},
                new={"status": ticket.status},
                reason="the customer replied",
                at=now,
            )
        elif not actor.is_support_staff and old == Status.RESOLVED:
            _reopen(ticket, actor, reason="the customer replied", now=now)
        _finish(ticket, now=now)
        staff_notify.customer_replied(ticket, message=message, actor=actor)
        customer_notify.ticket_replied(ticket, message=message, actor=actor)
    return message


def ticket_add_note(
    *, ticket: Ticket, actor: User, body: str, attachments: Sequence[Upload] = ()
) -> Message:
    """An internal note: staff only, never shown in the portal or its API."""
    _require_staff(actor, "write internal notes")
    body = _text("body", body, required=True, limit=BODY_MAX)
    _check_uploads(attachments, organisation=ticket.organisation, ticket=ticket)
    with transaction.atomic():
        ticket = _lock(ticket)
        now = clock.now()
        message = Message.objects.create(
            ticket=ticket,
            author=actor,
            author_email=actor.email,
            internal=True,
            channel=Channel.CONSOLE,
            body=body,
            created_at=now,
        )
        _store_uploads(ticket, message, attachments, actor, internal=True)
        _record(ticket, actor, "noted", new={"message_id": message.pk}, public=False, at=now)
        _finish(ticket, now=now)
    return message


def ticket_wait(*, ticket: Ticket, actor: User, on: str, reason: str = "") -> Ticket:
    """Wait on the customer or a third party; the resolution clock pauses (R5)."""
    _require_staff(actor, "set a ticket waiting")
    targets = {"customer": Status.WAITING_CUSTOMER, "third_party": Status.WAITING_THIRD_PARTY}
    if on not in targets:
        raise InvalidInput("on", f"{on!r} is not one of 'customer', 'third_party'")
    to = targets[on]
    with transaction.atomic():
        ticket = _lock(ticket)
        now = clock.now()
        allowed = [Status.IN_PROGRESS, *[s for s in WAITING_STATUSES if s != to]]
        old = _move(ticket, to, allowed=allowed, verb="waiting")
        _record_status(ticket, actor, "waiting", old=old, reason=reason.strip(), at=now)
        _finish(ticket, now=now)
        customer_notify.status_changed(ticket, actor=actor, old=old, reason=reason)
    return ticket


def ticket_resume(*, ticket: Ticket, actor: User, reason: str = "") -> Ticket:
    """Back to work after waiting; the resolution clock runs again (R5)."""
    _require_visible(ticket, actor)
    with transaction.atomic():
        ticket = _lock(ticket)
        now = clock.now()
        old = _move(ticket, Status.IN_PROGRESS, allowed=WAITING_STATUSES, verb="resumed")
        _record_status(ticket, actor, "resumed", old=old, reason=reason.strip(), at=now)
        _finish(ticket, now=now)
    return ticket


def ticket_resolve(*, ticket: Ticket, actor: User, resolution: str = "") -> Ticket:
    """Mark the issue resolved; the customer confirms (close) or reopens."""
    _require_staff(actor, "resolve tickets")
    with transaction.atomic():
        ticket = _lock(ticket)
        now = clock.now()
        old = _move(
            ticket,
            Status.RESOLVED,
            allowed=[Status.ASSIGNED, Status.IN_PROGRESS, *WAITING_STATUSES],
            verb="resolved",
        )
        ticket.resolved_at = now
        ticket.started_at = ticket.started_at or now
        _record_status(ticket, actor, "resolved", old=old, reason=resolution.strip(), at=now)
        _finish(ticket, now=now)
        customer_notify.status_changed(ticket, actor=actor, old=old, reason=resolution)
    return ticket


def ticket_close(*, ticket: Ticket, actor: User, reason: str = "") -> Ticket:
    """Close a resolved ticket: the customer confirms, or staff close it."""
    _require_visible(ticket, actor)
    with transaction.atomic():
        ticket = _lock(ticket)
        now = clock.now()
        old = _move(ticket, Status.CLOSED, allowed=[Status.RESOLVED], verb="closed")
        ticket.closed_at = now
        _record_status(ticket, actor, "closed", old=old, reason=reason.strip(), at=now)
        _finish(ticket, now=now)
        customer_notify.status_changed(ticket, actor=actor, old=old, reason=reason)
    return ticket


def _reopen(ticket: Ticket, actor: User, *, reason: str, now: dt.datetime) -> None:
    old = _move(
        ticket,
        Status.IN_PROGRESS if ticket.assignee_id else Status.NEW,
        allowed=[Status.RESOLVED, Status.CLOSED],
        verb="reopened",
    )
    ticket.resolved_at = None
    ticket.closed_at = None
    _record(
        ticket,
        actor,
        "reopened",
        old={"status": old},
        new={"status": ticket.status},
        reason=reason,
        at=now,
    )


def ticket_reopen(*, ticket: Ticket, actor: User, reason: str = "") -> Ticket:
    """Reopen a resolved or closed ticket; it goes back to its consultant if it had one."""
    _require_visible(ticket, actor)
    with transaction.atomic():
        ticket = _lock(ticket)
        now = clock.now()
        if ticket.status not in (Status.RESOLVED, Status.CLOSED):
            raise IllegalTransition(f"status '{ticket.status}' cannot be reopened: it is open")
        old_status = ticket.status
        _reopen(ticket, actor, reason=reason.strip(), now=now)
        _finish(ticket, now=now)
        customer_notify.status_changed(ticket, actor=actor, old=old_status, reason=reason)
    return ticket


def ticket_add_watchers(
    *, ticket: Ticket, actor: User, watchers: Sequence[User], reason: str = ""
) -> list[User]:
    """Copy contacts of the ticket's organisation on it, so they are kept informed (R9).

    Used by the mail channel for contacts Cc'd on a customer's mail. Returns who was added.
    """
    _require_visible(ticket, actor)
    with transaction.atomic():
        ticket = _lock(ticket)
        present = set(ticket.watchers.values_list("pk", flat=True)) | {ticket.requester_id}
        added = [
            user
            for user in {u.pk: u for u in watchers}.values()
            if user.pk not in present
            and user.is_active
            and user.is_customer
            and user.organisation_id == ticket.organisation_id
        ]
        if not added:
            return []
        now = clock.now()
        ticket.watchers.add(*added)
        _record(
            ticket,
            actor,
            "watchers_added",
            new={"watchers": [u.email for u in added]},
            reason=reason.strip(),
            at=now,
        )
        _finish(ticket, now=now)
    return added


CUSTOMER_FIELDS = frozenset({"subject", "description", "contact_method", "contact_phone", "impact"})
INTERNAL_FIELDS = frozenset({"required_skill"})
STAFF_FIELDS = CUSTOMER_FIELDS | {"kind", "code_owner", "required_skill", "impact_review"}


def ticket_update(
    *,
    ticket: Ticket,
    actor: User,
    reason: str = "",
    add_urls: Sequence[str] = (),
    add_references: Sequence[str] = (),
    **changes: Any,
) -> Ticket:
    """Change a ticket's fields according to the actor's role.

    R4: the customer may flag a business impact; a dispatcher confirms or removes
    the flag with a reason. R7: staff set the code owner.
    """
    _require_visible(ticket, actor)
    allowed = STAFF_FIELDS if actor.is_support_staff else CUSTOMER_FIELDS
    for field in changes:
        if field not in allowed:
            raise InvalidInput(
                field,
                "cannot be changed by you"
                if field in STAFF_FIELDS
                else "is not a field of a ticket",
            )
    refs = _odoo_refs(add_urls, add_references, [])
    with transaction.atomic():
        ticket = _lock(ticket)
        now = clock.now()
        old: dict[str, Any] = {}
        new: dict[str, Any] = {}
        for field, value in changes.items():
            if field in {"subject"}:
                value = _text(field, value, required=True, limit=SUBJECT_MAX)
            elif field == "description":
                value = _text(field, value, required=False, limit=BODY_MAX)
            elif field == "kind":
                _choice(field, value, Kind)
            elif field == "code_owner":
                _choice(field, value, CodeOwner)
            elif field == "contact_method":
                _choice(field, value, ContactMethod)
            elif field == "contact_phone":
                value = _text(field, value, required=False, limit=40)
            elif field == "impact":
                _choice(field, value, Impact)
            elif field == "impact_review":
                _choice(field, value, ImpactReview)
                if not actor.can_dispatch:
                    raise InvalidInput(
                        field, "only a dispatcher confirms or removes an impact flag"
                    )
                if value in (ImpactReview.CONFIRMED, ImpactReview.REMOVED) and not ticket.impact:
                    raise InvalidInput(field, "the ticket has no business impact flagged")
                if value == ImpactReview.REMOVED and not reason.strip():
                    raise InvalidInput("reason", "is required to remove an impact flag")
            current = getattr(ticket, field)
            if field == "required_skill":
                if value is not None and not isinstance(value, Skill):
                    raise InvalidInput(field, "is not a skill")
                current_repr, new_repr = (
                    str(current) if current else None,
                    str(value) if value else None,
                )
            else:
                current_repr, new_repr = current, value
            if current == value:
                continue
            old[field], new[field] = current_repr, new_repr
            if field == "impact":
                _apply_impact(ticket, value, actor)
                new["impact_review"] = ticket.impact_review
            elif field == "impact_review":
                ticket.impact_review = value
                ticket.queue_rank = 0 if ticket.impact and value != ImpactReview.REMOVED else 1
            else:
                setattr(ticket, field, value)
        if ticket.contact_method == ContactMethod.PHONE and not ticket.contact_phone:
            raise InvalidInput(
                "contact_phone", "is required when you want to be contacted by phone"
            )
        added = _add_refs(ticket, refs)
        if added:
            new["odoo_refs"] = added
        if not new:
            return ticket
        # Internal fields are the desk's business: their changes stay off the customer's
        # timeline (R9 shows the customer everything about their ticket, not our routing).
        public = {k: v for k, v in new.items() if k not in INTERNAL_FIELDS}
        internal = {k: v for k, v in new.items() if k in INTERNAL_FIELDS}
        for changes, is_public in ((public, True), (internal, False)):
            if changes:
                _record(
                    ticket,
                    actor,
                    "updated",
                    old={k: old[k] for k in changes if k in old},
                    new=changes,
                    reason=reason.strip(),
                    public=is_public,
                    at=now,
                )
        _finish(ticket, now=now)
    return ticket


__all__ = [
    "ticket_add_note",
    "ticket_add_watchers",
    "ticket_assign",
    "ticket_close",
    "ticket_create",
    "ticket_reopen",
    "ticket_reply",
    "ticket_resolve",
    "ticket_resume",
    "ticket_start",
    "ticket_update",
    "ticket_wait",
]
