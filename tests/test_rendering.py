"""Card Markdown: rendered, highlighted and sanitised (no script from content reaches a page)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from prep.rendering import render_markdown


class Elements(HTMLParser):
    """Collects every element and its attributes, as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<svg onload="alert(1)"><circle /></svg>',
        '<a href="javascript:alert(1)">x</a>',
        '<iframe src="https://evil.example"></iframe>',
    ],
)
def test_dangerous_markup_is_inert(payload: str) -> None:
    elements = Elements()
    elements.feed(str(render_markdown(payload)))
    tags = [tag for tag, _ in elements.found]
    assert not {"script", "svg", "iframe", "img"} & set(tags), tags
    for tag, attrs in elements.found:
        assert not any(name.startswith("on") for name, _ in attrs), (tag, attrs)
        assert not any((value or "").strip().lower().startswith("javascript:")
                       for _, value in attrs), (tag, attrs)


def test_markdown_and_code_blocks_render() -> None:
    html = str(render_markdown("**Parquet** is *columnar*.\n\n```python\nx = 1\n```\n"))
    assert "<strong>Parquet</strong>" in html and "<em>columnar</em>" in html
    assert '<pre class="highlight">' in html and "<span" in html


def test_links_get_safe_rel() -> None:
    html = str(render_markdown("[docs](https://example.com)"))
    assert 'href="https://example.com"' in html and "noopener" in html
