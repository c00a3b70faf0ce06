"""The screenshot corpus, made once per test session from real Chromium windows under Xvfb
(tests/screens/corpus.py) and kept under var/ocr-corpus by its content. Without Chromium,
Xvfb, ImageMagick or Tesseract the tests are skipped on a laptop and FAIL in CI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image

from tests.screens.corpus import Shot, build, corpus_key, missing_tools, variants

CORPUS = Path(__file__).resolve().parents[2] / "var" / "ocr-corpus"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require_tools() -> None:
    missing = missing_tools()
    if missing:
        reason = f"{', '.join(missing)} missing: run scripts/system-packages.sh"
        if in_ci():
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="session")
def corpus() -> dict[str, tuple[Shot, Path]]:
    """name -> (what the shot shows, its file)."""
    require_tools()
    shots = build(CORPUS)
    folder = CORPUS / corpus_key(variants())
    return {shot.name: (shot, folder / shot.filename) for shot in shots}


@pytest.fixture(scope="session")
def readings(corpus):
    """Every corpus image read once per session."""
    from supportdesk.odoo.ocr import read_screenshot

    result = []
    for shot, path in corpus.values():
        with Image.open(path) as image:
            result.append((shot, read_screenshot(image.convert("RGB"))))
    return result
