"""OCR on whole-window screenshots of real Chromium windows: the figures the issue asks for."""

from __future__ import annotations

import statistics

from supportdesk.tickets.recognise import parse_odoo_url
from tests.screens.scoring import score


def test_the_corpus_covers_every_url_form_size_scale_theme_and_jpeg(corpus):
    shots = [shot for shot, _ in corpus.values()]
    kinds = {parse_odoo_url(s.url).kind for s in shots if s.odoo}
    assert kinds == {"legacy", "path", "portal", "mail"}
    assert {s.scale for s in shots} == {1.0, 1.25, 1.5}
    assert any(s.dark for s in shots) and any(s.jpeg for s in shots)
    assert len({s.size for s in shots}) >= 3
    assert sum(not s.odoo for s in shots) >= 3
    assert all(path.stat().st_size > 10_000 for _, path in corpus.values())


def test_urls_are_read_from_the_address_bar_with_recall_95_and_precision_99(readings):
    result = score(readings)
    assert result.url_recall >= 0.95, result.misses
    assert result.url_precision >= 0.99, result.misses


def test_document_numbers_on_screen_are_read_with_recall_90(readings):
    result = score(readings)
    assert result.reference_recall >= 0.90, result.misses


def test_error_dialog_title_and_message_are_read_with_recall_90(readings):
    result = score(readings)
    assert result.dialog_recall >= 0.90, result.misses


def test_non_odoo_pages_give_no_odoo_url(readings):
    for shot, reading in readings:
        if not shot.odoo:
            assert reading.urls == [], shot.name


def test_a_full_hd_screenshot_costs_under_one_and_a_half_cpu_seconds(readings):
    # CPU time, not wall time: the machine is shared, and waiting for a core is not OCR.
    result = score(readings)
    assert result.full_hd_cpu, "no 1920x1080 image in the corpus"
    assert statistics.median(result.full_hd_cpu) <= 1.5


def test_a_traceback_in_a_dialog_is_read_with_its_frames(readings):
    reading = next(r for s, r in readings if s.name == "v17-server-error")
    assert reading.dialog is not None
    assert "sale_order.py" in reading.dialog.traceback
    assert "UserError" in reading.dialog.traceback
