"""One renderer for what people write: Markdown by staff, plain text by customers, all safe."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from supportdesk.core.markdown import render, to_text


def test_markdown_is_formatted_and_bare_links_are_clickable():
    html = render("Hello **Alice**\n\n- one\n- two\n\nSee https://alpha.odoo.com/odoo/sales/42")

    assert "<strong>Alice</strong>" in html and "<li>one</li>" in html
    assert (
        '<a href="https://alpha.odoo.com/odoo/sales/42" rel="noopener noreferrer nofollow">' in html
    )


def test_scripts_images_and_javascript_links_never_survive():
    html = render(
        "<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) "
        '<a href="javascript:alert(2)">y</a>'
    )

    assert "<script" not in html and "<img" not in html and '<a href="javascript' not in html
    assert "&lt;script&gt;" in html  # shown as typed, not run


def test_plain_text_keeps_its_stars_and_hashes_but_links_work():
    html = render("# not a heading\n* not a list https://a.example/x?y=1&z=2", markdown=False)

    assert "<h1>" not in html and "<li>" not in html
    assert "# not a heading<br>" in html
    assert 'href="https://a.example/x?y=1&amp;z=2"' in html


def test_the_text_part_of_a_mail_shows_the_address_behind_a_link():
    assert to_text("see [the invoice](https://a.example/inv) or https://b.example") == (
        "see the invoice <https://a.example/inv> or https://b.example"
    )


@given(st.text(max_size=200))
def test_nothing_typed_gives_an_element_outside_the_allowed_set(text):
    html = render(text) + render(text, markdown=False)
    for tag in ("<script", "<iframe", "<style", " onerror=", " onclick="):
        assert tag not in html.lower()
