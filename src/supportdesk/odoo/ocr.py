"""Read a screenshot: the URL in the browser's address bar, document numbers on screen,
and the title, message and traceback of an Odoo error dialog.

Tesseract through ``tesserocr`` (the library in-process: no process per pass, the model
loaded once per worker thread) with Debian's English and Swedish data
(``tesseract-ocr-eng``, ``tesseract-ocr-swe``); Pillow and numpy for the preprocessing. Three passes, each with the page
segmentation that suits it:

1. the whole image at its own resolution, as a page (``--psm 3``): the breadcrumb and the
   record name, a dialog's title;
2. the address bar: the text bands at the top of the window are found from the image
   (rows with ink against their own background), each cropped, upscaled three times,
   binarised (Otsu) and read as one line (``--psm 7``) until one holds a URL;
3. an error dialog, when the first pass saw one of Odoo's dialog titles: its region is
   cropped, upscaled twice, binarised and read as a block (``--psm 6``) for the message and
   the traceback.

Tesseract runs single-threaded (``OMP_THREAD_LIMIT=1``): on a small shared machine that is
faster than its own threading, and a worker reads one image at a time. The whole image is
read with the English model only (twice as fast as English+Swedish, and URLs, numbers and
tracebacks are ASCII); Swedish dialog titles are matched without their diacritics.
"""

from __future__ import annotations

import io
import os
import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from typing import Any

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import numpy as np
import tesserocr
from PIL import Image, ImageOps

from supportdesk.odoo.ocr_repair import address_url, fix_digits
from supportdesk.tickets.recognise import OdooUrl, Reference, find_references, find_urls

TESSDATA_DIRS = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata")
MAX_PIXELS = 40_000_000  # refuse decompression bombs before reading
Box = tuple[int, int, int, int]  # left, top, right, bottom in image pixels


def _plain(text: str) -> str:
    """Without diacritics: the English model reads "Användarfel" as "Anvandarfel"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# Titles of Odoo's error dialogs (English and Swedish), most specific first.
DIALOG_TITLES = (
    "Odoo Server Error",
    "Odoo Client Error",
    "Odoo Network Error",
    "Odoo Session Expired",
    "Validation Error",
    "User Error",
    "Access Error",
    "Access Denied",
    "Missing Record",
    "Redirect Warning",
    "Warning",
    "Serverfel",
    "Valideringsfel",
    "Användarfel",
    "Åtkomstfel",
    "Åtkomst nekad",
    "Saknad post",
)
_TITLE = re.compile(
    r"^\W{0,3}(" + "|".join(re.escape(_plain(t)) for t in DIALOG_TITLES) + r")\W{0,3}$",
    re.IGNORECASE,
)
_BUTTON = re.compile(
    r"^\W{0,3}(close|ok|discard|stäng|avbryt|cancel|see details|copy)\W{0,3}$", re.I
)
_TRACE_LINE = re.compile(
    r"^(Traceback \(most recent call last\)|\s*File \"|[a-z_][\w.]*(Error|Exception|Warning)\b)"
)


class UnreadableImage(ValueError):
    """The file is not an image Pillow can open, or too large to read safely."""


@dataclass(frozen=True)
class Dialog:
    title: str
    message: str
    traceback: str
    box: Box


@dataclass
class Reading:
    """What one screenshot shows, with the regions it was read from."""

    width: int
    height: int
    text: str = ""
    address: str = ""  # the address bar line as read
    urls: list[tuple[OdooUrl, Box]] = field(default_factory=list)
    references: list[tuple[Reference, Box]] = field(default_factory=list)
    dialog: Dialog | None = None
    seconds: float = 0.0
    cpu_seconds: float = 0.0


@dataclass(frozen=True)
class _Line:
    text: str
    box: Box
    words: tuple[tuple[str, Box], ...]


def open_image(data: bytes) -> Image.Image:
    """The image in ``data`` as RGB, or UnreadableImage."""
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise UnreadableImage(f"{image.width}×{image.height} pixels is too large to read")
        image.load()
    except UnreadableImage:
        raise
    except (OSError, Image.DecompressionBombError, ValueError):
        raise UnreadableImage(
            "is not an image that can be read (PNG, JPEG, WebP, GIF, BMP)"
        ) from None
    return ImageOps.exif_transpose(image).convert("RGB")


def read_screenshot(image: Image.Image) -> Reading:
    """Everything this module finds in one screenshot (see the module docstring)."""
    started = time.perf_counter()
    cpu_started = time.thread_time()
    gray = image.convert("L")
    reading = Reading(width=image.width, height=image.height)
    page = ImageOps.invert(gray) if _is_dark(np.asarray(gray)) else gray
    lines = _lines(page, psm=tesserocr.PSM.AUTO)
    reading.text = "\n".join(line.text for line in lines)

    address = _address_bar(gray, lines)
    if address is not None:
        reading.address, box, url = address
        if url is not None:
            reading.urls.append((url, box))
    seen = {url.normalised() for url, _ in reading.urls}
    bar = address[1] if address is not None else (0, 0, 0, 0)
    for line in lines:
        if address is not None and line.box[1] < bar[3] and line.box[3] > bar[1]:
            continue  # the address bar was read on its own, larger
        for url in find_urls(line.text):
            if url.normalised() not in seen:
                seen.add(url.normalised())
                reading.urls.append((url, line.box))

    title = _find_title(lines)
    dialog_lines: list[_Line] = []
    if title is not None:
        reading.dialog, dialog_lines = _dialog(gray, title)

    known: set[str] = set()
    for line in [*lines, *dialog_lines, *_rescued(gray, lines)]:
        for ref in find_references(fix_digits(line.text)):
            if ref.normalised() not in known:
                known.add(ref.normalised())
                reading.references.append((ref, _word_box(line, ref.text)))
    reading.seconds = time.perf_counter() - started
    reading.cpu_seconds = time.thread_time() - cpu_started
    return reading


def _find_title(lines: list[_Line]) -> _Line | None:
    """The words of a line that are one of Odoo's dialog titles (a line may hold more)."""
    for line in lines:
        words = [_plain(w).strip(".:;,|").lower() for w, _ in line.words]
        for title in DIALOG_TITLES:
            parts = _plain(title).lower().split()
            for i in range(len(words) - len(parts) + 1):
                if words[i : i + len(parts)] == parts:
                    boxes = [b for _, b in line.words[i : i + len(parts)]]
                    box = (
                        boxes[0][0],
                        min(b[1] for b in boxes),
                        boxes[-1][2],
                        max(b[3] for b in boxes),
                    )
                    return _Line(title, box, tuple(line.words[i : i + len(parts)]))
    return None


_PADDED_NUMBER = re.compile(r"^[0-9OoQ]{5,7}$")


def _rescued(gray: Image.Image, lines: list[_Line]) -> list[_Line]:
    """Zero-padded numbers read without their prefix (``S00039`` as ``00039``: small text
    loses its first letter) are read again, three times larger, with room on the left."""
    found = []
    for line in lines:
        for word, box in line.words:
            if not _PADDED_NUMBER.match(word) or not word.startswith(("0", "O")):
                continue
            height = box[3] - box[1]
            crop = (
                max(0, box[0] - 2 * height),
                max(0, box[1] - height // 2),
                box[2] + height // 2,
                box[3] + height // 2,
            )
            text = _line_text(_binarise(gray.crop(crop), upscale=3))
            found.append(_Line(text, crop, ((text, crop),)))
            if len(found) >= 12:
                return found
    return found


# --- Tesseract ----------------------------------------------------------------------------

_local = threading.local()


class OcrUnavailable(RuntimeError):
    """Tesseract's language data is not installed (scripts/system-packages.sh installs it)."""


def tessdata() -> str:
    for path in (os.environ.get("TESSDATA_PREFIX", ""), *TESSDATA_DIRS):
        if path and os.path.exists(os.path.join(path, "eng.traineddata")):
            return path
    raise OcrUnavailable(
        "Tesseract's English data is missing: apt-get install tesseract-ocr tesseract-ocr-eng "
        "tesseract-ocr-swe (scripts/system-packages.sh)"
    )


def _api(psm: int) -> Any:
    """This thread's Tesseract (not thread-safe, so one per thread), set to ``psm``."""
    api = getattr(_local, "api", None)
    if api is None:
        api = tesserocr.PyTessBaseAPI(path=tessdata(), lang="eng", psm=psm)
        # Sauvola's local threshold: a dialog over a dimmed page, dark themes, grey text.
        api.SetVariable("thresholding_method", "2")
        _local.api = api
    api.SetPageSegMode(psm)
    return api


def _words(image: Image.Image, psm: int) -> list[list[tuple[str, Box]]]:
    """The words Tesseract reads in ``image``, grouped by text line, with their boxes."""
    api = _api(psm)
    api.SetImage(image)
    api.Recognize()
    lines: list[list[tuple[str, Box]]] = []
    iterator = api.GetIterator()
    level = tesserocr.RIL.WORD
    for word in tesserocr.iterate_level(iterator, level):
        if word.IsAtBeginningOf(tesserocr.RIL.TEXTLINE) or not lines:
            lines.append([])
        try:
            text = (word.GetUTF8Text(level) or "").strip()
        except RuntimeError:  # "No text returned": an image without text (a logo, an icon)
            continue
        box = word.BoundingBox(level)
        if text and box:
            lines[-1].append((text, box))
    api.Clear()
    return [line for line in lines if line]


def _line_text(image: Image.Image) -> str:
    api = _api(tesserocr.PSM.SINGLE_LINE)
    api.SetImage(image)
    text = api.GetUTF8Text() or ""
    api.Clear()
    return " ".join(text.split())


# --- passes -------------------------------------------------------------------------------


def _lines(
    image: Image.Image, *, psm: int, scale: float = 1.0, offset: Box = (0, 0, 0, 0)
) -> list[_Line]:
    """Tesseract's lines with word boxes, mapped back to the original image's pixels."""
    result = []
    for found in _words(image, psm):
        words = [
            (
                text,
                (
                    offset[0] + int(box[0] / scale),
                    offset[1] + int(box[1] / scale),
                    offset[0] + int(box[2] / scale),
                    offset[1] + int(box[3] / scale),
                ),
            )
            for text, box in found
        ]
        box = (
            min(b[0] for _, b in words),
            min(b[1] for _, b in words),
            max(b[2] for _, b in words),
            max(b[3] for _, b in words),
        )
        result.append(_Line(" ".join(w for w, _ in words), box, tuple(words)))
    result.sort(key=lambda line: (line.box[1], line.box[0]))
    return result


def _address_bar(gray: Image.Image, lines: list[_Line]) -> tuple[str, Box, OdooUrl | None] | None:
    """The first text band at the top of the window that reads as a URL.

    The band is read three times larger and twice larger; with the whole-image pass's line
    at the same place that makes three readings, and the URL most of them agree on wins
    (ties: the largest reading), which outvotes a single slip such as ``j`` read as ``i``.
    """
    width, height = gray.size
    limit = min(height, max(120, height // 4))
    pixels = np.asarray(gray.crop((0, 0, width, limit)), dtype=np.int16)
    first_text = ""
    for top, bottom in _bands(pixels)[:4]:
        pad = max(3, (bottom - top) // 3)
        box = (0, max(0, top - pad), width, min(limit, bottom + pad))
        text = _line_text(_binarise(gray.crop(box), upscale=3))
        url = address_url(text)
        if url is None:
            if not first_text and ("/" in text or ".com" in text):
                first_text = text
            continue
        votes = [url]
        second = address_url(_line_text(_binarise(gray.crop(box), upscale=2)))
        if second is not None:
            votes.append(second)
        for line in lines:
            if line.box[1] < box[3] and line.box[3] > box[1]:
                third = address_url(line.text)
                if third is not None:
                    votes.append(third)
        keys = [v.normalised() for v in votes]
        best = max(keys, key=lambda k: (keys.count(k), -keys.index(k)))
        return text, box, votes[keys.index(best)]
    return (first_text, (0, 0, width, limit), None) if first_text else None


def _bands(pixels: np.ndarray) -> list[tuple[int, int]]:
    """Horizontal bands of rows with text: pixels far from their row's typical colour."""
    median = np.median(pixels, axis=1, keepdims=True)
    ink = (np.abs(pixels - median) > 60).sum(axis=1)
    rows = ink > max(4, pixels.shape[1] // 400)
    bands: list[tuple[int, int]] = []
    start = None
    gap = 0
    for y, on in enumerate(rows):
        if on:
            if start is None:
                start = y
            gap = 0
        elif start is not None:
            gap += 1
            if gap > 2:
                bands.append((start, y - gap + 1))
                start, gap = None, 0
    if start is not None:
        bands.append((start, len(rows)))
    return [(top, bottom) for top, bottom in bands if 6 <= bottom - top <= 80]


def _dialog(gray: Image.Image, title: _Line) -> tuple[Dialog, list[_Line]]:
    """The dialog around ``title``: its edges found from its background, its region re-read
    twice larger, split into message and traceback."""
    box = _dialog_box(np.asarray(gray, dtype=np.int16), title.box)
    region = _binarise(gray.crop(box), upscale=2)
    inner = _lines(region, psm=tesserocr.PSM.SINGLE_BLOCK, scale=2.0, offset=box)
    message: list[str] = []
    trace: list[str] = []
    started = False
    for line in inner:
        text = line.text.strip()
        if not started:
            started = _find_title([line]) is not None
            continue
        if _BUTTON.match(text):
            break
        if trace or _TRACE_LINE.match(text):
            trace.append(text)
        else:
            message.append(text)
    return Dialog(title.text, " ".join(message).strip(), "\n".join(trace), box), inner


def _dialog_box(pixels: np.ndarray, title: Box) -> Box:
    """Walk from the title over the dialog's background until a run of other pixels."""
    height, width = pixels.shape
    x0, y0, x1, y1 = title
    y = (y0 + y1) // 2
    bg = int(pixels[y, max(0, x0 - 4)])

    def edge(values: np.ndarray) -> int:
        off = np.abs(values - bg) > 25
        run = np.convolve(off.astype(np.int8), np.ones(6, dtype=np.int8), "valid")
        hits = np.nonzero(run >= 6)[0]
        return int(hits[0]) if hits.size else len(values)

    left = x0 - 4 - edge(pixels[y, max(0, x0 - 4) :: -1][:x0])
    right = x1 + edge(pixels[y, x1:])
    top = y0 - edge(pixels[y0::-1, max(0, x0 - 4)])
    bottom = y0 + edge(pixels[y0:, max(0, x0 - 4)])
    left, right = max(0, left), min(width, max(right, x1 + 10))
    top, bottom = max(0, top), min(height, max(bottom, y1 + 10))
    return (left, top, right, bottom)


def _canonical_title(text: str) -> str:
    lowered = _plain(text).strip().lower()
    return next((t for t in DIALOG_TITLES if _plain(t).lower() == lowered), text.strip())


# --- preprocessing ------------------------------------------------------------------------


def _is_dark(pixels: np.ndarray) -> bool:
    return float(pixels.mean()) < 100


def _binarise(gray: Image.Image, *, upscale: int) -> Image.Image:
    """Upscaled, dark text on white, black and white by Otsu's threshold."""
    image = gray.resize((gray.width * upscale, gray.height * upscale), Image.Resampling.LANCZOS)
    pixels = np.asarray(image)
    threshold = _otsu(pixels)
    binary = pixels > threshold
    if binary.mean() < 0.5:  # light text on a dark field: make the text dark
        binary = ~binary
    return Image.fromarray((binary * 255).astype(np.uint8))


def _otsu(pixels: np.ndarray) -> int:
    histogram = np.bincount(pixels.ravel(), minlength=256).astype(np.float64)
    total = pixels.size
    weights = np.cumsum(histogram)
    means = np.cumsum(histogram * np.arange(256))
    overall = means[-1]
    between = np.zeros(256)
    valid = (weights > 0) & (weights < total)
    w0 = weights[valid]
    m0 = means[valid] / w0
    m1 = (overall - means[valid]) / (total - w0)
    between[valid] = w0 * (total - w0) * (m0 - m1) ** 2
    return int(np.argmax(between))


def _word_box(line: _Line, text: str) -> Box:
    """The box of the word(s) that hold ``text``, else the line's."""
    for word, box in line.words:
        if text in fix_digits(word) or (fix_digits(word) in text and len(word) > 3):
            return box
    return line.box
