from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from supportdesk.accounts.models import ContactMethod, Organisation
from supportdesk.tickets.models import Impact, Kind


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class TicketForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.all(), required=False, label=_("Organisation")
    )
    subject = forms.CharField(max_length=250, label=_("Subject"))
    description = forms.CharField(widget=forms.Textarea, required=False, label=_("Description"))
    odoo_url = forms.CharField(
        required=False,
        label=_("Odoo URL of the screen"),
        help_text=_("Copy it from your browser's address bar."),
    )
    reference = forms.CharField(
        required=False,
        label=_("Transaction number or record name"),
        help_text=_("For example S00042 or INV/2026/00012."),
    )
    kind = forms.ChoiceField(choices=Kind.choices, label=_("Kind of request"))
    impact = forms.ChoiceField(choices=Impact.choices, required=False, label=_("Business impact"))
    contact_method = forms.ChoiceField(
        choices=ContactMethod.choices, initial=ContactMethod.EMAIL, label=_("Contact me by")
    )
    contact_phone = forms.CharField(required=False, max_length=40, label=_("Telephone"))
    attachments = MultipleFileField(label=_("Screenshots and files"))


class ReplyForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), label=_("Reply"))
    internal = forms.BooleanField(required=False, label=_("Internal note (staff only)"))
    attachments = MultipleFileField(label=_("Attach files"))
