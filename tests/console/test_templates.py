"""Templates are compiled once per process, not on every request."""

from __future__ import annotations

from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader


def test_templates_come_through_the_cached_loader():
    # No ``loaders`` in settings: Django wraps the file and app loaders in its cached
    # loader, in production as in development. Setting ``loaders`` by hand would drop it.
    engine = engines["django"].engine  # type: ignore[attr-defined]
    assert [type(loader) for loader in engine.template_loaders] == [CachedLoader]


def test_a_board_row_template_is_compiled_once():
    engine = engines["django"].engine  # type: ignore[attr-defined]
    first = engine.get_template("console/partials/board_rows.html")
    assert engine.get_template("console/partials/board_rows.html") is first
