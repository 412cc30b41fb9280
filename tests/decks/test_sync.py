"""Deck sync: idempotent, updates by content hash, retires without losing history."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prep.decks.check import check_decks
from prep.decks.sync import InvalidDecks, sync_decks
from prep.models import Card, Deck, Exam, Item, ReviewLog
from prep.study.enrollment import set_tracks
from tests.conftest import FrozenClock
from tests.factories import FIXTURE_DECKS, date_fixture_items, load_decks, make_user


@pytest.fixture
def decks(tmp_path: Path) -> Path:
    root = tmp_path / "decks"
    shutil.copytree(FIXTURE_DECKS, root)
    return root


def item(session: Session, uid: str) -> Item:
    return session.scalars(select(Item).where(Item.uid == uid)).one()


def test_first_load_inserts_everything_and_second_changes_nothing(
    session: Session, clock: FrozenClock, decks: Path
) -> None:
    first = load_decks(session, clock(), decks)
    assert (first.added, first.updated, first.retired) == (5, 0, 0)
    assert first.changed
    clock.advance(hours=1)
    second = load_decks(session, clock(), decks)
    assert not second.changed
    assert second.summary() == "no changes (5 items up to date)"
    recall = item(session, "al-c001")
    assert recall.kind == "card" and recall.created_at == recall.updated_at
    assert recall.rendered["answer"].startswith("<p>The share of actual positives")
    assert recall.html() is recall.rendered  # stored HTML is current: exports reuse it
    exam = session.get(Exam, "alpha-one")
    assert [d.number for d in exam.domains] == [1, 2]
    beta = session.get(Exam, "beta-one")
    assert [round(d.weight) for d in beta.domains] == [50, 50]
    cross = item(session, "be-c001")
    assert sorted((d.exam_id, d.number) for d in cross.domains) == [
        ("alpha-one", 2), ("beta-one", 1)
    ]


def test_changed_item_is_updated_and_keeps_its_row(
    session: Session, clock: FrozenClock, decks: Path
) -> None:
    load_decks(session, clock(), decks)
    before = item(session, "al-c001")
    item_id, old_hash, first_time = before.id, before.content_hash, before.updated_at
    path = decks / "alpha" / "basics.yaml"
    path.write_text(path.read_text().replace("TP / (TP + FN)", "TP divided by (TP + FN)"))
    clock.advance(days=1)
    report = load_decks(session, clock(), decks)
    assert (report.added, report.updated, report.unchanged) == (0, 1, 4)
    session.expire_all()
    after = item(session, "al-c001")
    assert after.id == item_id and after.content_hash != old_hash
    assert after.updated_at == clock() and after.updated_at > first_time
    assert "TP divided by (TP + FN)" in after.rendered["answer"]  # HTML follows the content
    assert item(session, "al-c002").updated_at == first_time


def test_removed_item_is_retired_with_history_kept_and_revived_on_return(
    session: Session, clock: FrozenClock, decks: Path
) -> None:
    load_decks(session, clock(), decks)
    user = make_user(session, clock(), "ben@example.com")
    set_tracks(session, user, ["alpha"], clock())
    card = session.scalars(
        select(Card).join(Item).where(Item.uid == "al-c002", Card.user_id == user.id)
    ).one()
    session.add(ReviewLog(user_id=user.id, card_id=card.id, review_uid="r1", rating=3,
                          reviewed_at=clock(), previous_state=0, state_before={}))
    session.commit()
    path = decks / "alpha" / "basics.yaml"
    original = path.read_text()
    start, end = original.index("  - id: al-c002"), original.index("  - id: al-q001")
    path.write_text(original[:start] + original[end:])
    clock.advance(days=1)
    report = load_decks(session, clock(), decks)
    assert report.retired == 1
    session.expire_all()
    retired = item(session, "al-c002")
    assert retired.retired_at == clock()
    assert session.scalar(select(func.count(ReviewLog.id))) == 1
    assert session.get(Card, card.id) is not None
    path.write_text(original)
    report = load_decks(session, clock(), decks)
    assert (report.revived, report.retired) == (1, 0)
    session.expire_all()
    assert item(session, "al-c002").retired_at is None


def test_loading_one_track_leaves_the_others_alone(
    session: Session, clock: FrozenClock, decks: Path
) -> None:
    load_decks(session, clock(), decks)
    shutil.rmtree(decks / "beta")
    (decks / "alpha" / "basics.yaml").write_text(
        (decks / "alpha" / "basics.yaml").read_text()
    )
    report = load_decks(session, clock(), decks / "alpha")
    assert not report.changed
    assert item(session, "be-c001").retired_at is None


def test_new_items_reach_enrolled_users_only(
    session: Session, clock: FrozenClock, decks: Path
) -> None:
    load_decks(session, clock(), decks)
    studying = make_user(session, clock(), "cy@example.com")
    idle = make_user(session, clock(), "di@example.com")
    set_tracks(session, studying, ["alpha"], clock())
    session.commit()
    # Flashcards only: questions enter the queue when missed in an exam.
    assert session.scalar(select(func.count()).where(Card.user_id == studying.id)) == 2
    path = decks / "alpha" / "basics.yaml"
    path.write_text(path.read_text() + (
        "  - id: al-c003\n    type: card\n    domains: {alpha-one: 1}\n"
        "    front: What is precision?\n    back: TP / (TP + FP)\n"
    ))
    report = load_decks(session, clock(), decks)
    assert (report.added, report.new_cards) == (1, 1)
    assert session.scalar(select(func.count()).where(Card.user_id == studying.id)) == 3
    assert session.scalar(select(func.count()).where(Card.user_id == idle.id)) == 0


def test_removed_deck_is_retired(session: Session, clock: FrozenClock, decks: Path) -> None:
    load_decks(session, clock(), decks)
    (decks / "beta" / "core.yaml").unlink()
    report = load_decks(session, clock(), decks)
    assert report.retired == 1
    deck = session.scalars(select(Deck).where(Deck.slug == "beta/core")).one()
    assert deck.retired_at == clock()


def test_a_bundle_with_faults_is_refused(session: Session, clock: FrozenClock,
                                         decks: Path) -> None:
    path = decks / "alpha" / "basics.yaml"
    path.write_text(path.read_text().replace("answer: b", "answer: q"))
    bundle = check_decks(decks)
    with pytest.raises(InvalidDecks):
        sync_decks(session, bundle, clock())
    assert session.scalar(select(func.count(Item.id))) == 0


def test_checked_month_is_stored_and_a_recheck_is_not_a_content_change(
    session: Session, clock: FrozenClock, decks: Path
) -> None:
    date_fixture_items(decks, {"al-q001": "2026-10"})
    basics = decks / "alpha" / "basics.yaml"
    load_decks(session, clock(), decks)
    question = item(session, "al-q001")
    assert question.checked == "2026-10" and item(session, "al-c001").checked is None
    first_time, first_hash = question.updated_at, question.content_hash
    clock.advance(days=30)
    basics.write_text(basics.read_text().replace("checked: 2026-10", "checked: 2026-11"))
    report = load_decks(session, clock(), decks)
    assert report.summary() == "no changes (5 items up to date, 1 re-checked)"
    session.expire_all()
    question = item(session, "al-q001")
    assert question.checked == "2026-11"
    assert (question.updated_at, question.content_hash) == (first_time, first_hash)
