"""Forms of the console; they read input, the actions decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.forms.utils import pretty_name
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from supportdesk.accounts.models import ContactMethod, Organisation, Skill, User
from supportdesk.console import selectors
from supportdesk.core import clock
from supportdesk.core.formfields import ModelChoiceField, model_choices
from supportdesk.core.formrender import write_field
from supportdesk.core.words import per_language
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
        kwargs.setdefault("initial", self.initial_for(ticket))
        super().__init__(*args, **kwargs)
        for name in set(self.fields) - set(self.names_for(user)):
            del self.fields[name]

    @staticmethod
    def initial_for(ticket: Ticket) -> dict[str, Any]:
        """The fields' values: the ticket's."""
        return {
            "subject": ticket.subject,
            "description": ticket.description,
            "kind": ticket.kind,
            "impact": ticket.impact,
            "impact_review": ticket.impact_review,
            "code_owner": ticket.code_owner,
            "required_skill": ticket.required_skill_id,
            "contact_method": ticket.contact_method,
            "contact_phone": ticket.contact_phone,
        }

    @classmethod
    def names_for(cls, user: User) -> list[str]:
        """The fields ``user`` is offered, in order: only a dispatcher confirms or removes a
        flagged impact (R4)."""
        return [name for name in cls.base_fields if user.can_dispatch or name != "impact_review"]

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


# The fields written wide (a row of their own) in the workspace's grid.
_WIDE_FIELDS = frozenset({"description", "reason"})


def _label(name: str, field: forms.Field) -> Any:
    """``{{ form.<name>.label }}``: the field's label, or its name made readable."""
    return field.label if field.label is not None else pretty_name(name)


@per_language
def _field_heads() -> dict[str, str]:
    """Each ticket field's ``<div>`` and label, translated once per language."""
    return {
        name: (
            f'<div class="{"wide" if name in _WIDE_FIELDS else ""}">'
            f'<label for="id_{name}">{conditional_escape(_label(name, field))}</label>'
        )
        for name, field in TicketFieldsForm.base_fields.items()
    }


@per_language
def _fixed_selects() -> dict[tuple[str, str], str]:
    """The selects of the fields whose choices are the code's (kind, impact…), each
    written once per language and chosen value: at most one per choice."""
    written = {}
    for name, field in TicketFieldsForm.base_fields.items():
        if type(field) is forms.ChoiceField:
            choices: list[tuple[Any, Any]] = list(field.choices)  # type: ignore[arg-type]
            for value, _shown in choices:
                written[(name, str(value))] = write_field(field, name, value) or ""
    return written


def ticket_fields_html(user: User, ticket: Ticket) -> SafeString:
    """The workspace's fields form of ``ticket`` as ``user`` is offered it: each field in
    its ``<div>`` with its label, written as the template's loop over an unbound
    :class:`TicketFieldsForm` wrote them (``tests/console/test_workspace.py`` compares),
    without making the form: its fields are only read (``core.formrender.write_field``)."""
    heads = _field_heads()
    selects = _fixed_selects()
    initial = TicketFieldsForm.initial_for(ticket)
    fields = TicketFieldsForm.base_fields
    form: TicketFieldsForm | None = None
    parts = []
    skills = cast(forms.ModelChoiceField, fields["required_skill"])
    choices = {"required_skill": model_choices(skills, selectors.skills())}
    for name in TicketFieldsForm.names_for(user):
        value = initial.get(name, fields[name].initial)
        widget: str | None = selects.get((name, value)) if isinstance(value, str) else None
        if not widget:
            widget = write_field(fields[name], name, value, choices=choices.get(name))
        if widget is None:  # a widget written by its templates
            form = form or TicketFieldsForm(user=user, ticket=ticket)
            widget = str(form[name])
        parts.append(f"{heads[name]}{widget}</div>")
    return mark_safe("".join(parts))  # noqa: S308 (labels and widgets escaped)


def time_entry_fields_html() -> dict[str, SafeString]:
    """The hand-logged time entry's fields of an unbound :class:`TimeEntryForm` (today's
    date), by name, as ``{{ form.<name> }}`` writes them."""
    initial = TimeEntryForm.initial_for()
    written = {}
    for name, field in TimeEntryForm.base_fields.items():
        widget = write_field(field, name, initial.get(name, field.initial))
        written[name] = widget if widget is not None else TimeEntryForm()[name].as_widget()
    return written


class TimeEntryForm(forms.Form):
    minutes = forms.IntegerField(min_value=1)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(
        label="What was done", widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", self.initial_for())
        super().__init__(*args, **kwargs)

    @staticmethod
    def initial_for() -> dict[str, Any]:
        """Today, in the time zone of the request."""
        return {"date": timezone.localdate(clock.now())}


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
