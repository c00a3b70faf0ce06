"""HTML from mail: sanitised with nh3 for display, and read as plain text for the timeline."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "small",
    "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "u", "ul",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


def sanitise(html: str) -> str:
    """Only structure and links survive: no scripts, styles, images, forms or event handlers."""
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


_BLOCK = {
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "pre", "section",
    "table", "tr", "ul",
}  # fmt: skip
_SKIP = {"head", "script", "style", "title", "template"}


class _TextWriter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.quote_depth = 0
        self.skip_depth = 0
        self.pre_depth = 0
        self.links: list[str | None] = []

    def _break(self) -> None:
        text = "".join(self.current)
        if not self.pre_depth:
            text = re.sub(r"[ \t\r\n\f\u00a0]+", " ", text).strip()
        prefix = "> " * self.quote_depth
        for line in text.split("\n") if self.pre_depth else [text]:
            self.lines.append((prefix + line).rstrip() if line or prefix else "")
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip_depth += 1
            return
        if tag == "br":
            self._break()
            return
        if tag in _BLOCK and "".join(self.current).strip():
            self._break()
        if tag == "blockquote":
            self.quote_depth += 1
        elif tag == "pre":
            self.pre_depth += 1
        elif tag == "li":
            self.current.append("- ")
        elif tag == "a":
            self.links.append(dict(attrs).get("href"))
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.current.append(f"[{alt}]")
        elif tag in {"td", "th"}:
            self.current.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if tag == "a" and self.links:
            href = self.links.pop()
            # Keep the address of a link whose text is something else: an Odoo URL behind
            # "this invoice" is still found (R2).
            if href and href.startswith(("http://", "https://")):
                shown = "".join(self.current)
                if href not in shown:
                    self.current.append(f" <{href}>")
        if tag in _BLOCK:
            if "".join(self.current).strip():
                self._break()
            if tag == "blockquote":
                self.quote_depth = max(0, self.quote_depth - 1)
            elif tag == "pre":
                self.pre_depth = max(0, self.pre_depth - 1)
            paragraph = tag in {"p", "div", "table", "blockquote", "ul", "ol"}
            if paragraph and self.lines and self.lines[-1].strip("> "):
                self.lines.append("> " * self.quote_depth if self.quote_depth else "")

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.current.append(data)


def html_to_text(html: str) -> str:
    """Readable text: paragraphs and line breaks kept, quoted blocks as ``>`` lines."""
    writer = _TextWriter()
    writer.feed(html)
    writer.close()
    writer._break()
    text = "\n".join(line.rstrip() for line in writer.lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
