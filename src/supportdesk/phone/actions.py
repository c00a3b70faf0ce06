"""Actions of the telephone channel (R1): CTI events, logging a call, calling back.

Tickets are changed only through the ticket actions: a call becomes a ticket through
``ticket_create`` (channel ``phone``) or a message on an open ticket through
``ticket_reply``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from supportdesk.accounts.models import Organisation, User
from supportdesk.commitments.models import Notification
from supportdesk.core import clock
from supportdesk.core.errors import IllegalTransition, InvalidInput
from supportdesk.phone.models import Call, CallEvent, CallState, Direction, Pbx
from supportdesk.phone.numbers import find_caller, normalise, users_with_number
from supportdesk.tickets import kit
from supportdesk.tickets.models import OPEN_STATUSES, Channel, Kind, Status, Ticket

CTI_EVENTS = frozenset({"newCall", "answer", "hangup"})
FIELD_MAX = 200


def _field(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value).strip()[:FIELD_MAX]


def _staff_named(name: str, answering_number: str) -> User | None:
    """The member of staff a PBX names: by e-mail, by name, or by their own number."""
    staff = User.objects.filter(
        is_active=True, role__in=["consultant", "business_consultant", "dispatcher", "admin"]
    )
    if name:
        found = staff.filter(Q(email__iexact=name) | Q(name__iexact=name)).first()
        if found is not None:
            return found
    e164 = normalise(answering_number) if answering_number else None
    if e164:
        return next((u for u in users_with_number(e164) if u.is_support_staff), None)
    return None


def _identify(call: Call) -> None:
    """Fill in the caller, their organisation and the call-back owner from the number."""
    other = call.from_number if call.direction == Direction.INBOUND else call.to_number
    e164, caller = find_caller(other)
    call.caller_e164 = e164 or ""
    if caller is not None:
        call.caller = caller
        call.organisation = caller.organisation


def cti_event(*, pbx: Pbx, data: Mapping[str, Any]) -> Call:
    """Apply one CTI event (Zammad's generic CTI format) to the call log (R1).

    ``newCall`` opens the call, ``answer`` records who answered, ``hangup`` ends it. The
    PBX may repeat an event or send them out of order: every instant is set once, and
    the state follows from the instants, so the outcome is the same in any order. An
    inbound call that ends unanswered is missed and waits for a call-back.
    """
    event = _field(data, "event")
    call_id = _field(data, "callId")
    if event not in CTI_EVENTS:
        raise InvalidInput(
            "event", _("%(event)r is not one of 'newCall', 'answer', 'hangup'") % {"event": event}
        )
    if not call_id:
        raise InvalidInput("callId", _("is required"))
    direction = _field(data, "direction") or Direction.INBOUND
    if direction not in Direction.values:
        raise InvalidInput(
            "direction", _("%(direction)r is not one of 'in', 'out'") % {"direction": direction}
        )
    payload = {k: _field(data, k) for k in data}
    now = clock.now()
    with transaction.atomic():
        call = _lock_or_open(pbx, call_id, direction, now)
        duplicate = CallEvent.objects.filter(call=call, event=event, payload=payload).exists()
        CallEvent.objects.create(
            pbx=pbx, call=call, event=event, payload=payload, duplicate=duplicate, received_at=now
        )
        if duplicate:
            return call
        was_missed = call.state == CallState.MISSED
        # Whatever event comes first carries the numbers; later ones never erase them.
        call.from_number = call.from_number or _field(data, "from")
        call.to_number = call.to_number or _field(data, "to")
        if not call.caller_e164 and not call.caller_id:
            _identify(call)
        if event == "newCall":
            # A late newCall may only move the start earlier, never change the outcome.
            call.started_at = min(call.started_at, now)
            if direction == Direction.OUTBOUND and call.answered_by is None:
                call.answered_by = _staff_named(_field(data, "user"), "")
        elif event == "answer":
            call.answered_at = call.answered_at or now
            call.answered_by = call.answered_by or _staff_named(
                _field(data, "user"), _field(data, "answeringNumber")
            )
        else:  # hangup
            call.ended_at = call.ended_at or now
            call.cause = call.cause or _field(data, "cause")
            if call.answered_by is None and _field(data, "answeringNumber"):
                call.answered_by = _staff_named("", _field(data, "answeringNumber"))
        call.settle_state()
        if call.state == CallState.MISSED and not was_missed:
            _missed(call)
        call.save()
    return call


def _lock_or_open(pbx: Pbx, call_id: str, direction: str, now: Any) -> Call:
    call = Call.objects.select_for_update().filter(pbx=pbx, call_id=call_id).first()
    if call is not None:
        return call
    try:
        with transaction.atomic():
            return Call.objects.create(
                pbx=pbx, call_id=call_id, direction=direction, started_at=now
            )
    except IntegrityError:
        # The same call's other event won the race: use its row.
        return Call.objects.select_for_update().get(pbx=pbx, call_id=call_id)


def _missed(call: Call) -> None:
    """A missed inbound call: the consultant of the caller's open ticket calls back.

    The notification is recorded with the call; the console mails it within a minute
    as its owner prefers (``console.tasks.staff_notifications_mail``).
    """
    if call.caller_id is not None:
        ticket = (
            Ticket.objects.filter(
                requester_id=call.caller_id, status__in=OPEN_STATUSES, assignee__isnull=False
            )
            .order_by("-updated_at")
            .first()
        )
        if ticket is not None:
            call.callback_owner_id = ticket.assignee_id
    who = str(call.caller) if call.caller else call.caller_e164 or call.from_number or "unknown"
    org = f" ({call.organisation})" if call.organisation else ""
    if call.callback_owner_id is not None:
        Notification.objects.create(
            user_id=call.callback_owner_id,
            kind="missed_call",
            text=(_("Missed call from %(who)s%(org)s: call back") % {"who": who, "org": org})[:500],
        )


def call_log(
    *,
    actor: User,
    number: str,
    direction: str = Direction.INBOUND,
    summary: str,
    caller: User | None = None,
    organisation: Organisation | None = None,
    ticket: Ticket | None = None,
    subject: str = "",
    kind: str = Kind.HOW_TO,
    call: Call | None = None,
) -> Call:
    """Log a telephone call and make it a ticket on the phone channel, or add it to an
    open ticket (R1).

    The caller is found by their number in E.164 when not given. Without ``ticket`` a
    new ticket is registered with ``subject``; an inbound call on a ticket waiting on
    the customer brings it back to work, as a customer's mail would.
    """
    from supportdesk.tickets import actions as ticket_actions

    kit.require_staff(actor, _("log calls"))
    summary = (summary or "").strip()
    if not summary:
        raise InvalidInput("summary", _("is required: say what the call was about"))
    if direction not in Direction.values:
        raise InvalidInput(
            "direction", _("%(direction)r is not one of 'in', 'out'") % {"direction": direction}
        )
    e164 = normalise(number) if number.strip() else None
    if number.strip() and e164 is None:
        raise InvalidInput(
            "number", _("%(number)r is not a telephone number") % {"number": number.strip()[:40]}
        )
    if caller is None and e164:
        _organisation, caller = find_caller(e164)
    if caller is not None and not caller.is_customer:
        raise InvalidInput("caller", _("%(caller)s is not a customer user") % {"caller": caller})
    organisation = organisation or (caller.organisation if caller else None)
    if caller is not None and organisation is not None and caller.organisation != organisation:
        raise InvalidInput(
            "caller",
            _("%(caller)s does not belong to %(organisation)s")
            % {"caller": caller, "organisation": organisation},
        )
    if ticket is None and organisation is None:
        raise InvalidInput("organisation", _("is required for a caller we do not know"))
    if ticket is not None and organisation is not None and ticket.organisation != organisation:
        raise InvalidInput(
            "ticket",
            _("%(number)s is not a ticket of %(organisation)s")
            % {"number": ticket.number, "organisation": organisation},
        )
    with transaction.atomic():
        if call is not None:
            call = Call.objects.select_for_update().get(pk=call.pk)
            if call.ticket_id is not None:
                raise IllegalTransition(
                    _("this call is already logged on ticket %(ticket)s") % {"ticket": call.ticket}
                )
        else:
            now = clock.now()
            call = Call(
                direction=direction,
                from_number=number if direction == Direction.INBOUND else "",
                to_number=number if direction == Direction.OUTBOUND else "",
                started_at=now,
                answered_at=now,
                ended_at=now,
                answered_by=actor,
            )
            call.settle_state()
        call.caller_e164 = e164 or call.caller_e164
        call.caller = caller or call.caller
        call.organisation = organisation or call.organisation
        call.summary = summary
        call.logged_by = actor
        who = str(caller) if caller else e164 or "an unknown caller"
        heading = "Telephone call from" if direction == Direction.INBOUND else "Telephone call to"
        if ticket is not None:
            ticket = Ticket.objects.get(pk=ticket.pk)
            if ticket.status not in OPEN_STATUSES:
                raise IllegalTransition(
                    _("%(number)s is not open: reopen it first") % {"number": ticket.number}
                )
            ticket_actions.ticket_reply(
                ticket=ticket,
                actor=actor,
                body=f"{heading} {who}:\n\n{summary}",
                channel=Channel.PHONE,
            )
            if direction == Direction.INBOUND and ticket.status == Status.WAITING_CUSTOMER:
                ticket_actions.ticket_resume(
                    ticket=ticket, actor=actor, reason="the customer called"
                )
        else:
            assert organisation is not None
            ticket = ticket_actions.ticket_create(
                actor=actor,
                organisation=organisation,
                requester=caller,
                channel=Channel.PHONE,
                subject=subject or summary.splitlines()[0][:120],
                description=summary,
                kind=kind,
                contact_phone=e164 or "",
            )
        call.ticket = ticket
        call.save()
    return call


def call_claim(*, call: Call, actor: User) -> Call:
    """Take a missed call's call-back on oneself."""
    kit.require_staff(actor, _("call back"))
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        if call.state != CallState.MISSED or call.called_back_at is not None:
            raise IllegalTransition(_("this call does not wait for a call-back"))
        call.callback_owner = actor
        call.save(update_fields=["callback_owner"])
    return call


def call_called_back(*, call: Call, actor: User) -> Call:
    """A missed call was returned: it leaves the call-back list."""
    kit.require_staff(actor, _("call back"))
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        if call.state != CallState.MISSED:
            raise IllegalTransition(_("only a missed call is called back"))
        if call.called_back_at is not None:
            raise IllegalTransition(
                _("%(who)s already called back at %(time)s")
                % {
                    "who": call.called_back_by or _("someone"),
                    "time": f"{call.called_back_at:%H:%M}",
                }
            )
        call.called_back_at = clock.now()
        call.called_back_by = actor
        call.save(update_fields=["called_back_at", "called_back_by"])
    return call
