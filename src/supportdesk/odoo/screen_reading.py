"""Read one registered screenshot: OCR and perceptual hash outside any transaction, then
the findings recorded by ``actions_screens.screenshot_record``."""

from __future__ import annotations

import logging

import imagehash

from supportdesk.odoo.actions_screens import screenshot_failed, screenshot_record
from supportdesk.odoo.ocr import OcrUnavailable, UnreadableImage, open_image, read_screenshot
from supportdesk.odoo.screen_models import Screenshot

log = logging.getLogger(__name__)
PHASH_SIZE = 16  # 256 bits: forms of different records differ by 50+, the same screen by < 20


def read(screenshot_id: int) -> Screenshot | None:
    shot = Screenshot.objects.select_related("attachment").filter(pk=screenshot_id).first()
    if shot is None or shot.status != Screenshot.Status.PENDING:
        return shot
    try:
        with shot.attachment.file.open("rb") as handle:
            image = open_image(handle.read())
    except (UnreadableImage, OSError) as exc:
        return screenshot_failed(screenshot=shot, error=str(exc))
    try:
        reading = read_screenshot(image)
    except OcrUnavailable:
        log.error("screenshot %s not read: Tesseract is not installed", shot.pk)
        raise
    return screenshot_record(
        screenshot=shot,
        reading=reading,
        image=image,
        phash=str(imagehash.phash(image, hash_size=PHASH_SIZE)),
    )
