"""Live sync through Anki's own sync server, with a real Anki collection as the phone."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from benchmarks.synthetic import TRUE_PARAMETERS
from prep.accounts import delete_account
from prep.anki.sync import LEASE, AnkiSyncError, SyncBusy, claim, login, sync
from prep.decks.sync import bump_content_version
from prep.export.anki import export_anki, note_guid
from prep.models import AnkiLink, Card, Item, ReviewLog, User
from prep.study.days import study_day
from prep.study.enrollment import set_tracks
from prep.study.own_cards import CardDraft, edit_own_card
from prep.study.review import answer_card
from prep.study.scheduling import SchedulerSettings, outcome
from tests.anki.conftest import Linked
from tests.anki.phone import MIXED_RATINGS, PhoneAnswer
from tests.anki.server import PASSWORD, USERNAME, SyncingPhone, SyncServer
from tests.conftest import FrozenClock, refresh
from tests.factories import PASSWORD as PASSWORD_OF_ACCOUNT
from tests.factories import enrolled_user


def answer_in_prep(session: Session, user: User, count: int, clock: FrozenClock,
                   ratings: tuple[int, ...] = (3, 1, 4, 3, 2)) -> list[Card]:
    """Answer ``count`` of the user's cards in prep (as the web app does), five seconds apart."""
    cards = session.scalars(select(Card).where(Card.user_id == user.id, Card.active)
                            .order_by(Card.id).limit(count)).all()
    for n, card in enumerate(cards):
        answer_card(session, user, card.id, ratings[n % len(ratings)], uuid.uuid4().hex,
                    card.reps, clock.advance(seconds=5), duration_ms=3000 + n)
        session.commit()
    return list(cards)


def study_days(user: User, start: datetime, end: datetime) -> int:
    """Study days from ``start`` to ``end`` (prep's days: from the user's day-start hour)."""
    return (study_day(end, user.timezone, user.day_start_hour).start
            - study_day(start, user.timezone, user.day_start_hour).start).days


def guid_of(card: Card) -> str:
    return note_guid(card.item.uid, card.item.anki_guid)


def test_first_sync_puts_prep_state_on_the_phone(linked: Linked, session: Session,
                                                 phone: SyncingPhone) -> None:
    reviewed = answer_in_prep(session, linked.user, 5, linked.clock)
    summary = linked.sync()
    assert summary.pushed == 5 and summary.notes_added > 0
    phone.sync()
    items = session.execute(select(Item.uid, Item.anki_guid).where(
        Item.deck.has(track_id="alpha"), Item.retired_at.is_(None))).all()
    assert {note_guid(uid, guid) for uid, guid in items} <= phone.guids()
    today = phone.col.sched.today
    for card in reviewed:
        session.refresh(card)
        on_phone = phone.card(guid_of(card))
        assert on_phone.reps == card.reps and on_phone.lapses == card.lapses
        assert on_phone.memory_state.stability == pytest.approx(card.stability, abs=1e-3)
        if card.state == 2:
            assert on_phone.due == today + study_days(linked.user, linked.clock(), card.due)
    assert len(phone.revlog()) == 5


def replayed(session: Session, user: User, card: Card) -> Card:
    """The card a replay of its whole history (time order) through prep's scheduler gives."""
    ghost = Card(id=card.id, user_id=user.id, item_id=card.item_id, state=0, reps=0, lapses=0,
                 due=card.due)
    settings = SchedulerSettings.of(user)
    for log in session.scalars(select(ReviewLog).where(ReviewLog.card_id == card.id)
                               .order_by(ReviewLog.reviewed_at, ReviewLog.id)):
        result = outcome(ghost, log.rating, log.reviewed_at, settings)
        for name, value in result.fields().items():
            setattr(ghost, name, value)
        ghost.reps, ghost.lapses = ghost.reps + 1, ghost.lapses + result.is_lapse
        ghost.last_review = log.reviewed_at
    return ghost


def phone_answers(phone: SyncingPhone, guids: list[str], start: datetime,
                  ratings: tuple[int, ...] = MIXED_RATINGS) -> list[PhoneAnswer]:
    """The phone answers the cards of ``guids`` once each, two seconds apart."""
    return [phone.answer(phone.card(guid).id, ratings[n % len(ratings)],
                         start + timedelta(seconds=2 * n), taken_ms=1500 + 250 * n)
            for n, guid in enumerate(guids)]


def own_guids(session: Session, user: User) -> list[str]:
    cards = session.scalars(select(Card).join(Item).where(
        Card.user_id == user.id, Item.deck.has(owner_id=user.id)).order_by(Card.id)).all()
    return [guid_of(card) for card in cards]


def test_phone_answers_come_into_prep_once(linked: Linked, session: Session,
                                           phone: SyncingPhone) -> None:
    linked.sync()
    phone.sync()
    answers = phone_answers(phone, own_guids(session, linked.user)[:30],
                            linked.clock() + timedelta(seconds=1))
    phone.sync()
    linked.clock.advance(minutes=2)
    summary = linked.sync()
    assert summary.pulled == 30 and summary.pushed == 0
    refresh(session)
    logs = {log.anki_revlog_id: log for log in session.scalars(
        select(ReviewLog).where(ReviewLog.user_id == linked.user.id))}
    assert len(logs) == 30
    for answer in answers:
        log = logs[answer.revlog_id]
        assert (log.rating, log.reviewed_at, log.duration_ms) == \
            (answer.rating, answer.at, answer.taken_ms)
        card = session.get(Card, log.card_id)
        replay = replayed(session, linked.user, card)
        assert (card.state, card.due, card.reps, card.lapses) == \
            (replay.state, replay.due, replay.reps, replay.lapses)
        assert card.stability == pytest.approx(replay.stability)
    again = linked.sync()
    assert (again.pulled, again.pushed, again.notes_added, again.notes_updated) == (0, 0, 0, 0)
    assert session.scalar(select(func.count()).select_from(ReviewLog)) == 30


def test_web_answers_reach_the_phone(linked: Linked, session: Session,
                                     phone: SyncingPhone) -> None:
    linked.sync()
    phone.sync()
    before = len(phone.revlog())
    answered = answer_in_prep(session, linked.user, 20, linked.clock)
    summary = linked.sync()
    assert summary.pushed == 20 and summary.pulled == 0
    phone.sync()
    rows = phone.revlog()
    assert len(rows) == before + 20
    today = phone.col.sched.today
    for card in answered:
        session.refresh(card)
        log = session.scalars(select(ReviewLog).where(ReviewLog.card_id == card.id)).one()
        on_phone = phone.card(guid_of(card))
        row = next(row for row in rows if row[0] == log.anki_revlog_id)
        assert (row[1], row[2], row[3]) == (on_phone.id, log.rating, log.duration_ms)
        if card.state == 2:  # prep's due day, which lies in the fuzz range prep drew it from
            assert on_phone.due == today + study_days(linked.user, linked.clock(), card.due)
        else:
            assert on_phone.queue in (1, 3)
    assert linked.sync().pushed == 0


def test_one_card_answered_on_both_sides_keeps_both(linked: Linked, session: Session,
                                                    phone: SyncingPhone) -> None:
    linked.sync()
    phone.sync()
    card = session.scalars(select(Card).where(Card.user_id == linked.user.id)
                           .order_by(Card.id)).first()
    phone_answers(phone, [guid_of(card)], linked.clock() + timedelta(seconds=1), ratings=(3,))
    phone.sync()
    answer_card(session, linked.user, card.id, 1, uuid.uuid4().hex, card.reps,
                linked.clock.advance(seconds=30), duration_ms=2000)
    session.commit()
    summary = linked.sync()
    assert (summary.pulled, summary.pushed) == (1, 1)
    refresh(session)
    logs = session.scalars(select(ReviewLog).where(ReviewLog.card_id == card.id)
                           .order_by(ReviewLog.reviewed_at)).all()
    assert [log.rating for log in logs] == [3, 1]
    card = session.get(Card, card.id)
    replay = replayed(session, linked.user, card)
    assert (card.state, card.due, card.reps) == (replay.state, replay.due, replay.reps) == \
        (card.state, card.due, 2)
    phone.sync()
    assert sorted(row[2] for row in phone.revlog() if row[1] == phone.card(guid_of(card)).id) \
        == [1, 3]
    assert phone.card(guid_of(card)).reps == 2


def test_content_changes_reach_the_phone(linked: Linked, session: Session,
                                         phone: SyncingPhone) -> None:
    linked.sync()
    phone.sync()
    own = session.scalars(select(Item).where(Item.deck.has(owner_id=linked.user.id))
                          .order_by(Item.id)).first()
    edit_own_card(session, linked.user, own, CardDraft(deck="Bulk", front="Edited front",
                                                       back="Edited back"),
                  linked.clock.advance(minutes=1))
    retired = session.scalars(select(Item).where(Item.deck.has(track_id="alpha"))
                              .order_by(Item.id)).first()
    retired.retired_at = linked.clock()
    bump_content_version(session, linked.clock())
    session.commit()
    summary = linked.sync()
    assert summary.notes_updated == 1 and summary.notes_added == 0
    phone.sync()
    edited = phone.card(guid_of_item(own)).note()
    assert "Edited front" in edited["Front"] and "Edited back" in edited["Back"]
    gone = phone.card(guid_of_item(retired))
    assert gone.queue == -1 and "prep::retired" in gone.note().tags
    # a dropped track: its notes are suspended and tagged, and come back when studied again
    set_tracks(session, session.get(User, linked.user.id), [], linked.clock())
    session.commit()
    linked.sync()
    phone.sync()
    alpha = [guid for guid in phone.guids()
             if "prep::track::alpha" in phone.col.get_note(
                 phone.card(guid).nid).tags and guid != guid_of_item(retired)]
    assert alpha and all(phone.card(guid).queue == -1 for guid in alpha)


def guid_of_item(item: Item) -> str:
    return note_guid(item.uid, item.anki_guid)


def test_bad_credentials_are_refused(sync_server: SyncServer) -> None:
    with pytest.raises(AnkiSyncError, match="refused the username or password"):
        login(sync_server.endpoint, USERNAME, "not the password")
    with pytest.raises(AnkiSyncError, match="http:// or https://"):
        login("ftp://example.org", USERNAME, PASSWORD)


def test_a_stale_key_fails_the_sync_and_loses_nothing(linked: Linked, session: Session) -> None:
    answer_in_prep(session, linked.user, 3, linked.clock)
    session.get(AnkiLink, linked.user.id).hkey = "0" * 40
    session.commit()
    with pytest.raises(AnkiSyncError, match="Link again"):
        linked.sync()
    refresh(session)
    status = session.get(AnkiLink, linked.user.id)
    assert status.last_result == "failed" and "Link again" in status.last_message
    assert status.lease_token is None
    assert session.scalar(select(func.count()).select_from(ReviewLog)) == 3


def test_server_stopped_mid_sync_then_the_next_sync_completes(
        linked: Linked, session: Session, phone: SyncingPhone) -> None:
    linked.sync()
    phone.sync()
    answer_in_prep(session, linked.user, 4, linked.clock)

    def stop_before_sending(step: str) -> None:
        if step == "pushing":
            linked.server.stop()

    with pytest.raises(AnkiSyncError, match="Could not reach the sync server"):
        sync(linked.sessions, linked.user.id, Path(linked.app.config["PREP_ANKI_DIR"]),
             Path(linked.app.config["PREP_DECKS_DIR"]), linked.clock(),
             progress=stop_before_sending)
    refresh(session)
    assert session.get(AnkiLink, linked.user.id).last_result == "failed"
    linked.server.start()
    summary = linked.sync()
    assert summary.pushed == 0  # already in the cached collection, sent now
    phone.sync()
    assert len(phone.revlog()) == 4
    assert session.scalar(select(func.count()).select_from(ReviewLog)) == 4
    assert linked.sync().pulled == 0


def test_full_sync_demanded_by_the_server_loses_nothing(
        linked: Linked, session: Session, phone: SyncingPhone) -> None:
    linked.sync()
    phone.sync()
    answers = phone_answers(phone, own_guids(session, linked.user)[:3],
                            linked.clock() + timedelta(seconds=1))
    phone.col.close_for_full_sync()
    phone.col.full_upload_or_download(auth=phone.auth, server_usn=None, upload=True)
    phone.col.reopen(after_full_sync=True)
    answer_in_prep(session, linked.user, 2, linked.clock.advance(seconds=30) and linked.clock)
    summary = linked.sync()
    assert (summary.pulled, summary.pushed) == (3, 2)
    assert "full sync" in summary.line()
    phone.sync()
    assert len(phone.revlog()) == 5 and len(answers) == 3


def test_command_line_links_syncs_and_unlinks(app: Flask, session: Session, clock: FrozenClock,
                                              sync_server: SyncServer,
                                              phone: SyncingPhone) -> None:
    clock.current = datetime.now(UTC).replace(microsecond=0)
    user = enrolled_user(session, clock())
    runner = app.test_cli_runner()
    base = ["anki", "link", "--user", user.email, "--endpoint", sync_server.endpoint,
            "--username", USERNAME]
    refused = runner.invoke(args=base, input="wrong\n")
    assert refused.exit_code == 1 and "refused" in refused.output
    linked = runner.invoke(args=base, input=f"{PASSWORD}\n")
    assert linked.exit_code == 0, linked.output
    refresh(session)
    stored = session.get(AnkiLink, user.id)
    assert stored.hkey and PASSWORD not in repr(vars(stored))
    synced = runner.invoke(args=["anki", "sync", "--user", user.email])
    assert synced.exit_code == 0, synced.output
    assert synced.output.strip().startswith("0 reviews pulled from Anki, 0 pushed to Anki, ")
    assert len(synced.output.strip().splitlines()) == 1
    phone.sync()
    assert phone.col.note_count() > 0
    cache = Path(app.config["PREP_ANKI_DIR"])
    assert any(cache.iterdir())
    unlinked = runner.invoke(args=["anki", "unlink", "--user", user.email])
    assert unlinked.exit_code == 0 and "unlinked" in unlinked.output
    refresh(session)
    assert session.get(AnkiLink, user.id) is None and not any(cache.iterdir())
    assert runner.invoke(args=["anki", "sync", "--user", user.email]).exit_code == 1


def test_a_collection_already_on_the_server_is_matched_by_guid(
        linked: Linked, session: Session, phone: SyncingPhone, tmp_path: Path) -> None:
    export_anki(session, tmp_path / "prep.apkg", Path(linked.app.config["PREP_DECKS_DIR"]),
                ["alpha"], user=session.get(User, linked.user.id))
    phone.import_package(tmp_path / "prep.apkg")  # the .apkg imported on the phone earlier
    notes = phone.col.note_count()
    answers = phone_answers(phone, own_guids(session, linked.user)[:4],
                            linked.clock() + timedelta(seconds=1))
    phone.sync()  # uploads the phone's collection: the server has one before prep links
    linked.clock.advance(minutes=1)
    summary = linked.sync()
    assert summary.pulled == 4 and summary.notes_added == 0
    phone.sync()
    assert phone.col.note_count() == notes
    refresh(session)
    assert {log.anki_revlog_id for log in session.scalars(select(ReviewLog))} == \
        {answer.revlog_id for answer in answers}


def test_the_deck_preset_carries_the_users_fsrs_settings(linked: Linked, session: Session,
                                                         phone: SyncingPhone) -> None:
    user = session.get(User, linked.user.id)
    user.desired_retention, user.fsrs_parameters = 0.85, list(TRUE_PARAMETERS)
    session.commit()
    linked.sync()
    phone.sync()
    deck = phone.col.decks.id_for_name("ML Certs::My cards::Bulk")
    preset = phone.col.decks.config_dict_for_deck_id(deck)
    assert preset["name"] == "prep (FSRS)" and preset["desiredRetention"] == 0.85
    assert preset["fsrsParams6"] == pytest.approx(list(TRUE_PARAMETERS))
    assert phone.col.get_config("fsrs") is True


def test_the_lease_keeps_two_syncs_of_one_user_apart(linked: Linked, session: Session) -> None:
    first = claim(session, linked.user.id, linked.clock())
    session.commit()
    assert first is not None and claim(session, linked.user.id, linked.clock()) is None
    session.commit()
    with pytest.raises(SyncBusy):
        linked.sync()
    later = linked.clock() + LEASE + timedelta(seconds=1)  # its worker died: the lease expires
    assert claim(session, linked.user.id, later) not in (None, first)


def test_an_unreachable_server_is_explained(sync_server: SyncServer) -> None:
    sync_server.stop()
    with pytest.raises(AnkiSyncError, match="Could not reach the sync server"):
        login(sync_server.endpoint, USERNAME, PASSWORD)


def test_deleting_the_account_removes_its_link(linked: Linked, session: Session) -> None:
    linked.sync()
    delete_account(session, session.get(User, linked.user.id), PASSWORD_OF_ACCOUNT)
    session.commit()
    assert session.scalar(select(func.count()).select_from(AnkiLink)) == 0
