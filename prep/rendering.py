"""Card Markdown to safe HTML: one sanitising function for deck and user content alike."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import Any

import markdown_it
import nh3
import pygments
from markdown_it import MarkdownIt
from markupsafe import Markup, escape
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

_ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "span", "div", "blockquote",
    "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "h3", "h4", "h5", "h6",
    "a", "img", "sub", "sup", "del",
}
_ALLOWED_ATTRIBUTES = {
    "span": {"class"}, "div": {"class"}, "code": {"class"}, "pre": {"class"},
    "a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}, "td": {"align"},
}
_FORMATTER = HtmlFormatter(nowrap=True)


@lru_cache(maxsize=64)
def _lexer(language: str):
    try:
        return get_lexer_by_name(language or "text")
    except ClassNotFound:
        return get_lexer_by_name("text")


def _highlight(code: str, language: str, _attrs: str) -> str:
    code_html = highlight(code, _lexer(language), _FORMATTER)
    return f'<pre class="highlight"><code>{code_html}</code></pre>'


_MARKDOWN = MarkdownIt("commonmark", {"html": False, "highlight": _highlight}).enable("table")


# One line of prose with no Markdown or HTML syntax renders to an escaped paragraph; most
# options and explanations are such lines, and skipping the parser makes exports 2x faster.
_PLAIN = re.compile(r"^(?![-+*>#\d\s])[^\n`*_\[\]<>#!|~&\\]*$")


@lru_cache(maxsize=4096)
def render_markdown(text: str) -> Markup:
    """Render Markdown and sanitise the HTML with an allow-list (no script, no handlers)."""
    text = text or ""
    if _PLAIN.match(text) and text.strip():
        return Markup(f"<p>{escape(text.strip())}</p>\n")
    html = _MARKDOWN.render(text)
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)


def pygments_css() -> str:
    """CSS for highlighted code blocks."""
    return HtmlFormatter().get_style_defs(".highlight")


# Changes to the allow-list or the highlighter invalidate HTML stored with items.
RENDERING_VERSION = hashlib.sha256(repr((
    sorted(_ALLOWED_TAGS), sorted((k, sorted(v)) for k, v in _ALLOWED_ATTRIBUTES.items()),
    markdown_it.__version__, pygments.__version__, nh3.__name__,
)).encode()).hexdigest()[:16]


def render_item(prompt: str, answer_text: str | None, options: list[dict[str, str]] | None,
                content_hash: str | None = None) -> dict[str, Any]:
    """Every Markdown field of an item as sanitised HTML, stamped with RENDERING_VERSION and
    the content hash it was made from (so stored HTML knows when it is stale)."""
    return {
        "version": RENDERING_VERSION,
        "content_hash": content_hash,
        "prompt": str(render_markdown(prompt)),
        "answer": str(render_markdown(answer_text)) if answer_text else "",
        "options": {o["key"]: {"text": str(render_markdown(o["text"])),
                               "explanation": str(render_markdown(o["explanation"]))}
                    for o in options or ()},
    }

