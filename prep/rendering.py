"""Card Markdown to safe HTML: one sanitising function for deck and user content alike."""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup
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


def _highlight(code: str, language: str, _attrs: str) -> str:
    try:
        lexer = get_lexer_by_name(language or "text")
    except ClassNotFound:
        lexer = get_lexer_by_name("text")
    return f'<pre class="highlight"><code>{highlight(code, lexer, _FORMATTER)}</code></pre>'


_MARKDOWN = MarkdownIt("commonmark", {"html": False, "highlight": _highlight}).enable("table")


@lru_cache(maxsize=4096)
def render_markdown(text: str) -> Markup:
    """Render Markdown and sanitise the HTML with an allow-list (no script, no handlers)."""
    html = _MARKDOWN.render(text or "")
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
