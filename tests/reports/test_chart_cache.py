"""The dashboard's charts are drawn once per content: the same figures give the same SVG
from the shared cache; a changed table draws its own chart again, and only it."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from supportdesk.core import clock
from supportdesk.reports import charts
from supportdesk.reports.tables import commitments_report
from tests.reports.conftest import NOW

pytestmark = pytest.mark.django_db


def test_a_chart_is_drawn_again_only_when_its_figures_change(dataset, monkeypatch):
    cache.clear()
    with clock.at(NOW):
        report = commitments_report(now=NOW)
    drawn: list[str] = []
    real = charts.render

    def counting(chart, label):
        drawn.append(label)
        return real(chart, label)

    monkeypatch.setattr(charts, "render", counting)
    first = charts.commitments_charts(report)
    assert len(drawn) == len(first) == 10
    assert all("<svg" in svg for svg in first.values())

    drawn.clear()
    assert charts.commitments_charts(report) == first
    assert drawn == []

    report.tables["fairness"].rows[0]["median_wait_hours"] = 99.0
    again = charts.commitments_charts(report)
    assert len(drawn) == 1
    assert "Wait to assignment" in drawn[0]
    assert again["fairness"] != first["fairness"]
    assert {k: v for k, v in again.items() if k != "fairness"} == {
        k: v for k, v in first.items() if k != "fairness"
    }
