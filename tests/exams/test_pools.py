"""The question-pool cache's contract (prep.exams.pools): every change of question content
bumps the content version, or its transaction is refused; the pools follow the version."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from prep.exams.pools import ContentNotVersioned, bump_content_version, domain_pools, exam_pools
from prep.models import ContentVersion, Exam, ExamDomain, Item
from prep.study.own_cards import CardDraft, create_own_card, edit_own_card
from tests.conftest import FrozenClock
from tests.factories import (
    FIXTURE_DECKS,
    load_decks,
    make_question_bank,
    make_user,
)
from tests.kind_factories import make_kind_bank, members_of


def version(session: Session) -> int:
    return session.scalar(select(ContentVersion.version).where(ContentVersion.id == 1)) or 0


def question(session: Session, uid: str = "al-q001") -> Item:
    return session.scalars(select(Item).where(Item.uid == uid)).one()


def changes(session: Session, now: datetime) -> list[tuple[str, Callable[[], object]]]:
    """Writes of question content, each applied by a function of its own."""
    return [
        ("a new stem", lambda: setattr(question(session), "prompt", "Which format, now?")),
        ("new options", lambda: setattr(question(session), "options", [])),
        ("retired", lambda: setattr(question(session), "retired_at", now)),
        ("another domain", lambda: setattr(question(session), "domains", [session.scalars(
            select(ExamDomain).where(ExamDomain.exam_id == "alpha-one",
                                     ExamDomain.number == 2)).one()])),
        ("a new question", lambda: session.add(Item(
            uid="al-q999", deck=question(session).deck, kind="question", prompt="New?",
            options=[], correct=["a"], tags=[], content_hash="0" * 64, created_at=now,
            updated_at=now))),
    ]


def test_question_content_changed_without_a_bump_cannot_be_committed(
        session: Session, clock: FrozenClock) -> None:
    load_decks(session, clock())
    for name, change in changes(session, clock()):
        change()
        with pytest.raises(ContentNotVersioned):
            session.commit()
        session.rollback()
        before = version(session)
        change()
        session.flush()
        bump_content_version(session, clock())
        session.commit()
        assert version(session) == before + 1, name


def test_a_savepoint_inside_a_content_change_does_not_end_it(
        session: Session, clock: FrozenClock) -> None:
    load_decks(session, clock())
    question(session).prompt = "Changed first"
    with session.begin_nested():  # as generate_exam does for its attempt
        pass
    with pytest.raises(ContentNotVersioned):
        session.commit()
    session.rollback()


def test_what_is_not_question_content_needs_no_bump(session: Session,
                                                    clock: FrozenClock) -> None:
    load_decks(session, clock())
    before = version(session)
    item = question(session)
    item.checked, item.source_line, item.rendered = "2026-11", 99, None
    session.commit()  # the month checked, where it is, its HTML: not content
    shared_card = question(session, "al-c001")
    shared_card.prompt = "What does recall measure, again?"
    user = make_user(session, clock(), "own@example.com")
    card = create_own_card(session, user, CardDraft(deck="Mine", front="F", back="B"), clock())
    session.commit()
    edit_own_card(session, user, session.get(Item, card.item_id),
                  CardDraft(deck="Mine", front="F2", back="B2"), clock())
    session.commit()  # flashcards never reach a question pool
    assert version(session) == before


def test_a_deck_load_that_changes_a_question_moves_the_pools(
        session: Session, clock: FrozenClock, tmp_path: Path) -> None:
    root = tmp_path / "decks"
    shutil.copytree(FIXTURE_DECKS, root)
    load_decks(session, clock(), root)
    exam = session.get(Exam, "alpha-one")
    before, pools = version(session), sum(map(len, domain_pools(session, exam).values()))
    basics = root / "alpha" / "basics.yaml"
    text = basics.read_text()
    start = text.index("  - id: al-q001")
    end = text.index("  - id:", start + 1)
    basics.write_text(text[:start] + text[end:])  # al-q001 leaves the files: retired
    load_decks(session, clock(), root)
    assert version(session) == before + 1
    assert sum(map(len, domain_pools(session, exam).values())) == pools - 1
    load_decks(session, clock(), root)  # nothing changed: the version (and cache) stay
    assert version(session) == before + 1


def test_pools_know_each_item_s_kind_domain_and_group(session: Session,
                                                     clock: FrozenClock) -> None:
    make_question_bank(session, clock(), {1: 2})
    made = make_kind_bank(session, clock(), ordering={2: 1}, matching={1: 1}, cases=[(1, 2)],
                          series=[(2, 2)])
    pools = exam_pools(session, session.get(Exam, "alpha-one"))
    domain = {d.number: d.id for d in session.get(Exam, "alpha-one").domains}
    assert pools.singles["ordering"] == {domain[2]: made["ordering"]}
    assert pools.singles["matching"] == {domain[1]: made["matching"]}
    case, = pools.sets["case"]
    assert case.members == tuple(members_of(session, made["case"][0]))
    assert case.domains == (domain[1], domain[2])
    series, = pools.sets["series"]
    assert [pools.kinds[m] for m in series.members] == ["yesno", "yesno"]
    grouped = set(case.members) | set(series.members)
    assert not grouped & {i for ids in pools.by_domain.values() for i in ids}  # never alone
    retired = session.get(Item, made["case"][0])
    retired.retired_at = clock()  # the case goes: its questions go with it
    bump_content_version(session, clock())
    session.commit()
    assert "case" not in exam_pools(session, session.get(Exam, "alpha-one")).sets
