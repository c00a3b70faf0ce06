"""HTML from mail: sanitised with nh3 for display, and read as plain text for the timeline.

Both work on bounded HTML (:func:`bounded`): at most ``HTML_MAX_CHARS`` characters, and
elements nested at most ``HTML_MAX_DEPTH`` deep — deeper tags are dropped, their text
kept. HTML5 tree builders spend time in proportion to the depth for every element, so a
part of 100,000 nested elements would otherwise take minutes; the cut is one linear pass.
"""

from __future__ import annotations

import html as html_lib
import re

import nh3

HTML_MAX_CHARS = 2_000_000
HTML_MAX_DEPTH = 200
# html5ever (nh3) is quadratic on long runs of character references: what is shown as
# HTML is cut shorter (the text and the raw message keep everything).
SANITISE_MAX_CHARS = 400_000

_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}  # fmt: skip
# Elements whose end tag may be left out: they do not nest in practice.
_OPTIONAL_END = {
    "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option",
    "optgroup", "rb", "rt", "rtc", "rp", "colgroup", "caption", "html", "head", "body",
}  # fmt: skip
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)([^<>]*)>")


def _without_comments(html: str) -> str:
    parts = []
    position = 0
    while True:
        start = html.find("<!--", position)
        if start < 0:
            parts.append(html[position:])
            break
        parts.append(html[position:start])
        end = html.find("-->", start + 4)
        if end < 0:
            break
        position = end + 3
    return "".join(parts)


def bounded(html: str, max_chars: int = HTML_MAX_CHARS, max_depth: int = HTML_MAX_DEPTH) -> str:
    """The HTML cut to ``max_chars`` with tags nested deeper than ``max_depth`` dropped."""
    html = _without_comments(html[:max_chars])
    out: list[str] = []
    depth = dropped = position = 0
    for match in _TAG.finditer(html):
        closing, name = match.group(1), match.group(2).lower()
        counted = name not in _VOID and name not in _OPTIONAL_END
        keep = True
        if counted and not closing and not match.group(3).rstrip().endswith("/"):
            if depth >= max_depth:
                dropped += 1
                keep = False
            else:
                depth += 1
        elif counted and closing:
            if dropped:
                dropped -= 1
                keep = False
            else:
                depth = max(0, depth - 1)
        if not keep:
            out.append(html[position : match.start()])
            out.append(" ")
            position = match.end()
    if not out:
        return html
    out.append(html[position:])
    return "".join(out)


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
        bounded(html, max_chars=SANITISE_MAX_CHARS),
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


_MARKUP = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)([^<>]*)>|<[!?][^<>]*>")
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]*))?""")


def _attributes(text: str) -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    for name, value in _ATTRIBUTE.findall(text):
        if value[:1] in {'"', "'"}:
            value = value[1:-1]
        found.append((name.lower(), html_lib.unescape(value) if value else None))
    return found


class _TextWriter:
    """Reads tags and text in one linear pass (``html.parser`` is quadratic on some input)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.current: list[str] = []
        self.quote_depth = 0
        self.skip_depth = 0
        self.pre_depth = 0
        self.links: list[tuple[str | None, int]] = []
        self.has_text = False  # text since the last line break

    def _break(self) -> None:
        text = "".join(self.current)
        if not self.pre_depth:
            text = re.sub(r"[ \t\r\n\f\u00a0]+", " ", text).strip()
        prefix = "> " * self.quote_depth
        for line in text.split("\n") if self.pre_depth else [text]:
            self.lines.append((prefix + line).rstrip() if line or prefix else "")
        self.current = []
        self.has_text = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip_depth += 1
            return
        if tag == "br":
            self._break()
            return
        if tag in _BLOCK and self.has_text:
            self._break()
        if tag == "blockquote":
            self.quote_depth += 1
        elif tag == "pre":
            self.pre_depth += 1
        elif tag == "li":
            self.current.append("- ")
            self.has_text = True
        elif tag == "a":
            self.links.append((dict(attrs).get("href"), len(self.current)))
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.current.append(f"[{alt}]")
                self.has_text = True
        elif tag in {"td", "th"}:
            self.current.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if tag == "a" and self.links:
            href, start = self.links.pop()
            # Keep the address of a link whose text is something else: an Odoo URL behind
            # "this invoice" is still found (R2).
            if href and href.startswith(("http://", "https://")):
                shown = "".join(self.current[start:])
                if href not in shown:
                    self.current.append(f" <{href}>")
                    self.has_text = True
        if tag in _BLOCK:
            if self.has_text:
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
            if not self.has_text and data.strip():
                self.has_text = True

    def feed(self, html: str) -> None:
        position = 0
        for match in _MARKUP.finditer(html):
            if match.start() > position:
                self.handle_data(html_lib.unescape(html[position : match.start()]))
            position = match.end()
            name = match.group(2)
            if name is None:  # a comment, doctype or processing instruction
                continue
            if match.group(1):
                self.handle_endtag(name.lower())
                continue
            self.handle_starttag(name.lower(), _attributes(match.group(3)))
            if match.group(3).rstrip().endswith("/") and name.lower() not in _VOID:
                self.handle_endtag(name.lower())
        if position < len(html):
            self.handle_data(html_lib.unescape(html[position:]))


def html_to_text(html: str) -> str:
    """Readable text: paragraphs and line breaks kept, quoted blocks as ``>`` lines."""
    writer = _TextWriter()
    writer.feed(bounded(html))
    writer._break()
    text = "\n".join(line.rstrip() for line in writer.lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
