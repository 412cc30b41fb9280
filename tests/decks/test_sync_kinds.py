"""Loading the newer item kinds: stored forms, groups and members, reloads, retire, revive."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from prep.decks.check import check_decks
from prep.decks.sync import render_bundle, sync_decks
from prep.models import ContentVersion, Exam, Item
from tests.conftest import FrozenClock
from tests.factories import KINDS_DECKS, load_decks

STEPS = ["Train the model on the prepared data", "Evaluate the model against the baseline",
         "Register the model version", "Deploy the registered version to an endpoint"]


@pytest.fixture
def decks(tmp_path: Path) -> Path:
    root = tmp_path / "decks"
    shutil.copytree(KINDS_DECKS, root)
    return root


def item(session: Session, uid: str) -> Item:
    return session.scalars(select(Item).where(Item.uid == uid)).one()


def live_uids(session: Session) -> set[str]:
    return set(session.scalars(select(Item.uid).where(Item.retired_at.is_(None))))


def cut(path: Path, start: str, end: str) -> str:
    """Remove the text of ``path`` from the line ``start`` up to the line ``end``; the
    text before the cut."""
    text = path.read_text()
    path.write_text(text[:text.index(start)] + text[text.index(end):])
    return text


def version(session: Session) -> int:
    row = session.get(ContentVersion, 1)
    return row.version if row else 0


def test_each_kind_is_stored_in_the_designed_form(
    session: Session, clock: FrozenClock, decks: Path
) -> None:
    report = load_decks(session, clock(), decks)
    assert report.added == 10
    ordering = item(session, "ga-o001")
    assert [o["text"] for o in ordering.options] == STEPS  # authored (correct) order
    assert ordering.correct == [o["key"] for o in ordering.options]
    assert sorted(ordering.correct) == ["a", "b", "c", "d"] != ordering.correct
    assert {o["explanation"] for o in ordering.options} == {""}
    assert ordering.explanation.startswith("Only an evaluated model")
    assert [(d.exam_id, d.number) for d in ordering.domains] == [("gamma-one", 1)]

    matching = item(session, "ga-m001")
    assert [o["key"] for o in matching.options] == ["a", "b", "c", "d"]
    assert matching.correct == ["a", "b", "c"]
    assert [p["key"] for p in matching.prompts] == ["1", "2", "3"]
    assert matching.prompts[1] == {"key": "2", "text": "Record who changed an endpoint",
                                   "explanation": "The audit log records every API call."}
    assert matching.explanation == "Object storage serves none of these needs."

    case = item(session, "ga-cs001")
    assert (case.kind, case.answer_text) == ("case", "Case study: a payments company")
    assert case.prompt.startswith("A payments company") and case.domains == []
    members = session.scalars(select(Item).where(Item.group_id == case.id)
                              .order_by(Item.group_position)).all()
    assert [(m.uid, m.kind, m.group_position) for m in members] == [
        ("ga-cs001-q1", "question", 1), ("ga-cs001-o1", "ordering", 2)]
    assert members[0].group is case and members[0].checked == "2026-10"  # the case's month
    assert [(d.exam_id, d.number) for d in members[0].domains] == [("gamma-one", 2)]

    series = item(session, "ga-s001")
    assert (series.kind, series.domains, series.group_id) == ("series", [], None)
    solutions = session.scalars(select(Item).where(Item.group_id == series.id)
                                .order_by(Item.group_position)).all()
    assert [(s.kind, s.correct, s.group_position) for s in solutions] == [
        ("yesno", ["yes"], 1), ("yesno", ["no"], 2), ("yesno", ["no"], 3)]
    first = solutions[0]
    assert first.options == [{"key": "yes", "text": "Yes", "explanation": ""},
                             {"key": "no", "text": "No", "explanation": ""}]
    assert first.prompt == "You turn on the audit log for the account."
    assert first.explanation.startswith("The audit log records every API call")
    assert [(d.exam_id, d.number) for d in first.domains] == [("gamma-one", 2)]
    assert (first.reference, first.checked) == ("An audit guide", "2026-11")

    assert session.get(Exam, "gamma-one").kinds == {
        "ordering": {"per_form": 1, "scoring": "all-or-nothing"},
        "matching": {"per_form": 1, "scoring": "partial"},
        "case-study": {"sets": 1, "locks": True},
        "yes-no": {"sets": 1},
    }


def test_step_keys_are_the_same_on_every_load(
    session: Session, clock: FrozenClock, decks: Path
) -> None:
    first = [spec.correct for spec in check_decks(decks).items if spec.kind == "ordering"]
    again = [spec.correct for spec in check_decks(decks).items if spec.kind == "ordering"]
    assert first == again
    load_decks(session, clock(), decks)
    assert item(session, "ga-o001").correct == first[0]


def test_reload_changes_nothing_and_a_scenario_edit_updates_the_members(
    session: Session, clock: FrozenClock, decks: Path
) -> None:
    load_decks(session, clock(), decks)
    before = version(session)
    clock.advance(hours=1)
    again = load_decks(session, clock(), decks)
    assert not again.changed and again.unchanged == 10 and version(session) == before
    path = decks / "gamma" / "kinds.yaml"
    path.write_text(path.read_text().replace("It retrains **weekly**.", "It retrains daily."))
    clock.advance(days=1)
    report = load_decks(session, clock(), decks)
    # The case and both its questions (their notes show the scenario); nothing else.
    assert (report.updated, report.unchanged) == (3, 7)
    assert version(session) == before + 1
    session.expire_all()
    assert item(session, "ga-cs001-q1").updated_at == clock()
    assert item(session, "ga-s001-1").updated_at < clock()
    assert "retrains daily" in item(session, "ga-cs001").rendered["prompt"]


def test_retiring_a_group_retires_its_members_and_revives_them_on_return(
    session: Session, clock: FrozenClock, decks: Path
) -> None:
    load_decks(session, clock(), decks)
    path = decks / "gamma" / "kinds.yaml"
    text = cut(path, "  - id: ga-cs001\n", "  - id: ga-s001\n")
    clock.advance(days=1)
    report = load_decks(session, clock(), decks)
    assert (report.retired, report.unchanged) == (3, 7)
    assert live_uids(session).isdisjoint({"ga-cs001", "ga-cs001-q1", "ga-cs001-o1"})
    path.write_text(text)
    clock.advance(days=1)
    report = load_decks(session, clock(), decks)
    assert (report.revived, report.unchanged) == (3, 7)
    session.expire_all()
    case = item(session, "ga-cs001")
    assert case.retired_at is None and item(session, "ga-cs001-o1").group_id == case.id


def test_a_solution_dropped_from_its_series_is_retired_alone(
    session: Session, clock: FrozenClock, decks: Path
) -> None:
    load_decks(session, clock(), decks)
    cut(decks / "gamma" / "kinds.yaml", "      - id: ga-s001-3\n", "    reference: An audit")
    clock.advance(days=1)
    report = load_decks(session, clock(), decks)
    assert report.retired == 1 and "ga-s001-3" not in live_uids(session)
    assert {"ga-s001", "ga-s001-1", "ga-s001-2"} <= live_uids(session)


def test_a_question_moved_out_of_its_case_loses_its_group(
    session: Session, clock: FrozenClock, decks: Path
) -> None:
    load_decks(session, clock(), decks)
    path = decks / "gamma" / "kinds.yaml"
    text = path.read_text()
    start, end = text.index("      - id: ga-cs001-o1\n"), text.index("    checked: 2026-10\n")
    member = text[start:end]
    top_level = "".join(line[4:] + "\n" for line in member.splitlines())
    extra = ("      - id: ga-cs001-q2\n        type: question\n        domains: {gamma-one: 1}\n"
             "        stem: Which step comes first?\n        options: {a: Collect, b: Deploy}\n"
             "        answer: a\n        explanations: {a: Data comes first., b: Deploy is "
             "last.}\n        reference: A pipelines guide\n")
    path.write_text(text[:start] + extra + text[end:] + top_level)
    clock.advance(days=1)
    load_decks(session, clock(), decks)
    session.expire_all()
    moved = item(session, "ga-cs001-o1")
    assert (moved.group_id, moved.group_position, moved.retired_at) == (None, None, None)
    assert item(session, "ga-cs001-q2").group_position == 2


def test_stored_html_holds_the_explanation_and_prompts(
    session: Session, clock: FrozenClock, decks: Path
) -> None:
    bundle = check_decks(decks)
    made = render_bundle(session, bundle)
    sync_decks(session, bundle, clock(), made)
    session.commit()
    ordering, matching = item(session, "ga-o001"), item(session, "ga-m001")
    assert ordering.rendered == made["ga-o001"]  # made before the write, stored as made
    assert "<strong>registered</strong>" in ordering.html()["explanation"]
    assert matching.html()["prompts"]["1"] == {
        "text": "<p>Detect drift in an endpoint&#39;s inputs</p>\n",
        "explanation": "<p>The monitor compares live inputs with a baseline.</p>\n"}
    assert matching.html() is matching.rendered
