"""Message text as safe HTML: Markdown by staff, plain text by customers, links clickable.

One renderer for the timeline, the portal, the previews and mail. Markdown is parsed by
markdown-it-py with raw HTML off, and whatever it produces is sanitised by nh3, so that
neither a reply nor a customer's mail can put a script, a style or an image into a page.
"""

from __future__ import annotations

import re
from functools import cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "li", "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "td": {"style"}, "th": {"style"}}


@cache
def _parser(markdown: bool) -> MarkdownIt:
    # "breaks": a line break in the text stays one (people write replies like mail).
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "breaks": True})
    md.enable(["linkify", "table", "strikethrough"])
    if not markdown:
        # Plain text: only paragraphs, line breaks and bare links; "*" and "#" stay as typed.
        md = MarkdownIt("zero", {"html": False, "linkify": True, "breaks": True})
        md.enable(["linkify", "newline"])
    return md


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        filter_style_properties={"text-align"},
    )


def render(text: str, *, markdown: bool = True) -> SafeString:
    """``text`` as sanitised HTML: Markdown, or with ``markdown=False`` plain text whose
    bare links are made clickable and nothing else is interpreted."""
    return mark_safe(_clean(_parser(markdown).render(text or "")))  # noqa: S308 (sanitised)


_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+|mailto:[^)\s]+)\)")


def to_text(text: str) -> str:
    """The readable text part of a mail for Markdown ``text``: links as "words <address>"."""
    return _LINK.sub(lambda m: m[1] if m[1] == m[2] else f"{m[1]} <{m[2]}>", text or "")
