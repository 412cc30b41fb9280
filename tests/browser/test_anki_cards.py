"""Anki cards of issue 16's kinds as a person reads them: the HTML Anki renders for each
front and back (the ``anki`` package), shown in Chromium at desktop and phone width."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from prep.export.anki import export_anki
from tests.browser.test_layout import SCROLL_WIDTH, TOO_WIDE
from tests.browser.test_review_screen import shoot
from tests.conftest import FrozenClock
from tests.export.test_anki import import_into
from tests.export.test_anki_kinds import note_of
from tests.factories import FIXTURE_DECKS
from tests.kind_factories import add_kind_items

# What Anki's reviewer wraps a card's HTML in (AnkiDroid sets the same viewport).
PAGE = ('<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" '
        'content="width=device-width, initial-scale=1"></head>'
        '<body class="card card1"><div id="qa">{}</div></body></html>')


@pytest.fixture
def rendered(session: Session, clock: FrozenClock, tmp_path: Path) -> dict[str, str]:
    """Front and back of one note of each new kind, as Anki renders them."""
    kinds = add_kind_items(session, clock())
    package = tmp_path / "kinds.apkg"
    export_anki(session, package, FIXTURE_DECKS, ["alpha"])
    col = import_into(tmp_path / "collection.anki2", package)
    try:
        cards = {"ordering": note_of(col, kinds.ordering).cards()[0],
                 "matching": note_of(col, kinds.matching).cards()[0],
                 "case": note_of(col, kinds.case_questions[0]).cards()[0],
                 "yesno": note_of(col, kinds.solutions[1]).cards()[0]}
        return {f"{name}-{side}": PAGE.format(card.question() if side == "front"
                                              else card.answer())
                for name, card in cards.items() for side in ("front", "back")}
    finally:
        col.close()


def test_kind_cards_read_at_desktop_and_phone_width(sized_page, rendered: dict[str, str]  # type: ignore[no-untyped-def]
                                                   ) -> None:
    page = sized_page
    width = page.viewport_size["width"]
    for name, html in rendered.items():
        page.set_content(html)
        shoot(page, f"anki-{name}")
        assert page.evaluate(f"{SCROLL_WIDTH} <= window.innerWidth"), \
            (name, page.evaluate(TOO_WIDE))
        assert page.evaluate("getComputedStyle(document.body).fontSize") == "18px"
        entries = page.locator("ol li")
        assert entries.count() >= 2, name
        for n in range(entries.count()):
            box = entries.nth(n).bounding_box()
            assert entries.nth(n).is_visible() and box["x"] >= 0
            assert box["x"] + box["width"] <= width, (name, n)
        lettered = page.locator("ol.options .letter")
        for n in range(lettered.count()):  # the letter sits on the line of its text
            letter, body = lettered.nth(n).bounding_box(), page.locator(
                "ol.options .letter + p").nth(n).bounding_box()
            assert abs(letter["y"] - body["y"]) < 4, (name, n)
        if name.startswith(("case", "yesno")):
            case = page.locator(".case").bounding_box()
            question = page.locator(".question").bounding_box()
            assert case["y"] + case["height"] <= question["y"], name  # the scenario above
        page.evaluate("document.body.classList.add('nightMode')")  # Anki's dark mode
        shoot(page, f"anki-{name}-night")
