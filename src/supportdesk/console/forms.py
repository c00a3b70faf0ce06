"""Forms of the console; they read input, the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supportdesk.accounts.models import ContactMethod, Organisation, Skill, User
from supportdesk.core import clock
from supportdesk.core.formfields import ModelChoiceField
from supportdesk.phone.models import Direction
from supportdesk.tickets.models import CodeOwner, Impact, ImpactReview, Kind, Ticket


class TicketFieldsForm(forms.Form):
    """Every field staff may change (``ticket_update`` decides per role)."""

    subject = forms.CharField(label=_("Subject"), max_length=250)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    kind = forms.ChoiceField(label=_("Kind of request"), choices=Kind.choices)
    impact = forms.ChoiceField(label=_("Business impact"), choices=Impact.choices, required=False)
    impact_review = forms.ChoiceField(
        label=_("Impact review"), choices=ImpactReview.choices, required=False
    )
    code_owner = forms.ChoiceField(label=_("Code owner"), choices=CodeOwner.choices, required=False)
    required_skill = ModelChoiceField(
        label=_("Required skill"), queryset=Skill.objects.all(), required=False
    )
    contact_method = forms.ChoiceField(label=_("Contact method"), choices=ContactMethod.choices)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    add_url = forms.CharField(label=_("Add an Odoo URL"), max_length=2000, required=False)
    add_reference = forms.CharField(
        label=_("Add a transaction reference"), max_length=200, required=False
    )
    reason = forms.CharField(label=_("Reason for the change"), max_length=500, required=False)

    def __init__(self, *args: Any, user: User, ticket: Ticket, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "subject": ticket.subject,
                "description": ticket.description,
                "kind": ticket.kind,
                "impact": ticket.impact,
                "impact_review": ticket.impact_review,
                "code_owner": ticket.code_owner,
                "required_skill": ticket.required_skill_id,
                "contact_method": ticket.contact_method,
                "contact_phone": ticket.contact_phone,
            },
        )
        super().__init__(*args, **kwargs)
        if not user.can_dispatch:
            # Only a dispatcher confirms or removes a flagged impact (R4).
            del self.fields["impact_review"]

    def changes(self, ticket: Ticket) -> dict[str, Any]:
        data = self.cleaned_data
        changed = {}
        for name in self.fields:
            if name in {"add_url", "add_reference", "reason"}:
                continue
            value = data.get(name)
            if value is None and name != "required_skill":
                value = ""
            current = getattr(ticket, name)
            if value != current:
                changed[name] = value
        return changed


class TimeEntryForm(forms.Form):
    minutes = forms.IntegerField(min_value=1)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(
        label="What was done", widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"date": timezone.localdate(clock.now())})
        super().__init__(*args, **kwargs)


class LogCallForm(forms.Form):
    """The "log a call" form: the caller is found by number; a new ticket or an open one."""

    number = forms.CharField(label="Telephone number", max_length=64, required=False)
    direction = forms.ChoiceField(choices=Direction.choices, initial=Direction.INBOUND)
    # Set by the number lookup (or by choosing among several people with that number).
    caller = forms.IntegerField(required=False, widget=forms.HiddenInput)
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.all(), required=False)
    ticket = forms.CharField(label="Add to open ticket (number)", max_length=20, required=False)
    subject = forms.CharField(label="Subject of a new ticket", max_length=250, required=False)
    kind = forms.ChoiceField(choices=Kind.choices, initial=Kind.HOW_TO, required=False)
    summary = forms.CharField(label="What was said", widget=forms.Textarea(attrs={"rows": 4}))
    call = forms.IntegerField(required=False, widget=forms.HiddenInput)


class PreferenceForm(forms.Form):
    mail_new_ticket = forms.BooleanField(label="New tickets (dispatchers)", required=False)
    mail_assigned = forms.BooleanField(label="A ticket is assigned to me", required=False)
    mail_customer_replied = forms.BooleanField(
        label="A customer replied on my ticket", required=False
    )
    mail_deadlines = forms.BooleanField(label="Deadline warnings and breaches", required=False)
    mail_missed_calls = forms.BooleanField(label="Missed calls to call back", required=False)
    mail_mentions = forms.BooleanField(
        label=_("A colleague mentions me (@name) in a note"), required=False
    )


class SavedReplyForm(forms.Form):
    title = forms.CharField(max_length=120)
    body = forms.CharField(label="Text", widget=forms.Textarea(attrs={"rows": 5}))
    attachment = forms.FileField(required=False)
