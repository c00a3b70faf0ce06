"""The base of every API input schema: text without control characters, limits stated.

``CleanSchema`` refuses NUL and the other control characters (except tab, line feed and
carriage return) in any string field, in lists of strings and in nested values, with a
422 naming the field (see ``core.hygiene``); ``Line``, ``Body``…
are strings whose limit the OpenAPI document states as ``maxLength``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import BaseModel, Field, field_validator, model_validator

from supportdesk.core.hygiene import control_character


def _check(value: Any) -> None:
    if isinstance(value, str):
        character = control_character(value)
        if character:
            raise ValueError(
                _("contains the control character %(character)s, which is not allowed")
                % {"character": character}
            )
    elif isinstance(value, list | tuple | set):
        for item in value:
            _check(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check(key)
            _check(item)


class CleanSchema(Schema):
    """Input schemas of the API derive from this, never from ``ninja.Schema`` directly."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        # ninja's Schema reads attributes of whatever it is given, so a JSON string as
        # the body would pass as an object with every field left at its default.
        raw = data._obj if isinstance(data, DjangoGetter) else data
        if not isinstance(raw, Mapping | BaseModel):
            raise ValueError(
                _("must be a JSON object, not %(type)s") % {"type": type(raw).__name__}
            )
        return data

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        _check(value)
        return value


# Text fields with their limits, stated in the OpenAPI document as maxLength.
Code = Annotated[str, Field(max_length=64)]  # a choice such as a kind or a state
Line = Annotated[str, Field(max_length=250)]  # a subject, a name, a reason
Url = Annotated[str, Field(max_length=2000)]
Body = Annotated[str, Field(max_length=100_000)]  # a description or a reply
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]  # a database id
