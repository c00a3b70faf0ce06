"""``supportdesk odoo recognise --image FILE…``: one JSON object per screenshot."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command


def run(*paths: str) -> list[dict]:
    out = io.StringIO()
    call_command("odoo", "recognise", "--image", *paths, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_each_image_gives_urls_references_dialog_and_seconds(corpus):
    error = str(corpus["v17-server-error"][1])
    negative = str(corpus["neg-blog"][1])
    first, second = run(error, negative)
    url = first["urls"][0]
    assert (url["host"], url["database"], url["model"], url["id"], url["action"]) == (
        "nordvik.odoo.com",
        "nordvik",
        "sale.order",
        42,
        "301",
    )
    assert {"kind": "sale_order", "model": "sale.order"}.items() <= first["references"][0].items()
    assert first["dialog"]["title"] == "Odoo Server Error"
    assert "no VAT number" in first["dialog"]["message"]
    assert 0 < first["seconds"] < 30
    assert (second["urls"], second["references"], second["dialog"]) == ([], [], None)


def test_the_image_objects_have_the_text_recognisers_fields(corpus):
    from supportdesk.odoo.management.commands.odoo import recognised

    text = recognised("see https://nordvik.odoo.com/odoo/sales/42 and S00042")
    (image,) = run(str(corpus["v18-sale-form"][1]))
    assert set(text[0]) <= set(image["urls"][0])
    assert set(text[1]) == set(image["references"][0])


def test_a_file_that_is_not_an_image_is_a_clear_error(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(CommandError, match=r"notes\.txt: is not an image"):
        run(str(path))
    with pytest.raises(CommandError, match=r"missing\.png"):
        run(str(tmp_path / "missing.png"))
