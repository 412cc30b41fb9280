"""Card Markdown: rendered, highlighted and sanitised (no script from content reaches a page)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from prep import rendering
from prep.rendering import highlight_budget, render_markdown


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


# --- bounds (issue 14): user content cannot make rendering slow or huge ----------------------


def test_only_listed_languages_are_highlighted() -> None:
    for language in ("python", "json", "sql", "yaml", "bash", "xml"):  # what the decks use
        assert "<span" in str(render_markdown(f"```{language}\nx = 'a' # b\n```\n")), language
    for language in ("livescript", "numba_ir", "typoscriptcssdata", "gherkin", "typescript"):
        html = str(render_markdown(f"```{language}\n<<< 'a' # b\n```\n"))
        assert "<span" not in html and "&lt;&lt;&lt; 'a' # b" in html, language


def test_a_long_code_block_is_shown_plain() -> None:
    short = "x = 1\n" * (rendering.MAX_HIGHLIGHTED_BLOCK // 6 - 1)
    assert "<span" in str(render_markdown(f"```python\n{short}```\n"))
    long = short + "x = 1\n" * 2
    html = str(render_markdown(f"```python\n{long}```\n"))
    assert "<span" not in html and html.count("x = 1") == long.count("x = 1")


def test_highlighting_stops_when_the_fields_budget_is_spent(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rendering, "FIELD_BUDGET", 0.0)
    html = str(render_markdown("```python\ny = 2  # spent\n```\n"))
    assert "<span" not in html and "y = 2  # spent" in html
    monkeypatch.setattr(rendering, "FIELD_BUDGET", 60.0)
    assert "<span" in str(render_markdown("```python\ny = 2  # spent\n```\n")), \
        "an over-budget result must not have been cached"


def test_a_batch_budget_covers_every_field_inside() -> None:
    with highlight_budget(0.0):
        assert "<span" not in str(render_markdown("```python\nz = 3  # batch\n```\n"))
    assert "<span" in str(render_markdown("```python\nz = 3  # batch\n```\n"))


def test_rendered_html_is_capped() -> None:
    # A reference link defined once and used thousands of times multiplies the input.
    text = f"[a]: https://example.com/{'x' * 900}\n\n" + "[a] " * 4_500
    assert len(text) <= 20_000
    html = str(render_markdown(text))
    assert len(html) <= rendering.MAX_FIELD_HTML
    assert "https://example.com/xxx" in html  # the content is still there, escaped


def test_the_render_cache_is_bounded_by_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rendering, "_CACHE", rendering._SizedCache(50_000))
    block = "v = [1, 2, 3]\n" * 100
    for n in range(40):
        render_markdown(f"**{n}**\n\n```python\n{block}```\n")
    cache = rendering._CACHE
    assert 0 < cache.size <= 50_000 and len(cache.entries) < 40
    assert cache.size == sum(len(key) + len(value) for key, value in cache.entries.items())


def test_an_items_explanation_and_prompts_are_rendered_and_sanitised() -> None:
    payload = '<script>alert(1)</script>[x](javascript:alert(1))<img src=x onerror="alert(1)">'
    made = rendering.render_item(
        "Match each need.", None, [{"key": "a", "text": "A **tool**", "explanation": ""}],
        "f" * 64, explanation=f"Because **order** matters. {payload}",
        prompts=[{"key": "1", "text": f"Drift {payload}", "explanation": f"Why {payload}"}])
    assert made["version"] == rendering.RENDERING_VERSION
    assert made["explanation"].startswith("<p>Because <strong>order</strong> matters.")
    assert set(made["prompts"]) == {"1"} and made["prompts"]["1"]["text"].startswith(
        "<p>Drift ")
    for html in (made["explanation"], *made["prompts"]["1"].values()):
        elements = Elements()
        elements.feed(html)
        assert not {"script", "img"} & {tag for tag, _ in elements.found}, html
        for tag, attrs in elements.found:
            assert not any(name.startswith("on") for name, _ in attrs), (tag, attrs)
            assert not any((value or "").lower().startswith("javascript:")
                           for _, value in attrs), (tag, attrs)
    without = rendering.render_item("Front", "Back", None)  # a flashcard: the new fields empty
    assert (without["explanation"], without["prompts"]) == ("", {})


def test_the_stored_fields_are_part_of_the_rendering_version() -> None:
    assert {"explanation", "prompts"} <= set(rendering.ITEM_FIELDS)
    made = rendering.render_item("Stem", None, None)
    assert set(rendering.ITEM_FIELDS) <= set(made)
