"""Markdown to safe HTML: one rendering for articles, replies, notes and saved replies.

markdown-it-py (CommonMark, plus tables, strikethrough and bare links made clickable)
makes the HTML; raw HTML in the source is not passed through, and nh3 cleans the result,
so a script, a style, an event handler or a ``javascript:`` link never reaches a page
whatever the author typed. A customer's own message is not Markdown (``markdown=False``):
only its paragraphs, line breaks and links are kept, its ``*`` and ``#`` stay as typed.
"""

from __future__ import annotations

import re
from functools import cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

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

_md = MarkdownIt("commonmark", {"html": False, "linkify": True}).enable(
    ["table", "strikethrough", "linkify"]
)


@cache
def _parser(markdown: bool, breaks: bool) -> MarkdownIt:
    if not markdown:
        # Plain text: only paragraphs, line breaks and bare links.
        return MarkdownIt("zero", {"html": False, "linkify": True, "breaks": True}).enable(
            ["linkify", "newline"]
        )
    if not breaks:
        return _md
    # "breaks": a line break stays one, as people write replies like mail.
    return MarkdownIt("commonmark", {"html": False, "linkify": True, "breaks": True}).enable(
        ["table", "strikethrough", "linkify"]
    )


def render(text: str, *, markdown: bool = True, breaks: bool = False) -> SafeString:
    """``text`` as sanitised HTML, safe to put in a template: Markdown (a single line break
    kept as one with ``breaks``), or with ``markdown=False`` plain text whose bare links
    are made clickable and nothing else is interpreted."""
    html = _parser(markdown, breaks).render(text or "")
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


_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+|mailto:[^)\s]+)\)")


def to_text(text: str) -> str:
    """The readable text part of a mail for Markdown ``text``: links as "words <address>"."""
    return _LINK.sub(lambda m: m[1] if m[1] == m[2] else f"{m[1]} <{m[2]}>", text or "")
