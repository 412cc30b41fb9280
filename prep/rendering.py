"""Card Markdown to safe HTML: one sanitising function for deck and user content alike.

Rendering is bounded, because anyone with an account writes Markdown that is rendered
(their own cards, CSV and account imports): a code fence is highlighted only for the
languages in ``HIGHLIGHT_LANGUAGES`` (Pygments has hundreds of lexers, several of them
super-linear on crafted input), only up to ``MAX_HIGHLIGHTED_BLOCK`` characters, and only
while the field's time budget lasts (``FIELD_BUDGET``, checked between tokens); anything
else is shown as plain code. A field whose HTML would exceed ``MAX_FIELD_HTML`` characters
is rendered without highlighting, and if that is still too large, as escaped text.
``highlight_budget`` caps the highlighting of a whole batch (an import) as well.

Cache contract: ``render_markdown`` keeps recent results in one per-process LRU map bounded
by the characters it holds (``CACHE_CHARS``; a result above ``CACHE_ENTRY_CHARS`` is not
kept). It is keyed by the Markdown text alone, which is all the output depends on, apart
from a time budget running out: such a result is not cached. Nothing invalidates it; a new
release of the renderer starts with a new process.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any

import markdown_it
import nh3
import pygments
from markdown_it import MarkdownIt
from markupsafe import Markup, escape
from pygments import format as format_tokens
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name

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

# Fence language -> Pygments lexer: the languages the decks use (python, json, sql, yaml,
# bash, xml) and a few common ones whose lexers stay fast on long crafted input.
HIGHLIGHT_LANGUAGES = {
    "python": "python", "py": "python", "json": "json", "sql": "sql", "yaml": "yaml",
    "yml": "yaml", "bash": "bash", "sh": "bash", "shell": "bash", "xml": "xml",
    "javascript": "javascript", "js": "javascript", "go": "go", "r": "r", "css": "css",
    "toml": "toml", "diff": "diff",
}
MAX_HIGHLIGHTED_BLOCK = 2_000  # characters; a longer code block is shown plain
MAX_FIELD_HTML = 100_000  # characters of HTML one field may render to
FIELD_BUDGET = 0.1  # seconds of highlighting per field
CACHE_CHARS = 16_000_000  # characters (keys and values) the render cache may hold
CACHE_ENTRY_CHARS = 200_000  # a larger text or result is rendered but not cached



class _Budget:
    """Seconds of highlighting left (lexers are loaded outside of it)."""

    def __init__(self, seconds: float) -> None:
        self.left = seconds


# The budgets the current rendering draws on: the field's, and a batch's if one is open.
_BUDGETS: ContextVar[tuple[_Budget, ...]] = ContextVar("highlight_budgets", default=())
_BATCH: ContextVar[_Budget | None] = ContextVar("highlight_batch", default=None)


class _OverBudget(Exception):
    """The field's (or batch's) highlighting time ran out."""


@cache  # bounded by HIGHLIGHT_LANGUAGES
def _lexer_named(name: str):
    return get_lexer_by_name(name)


def _lexer(language: str):
    name = HIGHLIGHT_LANGUAGES.get(language.strip().lower()) if language else None
    return _lexer_named(name) if name else None


def _plain_block(code: str) -> str:
    return f'<pre class="highlight"><code>{escape(code)}</code></pre>'


def _timed(tokens: Iterator, budgets: tuple[_Budget, ...]) -> Iterator:
    # Checked between tokens: the lexers allowed take milliseconds per token even on
    # crafted blocks of MAX_HIGHLIGHTED_BLOCK characters, so a budget overruns by little.
    start = time.perf_counter()
    for token in tokens:
        now = time.perf_counter()
        for budget in budgets:
            budget.left -= now - start
        if any(budget.left <= 0 for budget in budgets):
            raise _OverBudget
        start = now
        yield token


def _highlight(code: str, language: str, _attrs: str) -> str:
    lexer = _lexer(language)
    budgets = _BUDGETS.get()
    if lexer is None or len(code) > MAX_HIGHLIGHTED_BLOCK or not budgets \
            or any(budget.left <= 0 for budget in budgets):
        return _plain_block(code)
    try:
        code_html = format_tokens(_timed(lexer.get_tokens(code), budgets), _FORMATTER)
    except _OverBudget:
        return _plain_block(code)  # and the rest of the field: its budget is spent
    return f'<pre class="highlight"><code>{code_html}</code></pre>'


_MARKDOWN = MarkdownIt("commonmark", {"html": False, "highlight": _highlight}).enable("table")


# One line of prose with no Markdown or HTML syntax renders to an escaped paragraph; most
# options and explanations are such lines, and skipping the parser makes exports 2x faster.
_PLAIN = re.compile(r"^(?![-+*>#\d\s])[^\n`*_\[\]<>#!|~&\\]*$")


def _sanitised(text: str) -> str:
    return nh3.clean(
        _MARKDOWN.render(text),
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


@contextmanager
def highlight_budget(seconds: float) -> Iterator[None]:
    """Cap the highlighting of everything rendered inside (say, one import) at ``seconds``."""
    token = _BATCH.set(_Budget(seconds))
    try:
        yield
    finally:
        _BATCH.reset(token)


def _render(text: str) -> tuple[str, bool]:
    """The field's HTML and whether it is complete (highlighted within the budget)."""
    field = _Budget(FIELD_BUDGET)
    batch = _BATCH.get()
    token = _BUDGETS.set((field,) if batch is None else (field, batch))
    try:
        html = _sanitised(text)
        complete = field.left > 0 and (batch is None or batch.left > 0)
        if len(html) > MAX_FIELD_HTML:
            _BUDGETS.set(())
            html = _sanitised(text)
    finally:
        _BUDGETS.reset(token)
    if len(html) > MAX_FIELD_HTML:
        html = f'<pre class="plain">{escape(text)}</pre>'
    return html, complete


class _SizedCache:
    """A thread-safe LRU map bounded by the characters of its keys and values."""

    def __init__(self, limit: int) -> None:
        self.limit, self.size = limit, 0
        self.entries: OrderedDict[str, Markup] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> Markup | None:
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def put(self, key: str, value: Markup) -> None:
        cost = len(key) + len(value)
        if cost > CACHE_ENTRY_CHARS:
            return
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = value
            self.size += cost
            while self.size > self.limit:
                old_key, old_value = self.entries.popitem(last=False)
                self.size -= len(old_key) + len(old_value)


_CACHE = _SizedCache(CACHE_CHARS)


def render_markdown(text: str) -> Markup:
    """Render Markdown and sanitise the HTML with an allow-list (no script, no handlers),
    within the bounds above."""
    text = text or ""
    if _PLAIN.match(text) and text.strip():
        return Markup(f"<p>{escape(text.strip())}</p>\n")
    if (cached := _CACHE.get(text)) is not None:
        return cached
    html, complete = _render(text)
    result = Markup(html)
    if complete:
        _CACHE.put(text, result)
    return result


def pygments_css() -> str:
    """CSS for highlighted code blocks."""
    return HtmlFormatter().get_style_defs(".highlight")


# The fields render_item stores: adding one makes stored HTML stale like a renderer change.
ITEM_FIELDS = ("prompt", "answer", "options", "explanation", "prompts")

# Changes to the allow-list, the bounds, the highlighter or the fields invalidate HTML
# stored with items.
RENDERING_VERSION = hashlib.sha256(repr((
    sorted(_ALLOWED_TAGS), sorted((k, sorted(v)) for k, v in _ALLOWED_ATTRIBUTES.items()),
    sorted(HIGHLIGHT_LANGUAGES.items()), MAX_HIGHLIGHTED_BLOCK, MAX_FIELD_HTML,
    markdown_it.__version__, pygments.__version__, nh3.__name__, ITEM_FIELDS,
)).encode()).hexdigest()[:16]


def _keyed(entries: list[dict[str, str]] | None) -> dict[str, dict[str, str]]:
    return {entry["key"]: {"text": str(render_markdown(entry["text"])),
                           "explanation": str(render_markdown(entry["explanation"]))}
            for entry in entries or ()}


def render_item(prompt: str, answer_text: str | None, options: list[dict[str, str]] | None,
                content_hash: str | None = None, *, explanation: str | None = None,
                prompts: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """Every Markdown field of an item as sanitised HTML (``ITEM_FIELDS``: options and a
    matching item's prompts by key, each with its explanation), stamped with
    RENDERING_VERSION and the content hash it was made from (so stored HTML knows when it
    is stale)."""
    return {
        "version": RENDERING_VERSION,
        "content_hash": content_hash,
        "prompt": str(render_markdown(prompt)),
        "answer": str(render_markdown(answer_text)) if answer_text else "",
        "options": _keyed(options),
        "explanation": str(render_markdown(explanation)) if explanation else "",
        "prompts": _keyed(prompts),
    }
