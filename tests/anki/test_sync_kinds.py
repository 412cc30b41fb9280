"""The live sync with notes of issue 16's kinds (ordering, matching, case studies, yes/no
series): written with the export's note types, updated in place, answered on the phone."""

from __future__ import annotations

import uuid
from datetime import timedelta

from anki.sync import SyncOutput
from sqlalchemy import select
from sqlalchemy.orm import Session

from prep.export.anki import note_guid
from prep.models import Card, ReviewLog
from prep.study.review import answer_card
from tests.anki.conftest import Linked
from tests.anki.server import SyncingPhone
from tests.anki.test_sync import phone_answers
from tests.conftest import refresh
from tests.kind_factories import GOAL, add_kind_items, edit_item

NOT_FULL = (SyncOutput.NO_CHANGES, SyncOutput.NORMAL_SYNC)  # what a phone's normal sync gives


def test_kinds_added_later_reach_the_phone_without_a_full_sync(
        linked: Linked, session: Session, phone: SyncingPhone) -> None:
    linked.sync()
    phone.sync()
    kinds = add_kind_items(session, linked.clock())
    summary = linked.sync()
    assert (summary.notes_added, summary.notes_updated) == (8, 0)
    # new note types are no schema change: prep and the phone both sync normally
    assert phone.sync() in NOT_FULL
    guids = phone.guids()
    assert {note_guid(item.uid) for item in kinds.answerable()} <= guids
    assert not {note_guid(kinds.case.uid), note_guid(kinds.series.uid)} & guids
    note_types = {item.uid: phone.card(note_guid(item.uid)).note().note_type()["name"]
                  for item in kinds.answerable()}
    assert note_types == {"kd-o001": "prep Ordering", "kd-m001": "prep Matching",
                          "kd-cs001-q1": "prep Case Multiple Choice",
                          "kd-cs001-q2": "prep Ordering", "kd-cs001-q3": "prep Matching",
                          "kd-s001-1": "prep Case Multiple Choice",
                          "kd-s001-2": "prep Case Multiple Choice",
                          "kd-s001-3": "prep Case Multiple Choice"}
    # the series' goal changes: its three solutions' notes change in place on the phone
    edit_item(session, kinds.series, linked.clock.advance(minutes=1),
              prompt=GOAL.replace("0.2% fraud", "0.4% fraud"))
    summary = linked.sync()
    assert (summary.notes_added, summary.notes_updated) == (0, 3)
    assert phone.sync() in NOT_FULL
    assert phone.guids() == guids
    for item in kinds.solutions:
        assert "0.4% fraud" in phone.card(note_guid(item.uid)).note()["Case"]


def test_answers_to_kind_notes_cross_both_ways(linked: Linked, session: Session,
                                              phone: SyncingPhone) -> None:
    kinds = add_kind_items(session, linked.clock())
    linked.sync()
    phone.sync()
    items = kinds.answerable()
    answers = phone_answers(phone, [note_guid(item.uid) for item in items],
                            linked.clock() + timedelta(seconds=1))
    phone.sync()
    linked.clock.advance(minutes=2)
    summary = linked.sync()
    assert summary.pulled == len(items) == 8
    refresh(session)
    for item, answer in zip(items, answers, strict=True):
        card = session.scalars(select(Card).where(Card.user_id == linked.user.id,
                                                  Card.item_id == item.id)).one()
        log = session.scalars(select(ReviewLog).where(ReviewLog.card_id == card.id)).one()
        assert (log.anki_revlog_id, log.rating, log.reviewed_at) == \
            (answer.revlog_id, answer.rating, answer.at)
        assert card.reps == 1
    assert session.scalars(select(Card).where(
        Card.item_id.in_([kinds.case.id, kinds.series.id]))).all() == []
    # a web answer to a yes/no solution's card reaches the phone as that note's review
    solution = session.scalars(select(Card).where(Card.user_id == linked.user.id,
                                                  Card.item_id == kinds.solutions[1].id)).one()
    answer_card(session, linked.user, solution.id, 3, uuid.uuid4().hex, solution.reps,
                linked.clock.advance(seconds=5), duration_ms=2500)
    session.commit()
    assert linked.sync().pushed == 1
    phone.sync()
    on_phone = phone.card(note_guid(kinds.solutions[1].uid))
    rows = [row for row in phone.revlog() if row[1] == on_phone.id]
    assert [(ease, taken) for _, _, ease, taken, _ in rows] == \
        [(answers[6].rating, answers[6].taken_ms), (3, 2500)]
    assert on_phone.reps == 2
