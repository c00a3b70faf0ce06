"""Screenshot recognition on the corpus of real Chromium windows (tests/screens/corpus.py).

Prints URL recall and precision on whole-window screenshots, reference recall, error
dialog title+message recall, and the median seconds per 1920×1080 image. The corpus is
made on first use (Chromium under Xvfb, about two minutes) and cached under var/.

    .venv/bin/python bench/ocr.py [--verbose]
"""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# bench/calendar.py would shadow the standard library's calendar: not this folder, the root.
sys.path[:] = [
    str(ROOT / "src"),
    str(ROOT),
    *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"),
]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportdesk.test_settings")

from PIL import Image  # noqa: E402

from tests.screens.corpus import Shot, build  # noqa: E402
from tests.screens.scoring import Score, score  # noqa: E402

CORPUS = ROOT / "var" / "ocr-corpus"


def run(verbose: bool = False) -> Score:
    from supportdesk.odoo.ocr import read_screenshot

    shots = build(CORPUS)
    directory = next(
        p for p in CORPUS.iterdir() if (p / "manifest.json").exists() and _has(p, shots)
    )
    readings = []
    for shot in shots:
        with Image.open(directory / shot.filename) as image:
            reading = read_screenshot(image.convert("RGB"))
        readings.append((shot, reading))
        if verbose:
            urls = [url.normalised() for url, _ in reading.urls]
            refs = [ref.text for ref, _ in reading.references]
            dialog = reading.dialog.title if reading.dialog else None
            print(f"{shot.name}: {reading.seconds:.2f}s {urls} {refs} {dialog}", file=sys.stderr)
    return score(readings)


def _has(path: Path, shots: list[Shot]) -> bool:
    return all((path / s.filename).exists() for s in shots)


def main() -> None:
    result = run(verbose="--verbose" in sys.argv)
    print(f"images: {result.images}")
    print(f"URL recall: {result.url_recall:.1%}  precision: {result.url_precision:.1%}")
    print(f"reference recall: {result.reference_recall:.1%}")
    print(f"dialog title+message recall: {result.dialog_recall:.1%}")
    print(
        f"median seconds per 1920x1080 image: {statistics.median(result.full_hd_seconds):.2f}"
        f" (CPU {statistics.median(result.full_hd_cpu):.2f})"
    )
    for miss in result.misses:
        print(f"  missed: {miss}")


if __name__ == "__main__":
    main()
