"""The form renderer writes the plain widgets in Python: the same markup as Django's
templates, escaped the same way, for every widget and form the pages use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe

from supportdesk.billing.forms import CorrectionForm, CreditForm, OverrideForm, TimeLogForm
from supportdesk.console.forms import LogCallForm, PreferenceForm, SavedReplyForm, TimeEntryForm
from supportdesk.core.formrender import FormRenderer, write_field
from supportdesk.help.forms import ArticleForm
from supportdesk.portal.forms import (
    AcceptInvitationForm,
    InquiryForm,
    ReopenForm,
    ReplyForm,
    TicketForm,
    TwoFactorForm,
)

HOSTILE = "\"><script>alert('x')</script>&amp;"


def _both(widget: forms.Widget, value: Any, attrs: dict[str, Any] | None = None) -> tuple[str, str]:
    fast = widget.render("field", value, attrs=attrs, renderer=FormRenderer())
    django = widget.render("field", value, attrs=attrs, renderer=DjangoTemplates())
    return fast, django


WIDGETS = [
    forms.TextInput(),
    forms.TextInput(attrs={"placeholder": HOSTILE, "required": True, "disabled": False}),
    forms.NumberInput(attrs={"min": 1}),
    forms.EmailInput(),
    forms.URLInput(),
    forms.PasswordInput(render_value=True),
    forms.HiddenInput(),
    forms.DateInput(attrs={"type": "date"}),
    forms.CheckboxInput(),
    forms.FileInput(),
    forms.ClearableFileInput(),
    forms.Textarea(attrs={"rows": 2}),
    forms.Select(choices=[("", "—"), ("a", HOSTILE), (HOSTILE, "b"), (1, mark_safe("<b>1</b>"))]),
    forms.Select(choices=[("Group <1>", [("x", "X"), ("y", "Y")]), ("z", "Z")]),
    forms.SelectMultiple(choices=[("a", "A"), ("b", "B")]),
    forms.NullBooleanSelect(),
]


class _StoredFile:
    url = "/files/a&b.pdf"

    def __str__(self) -> str:
        return "<a&b>.pdf"


VALUES = [
    _StoredFile(),
    None,
    "",
    "a",
    HOSTILE,
    mark_safe("<i>safe</i>"),
    42,
    True,
    False,
    ["a", "b"],
]


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: type(w).__name__)
@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_each_widget_is_written_as_its_template_writes_it(widget: forms.Widget, value: Any) -> None:
    attrs = {"id": "id_field", "aria-describedby": HOSTILE}
    try:
        fast, django = _both(widget, value, attrs=attrs)
    except TypeError:  # a value the widget itself cannot take (a list for a yes/no)
        with pytest.raises(TypeError):
            widget.render("field", value, attrs=attrs, renderer=DjangoTemplates())
        return
    assert fast == django
    assert "<script>" not in fast.replace("&lt;script&gt;", "")


def test_a_hostile_value_is_escaped_not_written() -> None:
    fast, _ = _both(forms.TextInput(), HOSTILE)
    assert "<script>" not in fast
    assert "&quot;&gt;&lt;script&gt;" in fast
    textarea, _ = _both(forms.Textarea(), "</textarea><script>x</script>")
    assert "</textarea><script>" not in textarea


FORMS = [
    lambda: ReplyForm(),
    lambda: ReplyForm(data={"body": HOSTILE}),
    lambda: ReopenForm(),
    lambda: TicketForm(),
    lambda: TicketForm(data={"subject": HOSTILE, "kind": "bug", "odoo_url": HOSTILE}),
    lambda: AcceptInvitationForm(),
    lambda: InquiryForm(),
    lambda: TwoFactorForm(),
    lambda: TimeEntryForm(),
    lambda: LogCallForm(),
    lambda: PreferenceForm(initial={"mail_assigned": True}),
    lambda: SavedReplyForm(),
    lambda: TimeLogForm(),
    lambda: OverrideForm(),
    lambda: CorrectionForm(),
    lambda: CreditForm(),
    lambda: ArticleForm(),
]


@pytest.mark.django_db
@pytest.mark.parametrize("make", FORMS)
def test_every_field_of_the_pages_forms_is_the_same(make: Callable[[], forms.Form]) -> None:
    form = make()
    for name in form.fields:
        form.renderer = DjangoTemplates()
        django = str(form[name])
        form.renderer = FormRenderer()
        assert str(form[name]) == django, name


def test_the_site_uses_it() -> None:
    assert isinstance(get_default_renderer(), FormRenderer)


class _Fields(forms.Form):
    text = forms.CharField(max_length=20)
    optional = forms.CharField(required=False, widget=forms.TextInput(attrs={"placeholder": "p"}))
    own_id = forms.CharField(widget=forms.TextInput(attrs={"id": "mine"}))
    number = forms.IntegerField(min_value=1)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    when = forms.DateTimeField()
    area = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=50)
    choice = forms.ChoiceField(choices=[("a", HOSTILE), (HOSTILE, "b"), ("1", "one")])
    maybe = forms.ChoiceField(choices=[("", "—"), ("a", "A")], required=False)
    needed = forms.ChoiceField(choices=[("", "—"), ("a", "A")])
    grouped = forms.ChoiceField(choices=[("Group <1>", [("x", "X"), ("y", "Y")]), ("z", "Z")])
    mail = forms.EmailField(required=False)
    link = forms.URLField(required=False)
    # Written by their templates: write_field declines them.
    flag = forms.BooleanField(required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    helped = forms.CharField(help_text="Help", required=False)
    off = forms.CharField(disabled=True, required=False)


INITIALS = [
    {},
    {
        "text": HOSTILE,
        "optional": mark_safe("<i>safe</i>"),
        "own_id": "",
        "number": 42,
        "day": dt.date(2026, 11, 30),
        "when": dt.datetime(2026, 11, 30, 12, 0, 1, 123456, tzinfo=dt.UTC),
        "area": f"{HOSTILE}\nline",
        "choice": HOSTILE,
        "maybe": "a",
        "needed": None,
        "grouped": "y",
        "mail": HOSTILE,
        "link": lambda: HOSTILE,
    },
]


@pytest.mark.parametrize("initial", INITIALS, ids=["empty", "hostile"])
def test_a_field_written_without_its_form_is_the_same(initial: dict[str, Any]) -> None:
    form = _Fields(initial=initial)
    declined = set()
    for name, field in _Fields.base_fields.items():
        written = write_field(field, name, initial.get(name, field.initial))
        if written is None:
            declined.add(name)
        else:
            assert written == str(form[name]), name
            assert "<script>" not in written
    assert declined == {"flag", "hidden", "helped", "off"}
