"""Form fields of the project's own, where Django's cost a page more than they need."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator


class ReadChoices(ModelChoiceIterator):
    """The choices of a :class:`ModelChoiceField` read by one plain query.

    Django reads them with ``queryset.iterator()``, which on PostgreSQL is a server-side
    cursor: a ``DECLARE``, two ``FETCH`` and a ``CLOSE``, four round trips for a list of
    a dozen skills, half the time of a ticket's fields form. A select's choices are all
    shown, so reading them whole costs no more memory than the page they go into.
    """

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():  # a fresh query: the field's queryset keeps no rows
            yield self.choice(obj)


class ModelChoiceField(forms.ModelChoiceField):
    """``forms.ModelChoiceField`` with its choices read by :class:`ReadChoices`."""

    iterator = ReadChoices


def model_choices(field: forms.ModelChoiceField, objects: Iterable[Any]) -> list[tuple[Any, Any]]:
    """The choices ``field`` offers of ``objects`` read by the caller (a query compiled
    once, ``core.prepared``): its empty label first, then each object as its iterator
    makes it."""
    iterator = field.iterator(field)
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    return [*empty, *(iterator.choice(obj) for obj in objects)]
