"""Times written in Python read as the templates' ``date`` filters wrote them."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import timezone


@pytest.mark.parametrize("zone", ["Europe/Stockholm", "UTC", "America/St_Johns"])
@pytest.mark.parametrize(
    "instant",
    [
        dt.datetime(2026, 3, 29, 0, 59, 59, tzinfo=dt.UTC),  # the night summer time begins
        dt.datetime(2026, 10, 25, 1, 0, tzinfo=dt.UTC),  # and the night it ends
        dt.datetime(2026, 12, 31, 23, 5, 7, 123456, tzinfo=dt.UTC),
    ],
)
def test_exact_time_is_what_the_date_filters_wrote(zone, instant):
    written = Template("{% load rich_text %}{{ at|exact_time }}")
    filters = Template("""<time datetime="{{ at|date:'c' }}">{{ at|date:"Y-m-d H:i" }}</time>""")
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        context = Context({"at": instant})
        assert written.render(context) == filters.render(context)


def test_no_time_writes_nothing():
    assert Template("{% load rich_text %}[{{ at|exact_time }}]").render(Context({})) == "[]"
