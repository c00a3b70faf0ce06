"""The full original of a mail, as received: quoted text and signature included."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from supportdesk.accounts.models import User
from supportdesk.mail.models import InboundMail
from supportdesk.mail.parse import parse
from supportdesk.mail.quotes import split_reply
from supportdesk.tickets.access import messages_for_user, ticket_for_user


@login_required
def mail_original(request: HttpRequest, number: str, message_id: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    ticket = ticket_for_user(user, number)
    message = messages_for_user(user, ticket).filter(pk=message_id).first()
    inbound = (
        InboundMail.objects.filter(ticket_message=message, ticket=ticket).first()
        if message
        else None
    )
    if inbound is None:
        raise Http404("no such mail")
    if request.GET.get("raw") == "1" and user.is_support_staff:
        response = HttpResponse(bytes(inbound.raw), content_type="message/rfc822")
        response["Content-Disposition"] = f'attachment; filename="{ticket.number}-{inbound.pk}.eml"'
        return response
    mail = parse(bytes(inbound.raw))
    visible, folded = split_reply(mail.text)
    return render(
        request,
        "mail/original.html",
        {
            "ticket": ticket,
            "message": message,
            "inbound": inbound,
            "mail": mail,
            "visible": visible,
            "folded": folded,
        },
    )
