from supportdesk.tickets import actions
from supportdesk.tickets.models import Channel
from tests.factories import make_ticket


def test_whole_lifecycle(alice, consultant, dispatcher):
    t = make_ticket(alice)
    actions.ticket_assign(ticket=t, actor=dispatcher, assignee=consultant)
    actions.ticket_start(ticket=t, actor=consultant)
    actions.ticket_reply(ticket=t, actor=consultant, body="hi", channel=Channel.CONSOLE)
    actions.ticket_wait(ticket=t, actor=consultant, on="customer")
    actions.ticket_reply(ticket=t, actor=alice, body="here", channel=Channel.PORTAL)
    t.refresh_from_db()
    assert t.status == "in_progress"
    actions.ticket_resolve(ticket=t, actor=consultant)
    actions.ticket_close(ticket=t, actor=alice)
    t.refresh_from_db()
    assert t.status == "closed"
    assert [e.verb for e in t.events.all()][:3] == ["created", "assigned", "started"]
