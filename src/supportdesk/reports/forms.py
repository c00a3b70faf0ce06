"""Input of the reports: the billing overview's months."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from supportdesk.billing.forms import parse_month
from supportdesk.reports.selectors import Periods

MAX_MONTHS = 36


class MonthRange(forms.Form):
    """The billing overview's months, ``2027-01`` to ``2027-12``."""

    start = forms.CharField(label="From month", required=False, max_length=7)
    end = forms.CharField(label="To month", required=False, max_length=7)

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default_first, _ = Periods(today).year_of_months
        self.default_last = today.replace(day=1)
        self.fields["start"].initial = self.default_first.strftime("%Y-%m")
        self.fields["end"].initial = self.default_last.strftime("%Y-%m")

    def _month(self, name: str, default: dt.date) -> dt.date:
        text = self.cleaned_data.get(name) or ""
        if not text:
            return default
        try:
            return parse_month(text)
        except forms.ValidationError:
            raise forms.ValidationError(
                _("%(text)r is not a month like 2027-03") % {"text": text}
            ) from None

    def clean_start(self) -> dt.date:
        return self._month("start", self.default_first)

    def clean_end(self) -> dt.date:
        return self._month("end", self.default_last)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("start"), data.get("end")
        if first and last:
            if last < first:
                self.add_error("end", "must not be before the first month")
            elif (last.year - first.year) * 12 + last.month - first.month >= MAX_MONTHS:
                self.add_error("end", f"at most {MAX_MONTHS} months at a time")
        return data

    def months(self) -> tuple[dt.date, dt.date]:
        if self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return self.default_first, self.default_last

    def first_error(self) -> tuple[str, str]:
        field, errors = next(iter(self.errors.items()))
        return field, str(errors[0])
