"""The form renderer: Django's own, with its plainest widget templates written in Python.

A form field on a page is rendered through the widget's templates: ``select.html``
includes ``attrs.html`` once and ``select_option.html`` once per choice, each a template
render with its own context. A console workspace has a dozen fields (three of them
selects); through the templates they were a sixth of its CPU time. The templates of the
plain widgets (``<input>`` of every type, a file input without a current file,
``<textarea>``, ``<select>`` and its options) are written here as f-strings that produce
the same markup, every value escaped as the templates escape it (``conditional_escape``:
already safe text is kept, anything else is escaped); every other template (labels, field
groups, a file input showing its current file, radio lists, a project's own) goes through
Django's templates as before.
``tests/core/test_formrender.py`` compares both on every widget the project uses.

``write_field`` goes one step further for an unbound form's field of those widgets: the
markup of ``{{ form.<name> }}`` from the field and its initial value alone, without a form
(whose making copies every field and widget), a bound field or a widget's context. The
console workspace's fields form cost 1.2 ms of CPU through them.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates
from django.forms.widgets import Input
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

_INPUT = "django/forms/widgets/input.html"
# Widgets whose template is ``{% include "django/forms/widgets/input.html" %}`` alone.
_INPUTS = {
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "search",
        "tel",
        "color",
        "file",
        "checkbox",
    )
}
_OPTION = "django/forms/widgets/select_option.html"


def _text(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: the value as text, escaped unless already safe."""
    return str(conditional_escape(value if hasattr(value, "__html__") else str(value)))


def _attrs(attrs: Mapping[str, Any]) -> str:
    """``attrs.html``: ` name="value"`, a bare ` name` for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{_text(value)}"')
    return "".join(out)


def _input(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    shown = f' value="{_text(value)}"' if value is not None else ""
    return (
        f'<input type="{conditional_escape(widget["type"])}"'
        f' name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def _file(widget: Mapping[str, Any]) -> str | None:
    """``clearable_file_input.html`` without a current file (a form for a new upload)."""
    if widget.get("is_initial"):
        return None  # the current file's link and the clear box: the template writes them
    return (
        f'<input type="{conditional_escape(widget["type"])}"'
        f' name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>'
    )


def _textarea(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{conditional_escape(value) if value else ''}</textarea>"
    )


def _option(option: Mapping[str, Any]) -> str:
    return (
        f'<option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
        f"{conditional_escape(option['label'])}</option>"
    )


def _select(widget: Mapping[str, Any]) -> str | None:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _OPTION:
                return None  # an option of its own kind: the templates render it
            parts.append(f"\n  {_option(option)}\n")  # the included file ends a line
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


_WRITERS: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    **dict.fromkeys(_INPUTS, _input),
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/widgets/clearable_file_input.html": _file,
    "django/forms/widgets/select.html": _select,
    _OPTION: _option,
}


class FormRenderer(DjangoTemplates):
    """``FORM_RENDERER``: the plain widgets in Python, everything else by template."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        writer = _WRITERS.get(template_name)
        widget = context.get("widget") if writer is not None else None
        if writer is not None and isinstance(widget, Mapping):
            written = writer(widget)
            if written is not None:
                return written.strip()
        return super().render(template_name, context, request=request)


# Widgets whose markup ``write_field`` writes: these classes exactly (a subclass may render
# otherwise), each with its writer above.
_FIELD_WIDGETS: dict[type[forms.Widget], Callable[[Mapping[str, Any]], str | None]] = {
    forms.TextInput: _input,
    forms.NumberInput: _input,
    forms.EmailInput: _input,
    forms.URLInput: _input,
    forms.DateInput: _input,
    forms.DateTimeInput: _input,
    forms.TimeInput: _input,
    forms.Textarea: _textarea,
    forms.Select: _select,
}


def write_field(
    field: forms.Field,
    name: str,
    initial: Any,
    *,
    choices: Iterable[tuple[Any, Any]] | None = None,
) -> SafeString | None:
    """``{{ form.<name> }}`` of an unbound form (``auto_id`` ``id_%s``, no prefix, no
    errors) whose initial value for ``field`` is ``initial``, without a bound field or a
    widget's context: the same attributes in the same order (the widget's own, then
    ``required``, then ``id``), the value prepared and formatted by the field and widget.
    ``None`` for a widget or field this does not write (a field's form renders it then).

    ``field`` is only read, so a form class's ``base_fields`` will do: no form need be made
    (making one copies every field and widget). A select's ``choices`` may be given (read
    by the caller); by default its widget's."""
    widget = field.widget
    writer = _FIELD_WIDGETS.get(type(widget))
    if (
        writer is None
        or field.disabled
        or field.localize
        or field.help_text
        or field.show_hidden_initial
        or widget.attrs.get("aria-describedby")
    ):
        return None
    if callable(initial):
        initial = initial()
    if isinstance(initial, (dt.datetime, dt.time)) and not widget.supports_microseconds:
        initial = initial.replace(microsecond=0)
    extra: dict[str, Any] = {}
    if field.required and widget.use_required_attribute(initial):
        extra["required"] = True
    if "id" not in widget.attrs:
        extra["id"] = f"id_{name}"
    attrs = {**widget.attrs, **extra}
    value = widget.format_value(field.prepare_value(initial))
    context: dict[str, Any] = {"name": name, "value": value, "attrs": attrs}
    if isinstance(widget, Input):
        context["type"] = widget.input_type
    elif isinstance(widget, forms.Select):
        if choices is not None:  # a copy offers them: the field's own widget is shared
            widget = copy.copy(widget)
            widget.choices = choices
        context["optgroups"] = widget.optgroups(name, value)
    written = writer(context)
    return None if written is None else mark_safe(written.strip())  # noqa: S308 (escaped)
