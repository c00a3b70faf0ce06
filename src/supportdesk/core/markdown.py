"""Markdown to safe HTML: one rendering for articles, replies and anything else written in it.

markdown-it-py (CommonMark, plus tables and strikethrough) makes the HTML; raw HTML in the
source is not passed through, and nh3 cleans the result, so a script, a style, an event
handler or a ``javascript:`` link never reaches a page whatever the author typed.
"""

from __future__ import annotations

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(["table", "strikethrough"])

TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "img", "li", "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead",
    "tr", "ul",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "td": {"style"},
    "th": {"style"},
    "ol": {"start"},
    "code": {"class"},
}


def render(text: str) -> SafeString:
    """``text`` in Markdown as sanitised HTML, safe to put in a template."""
    html = _md.render(text or "")
    cleaned = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        filter_style_properties={"text-align"},
    )
    return mark_safe(cleaned)  # noqa: S308 - cleaned by nh3 just above


def plain(text: str) -> str:
    """The words of ``text`` without Markdown syntax: for snippets and search."""
    from html.parser import HTMLParser

    parts: list[str] = []

    class _Text(HTMLParser):
        def handle_data(self, data: str) -> None:
            parts.append(data)

    _Text().feed(_md.render(text or ""))
    return " ".join(" ".join(parts).split())
