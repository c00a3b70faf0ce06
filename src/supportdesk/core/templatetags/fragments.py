"""``{% constant key… %}…{% endconstant %}``: a part of a page rendered once per process
for each value of its keys and each language, then reused.

Every page carries the site's frame: the navigation of the visitor's role (a dozen
``{% url %}`` and ``{% translate %}``), the language chooser, the stylesheet and script
links through the static files' manifest. None of it changes between requests of one
role in one language, yet rendering it was about 2 ms of CPU time per page. What goes
inside the tag may depend only on its keys, the active language and the code (settings,
URLs, translations, static files' manifest): never on the request (no ``csrf_token``,
no user's name, no query string), which stay outside it. The parts are kept in this
process's memory, not in the shared cache (a round trip would cost more than the render);
a deployment starts new processes, and a changed setting (tests) forgets them.

One value of the request may appear inside: the page's CSP nonce (``{{ csp_nonce }}``, as
script tags carry it). The part is rendered once with a mark in its place, and each
request's nonce replaces the mark.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.core.signals import setting_changed
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

_LIMIT = 1000  # parts × keys × languages; far more than the site has
_rendered: dict[tuple[Any, ...], SafeString] = {}
_NONCE = "\x00csp-nonce\x00"  # no template or setting holds a NUL character


def forget(**kwargs: Any) -> None:
    """Drop every kept part (a setting changed: a test's ``override_settings``)."""
    _rendered.clear()


setting_changed.connect(forget)


class ConstantNode(template.Node):
    def __init__(self, nodelist: NodeList, keys: list[FilterExpression], where: str) -> None:
        self.nodelist = nodelist
        self.keys = keys
        self.where = where

    def render(self, context: template.Context) -> SafeString:
        key = (self.where, get_language(), *(k.resolve(context) for k in self.keys))
        kept = _rendered.get(key)
        if kept is None:
            with context.push(csp_nonce=_NONCE):
                kept = mark_safe(self.nodelist.render(context))  # noqa: S308 (rendered, escaped)
            if len(_rendered) >= _LIMIT:
                _rendered.clear()
            _rendered[key] = kept
        if _NONCE in kept:
            # The request's own nonce: its characters (base64url) need no escaping.
            return mark_safe(kept.replace(_NONCE, str(context.get("csp_nonce", ""))))  # noqa: S308
        return kept


@register.tag
def constant(parser: Parser, token: Token) -> ConstantNode:
    """``{% constant user.role %}…{% endconstant %}``: see the module's docstring."""
    keys = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endconstant",))
    parser.delete_first_token()
    origin = getattr(parser, "origin", None)
    # Its place in the template: the line, and which of the line's parts (several may
    # share a line; the parser meets them in order).
    seen = parser.__dict__.setdefault("constants_by_line", {})
    nth = seen[token.lineno] = seen.get(token.lineno, 0) + 1
    where = f"{getattr(origin, 'name', '?')}:{token.lineno}:{nth}"
    return ConstantNode(nodelist, keys, where)
