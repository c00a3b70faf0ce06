"""Forms of the billing pages: they read input; the actions decide."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from supportdesk.accounts.models import Organisation
from supportdesk.billing.actions import MAX_ENTRY_MINUTES
from supportdesk.billing.models import Override


class TimeLogForm(forms.Form):
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=MAX_ENTRY_MINUTES)
    date = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3})
    )


class OverrideForm(forms.Form):
    charge = forms.ChoiceField(label=_("Charge"), choices=Override.choices, required=False)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000)


class CorrectionForm(forms.Form):
    minutes = forms.IntegerField(label=_("Minutes to take back"), min_value=1)
    reason = forms.CharField(label=_("Reason"), max_length=1000)


class CreditForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the credit"), max_length=1000)


class CloseMonthForm(forms.Form):
    month = forms.CharField(
        label=_("Month"),
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2027-03"}),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        required=False,
        empty_label=_("All organisations"),
    )

    def clean_month(self) -> dt.date:
        return parse_month(self.cleaned_data["month"])


def parse_month(text: str) -> dt.date:
    """``"2027-03"`` → 1 March 2027; anything else is refused with the expected form."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        raise forms.ValidationError(
            _("%(value)s is not a month like 2027-03"), params={"value": text}
        ) from None
