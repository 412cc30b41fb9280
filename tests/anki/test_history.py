"""Import of Anki's review history, with real Anki: a phone collection fills itself from
prep's own .apkg export, answers cards with Anki's scheduler, and exports as Anki does."""

from __future__ import annotations

import io
import tempfile
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from anki.models import NotetypeDict
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prep.anki.history import apply_plan, plan_ingest
from prep.anki.packages import AnkiImportError, import_package, read_package, spooled_upload
from prep.export.account_data import export_account, import_account
from prep.export.anki import note_guid
from prep.insight.optimisation import fresh_copy, replay_answers
from prep.models import Card, Item, ReviewLog, User
from prep.study.review import answer_card, scheduled_interval, snapshot, undo_review
from prep.study.scheduling import SchedulerSettings
from tests.anki.phone import Phone, PhoneAnswer, phone_with_prep_decks, studying_user
from tests.conftest import FIXTURE_DECKS, FrozenClock, refresh
from tests.factories import make_user

ANSWERS = 30


@pytest.fixture
def user(session: Session, clock: FrozenClock) -> User:
    return studying_user(session, clock())


@pytest.fixture
def phone(session: Session, user: User, tmp_path: Path) -> Phone:
    """A phone that imported prep's export (alpha and the user's own cards)."""
    phone = phone_with_prep_decks(session, user, tmp_path / "anki", FIXTURE_DECKS, ["alpha"])
    yield phone
    phone.close()


def phone_session(phone: Phone, clock: FrozenClock, count: int = ANSWERS) -> list[PhoneAnswer]:
    """``count`` answers on 15 cards, a round a day, ending a week before prep's now."""
    return phone.answer_many(phone.card_ids()[:15], count, clock() - timedelta(days=9))


def review_count(session: Session) -> int:
    return session.scalar(select(func.count(ReviewLog.id)))


def card_of(session: Session, user: User, guid: str) -> Card:
    items = {note_guid(item.uid, item.anki_guid): item.id
             for item in session.scalars(select(Item))}
    return session.scalar(select(Card).where(Card.user_id == user.id,
                                             Card.item_id == items[guid]))


def assert_replayed(session: Session, user: User, card: Card) -> None:
    """The card and each of its logs are what replaying its answers in time order gives."""
    logs = session.scalars(select(ReviewLog).where(ReviewLog.card_id == card.id)
                           .order_by(ReviewLog.reviewed_at, ReviewLog.id)).all()
    copy = fresh_copy(card.id, logs[0].reviewed_at)
    copy.suspended, copy.leech = card.suspended, card.leech
    history = [(log.reviewed_at, log.rating) for log in logs]
    for log, before in zip(logs, replay_answers(copy, history, SchedulerSettings.of(user)),
                           strict=True):
        assert log.previous_state == before.state
        assert log.last_interval == scheduled_interval(before)
        assert log.state_before == snapshot(before)
    for name in ("state", "step", "stability", "difficulty", "due", "last_review", "reps",
                 "lapses"):
        assert getattr(card, name) == getattr(copy, name), name
    assert card.reps == len(logs)


@pytest.mark.parametrize("kind", ["colpkg", "legacy.colpkg", "apkg"])
def test_phone_answers_arrive_once_with_their_ratings_times_and_durations(
        session: Session, user: User, phone: Phone, clock: FrozenClock, tmp_path: Path,
        kind: str) -> None:
    answers = phone_session(phone, clock)
    assert len({a.rating for a in answers}) == 4 and phone.revlog_count() == ANSWERS
    package = tmp_path / f"phone.{kind}"
    if kind == "apkg":
        phone.export_apkg(package)
    else:
        phone.export_colpkg(package, legacy=kind.startswith("legacy"))
    before = review_count(session)

    summary = import_package(session, user, package, clock())
    session.commit()

    assert summary.reviews_added == ANSWERS
    assert summary.notes_matched == 30 and summary.unmatched_notes == []
    assert summary.cards_replayed == 15
    refresh(session)
    assert review_count(session) == before + ANSWERS
    for answer in answers:
        log = session.scalar(select(ReviewLog).where(ReviewLog.anki_revlog_id
                                                     == answer.revlog_id))
        assert log.user_id == user.id and log.review_uid == f"anki-{answer.revlog_id}"
        assert log.rating == answer.rating and log.duration_ms == answer.taken_ms
        assert log.reviewed_at == answer.at  # to the millisecond
        assert log.card_id == card_of(session, user, answer.guid).id
    for guid in {answer.guid for answer in answers}:
        assert_replayed(session, user, card_of(session, user, guid))

    again = import_package(session, user, package, clock())
    session.commit()
    assert again.reviews_added == 0 and again.cards_replayed == 0
    assert again.skipped["already_in_prep"] == ANSWERS
    refresh(session)
    assert review_count(session) == before + ANSWERS


def test_a_later_export_adds_only_the_new_answers_and_merges_web_ones(
        session: Session, user: User, phone: Phone, clock: FrozenClock, tmp_path: Path) -> None:
    phone_session(phone, clock)
    import_package(session, user, phone.export_colpkg(tmp_path / "first.colpkg"), clock())
    session.commit()
    refresh(session)
    # the web answers one card the phone studied; the phone answers it (and others) later
    guid = phone.guid(phone.card_ids()[0])
    card = card_of(session, user, guid)
    web = answer_card(session, user, card.id, 3, "web-1", card.reps, clock())
    session.commit()
    later = [phone.answer(card_id, rating, clock() + timedelta(hours=1, minutes=n), 2000)
             for n, (card_id, rating) in enumerate(zip(phone.card_ids()[:5], (1, 3, 4, 2, 3),
                                                       strict=True))]

    summary = import_package(session, user, phone.export_colpkg(tmp_path / "second.colpkg"),
                             clock())
    session.commit()

    assert summary.reviews_added == len(later)
    assert summary.skipped["already_in_prep"] == ANSWERS
    refresh(session)
    card = card_of(session, user, guid)
    ratings = session.scalars(select(ReviewLog.rating).where(ReviewLog.card_id == card.id)
                              .order_by(ReviewLog.reviewed_at)).all()
    assert ratings[-2:] == [3, 1]  # the web's Good, then the phone's Again an hour later
    assert session.get(ReviewLog, web.log.id).anki_revlog_id is None
    for card_id in phone.card_ids()[:5]:
        assert_replayed(session, user, card_of(session, user, phone.guid(card_id)))


def test_undo_after_an_import_restores_the_replayed_state(
        session: Session, user: User, phone: Phone, clock: FrozenClock, tmp_path: Path) -> None:
    phone_session(phone, clock)
    import_package(session, user, phone.export_colpkg(tmp_path / "p.colpkg"), clock())
    session.commit()
    refresh(session)
    card = card_of(session, user, phone.guid(phone.card_ids()[1]))
    fields = {name: getattr(card, name) for name in ("state", "due", "stability", "reps")}
    web = answer_card(session, user, card.id, 1, "web-undo", card.reps, clock())
    session.commit()
    undo_review(session, user, web.log.id, clock())
    session.commit()
    refresh(session)
    card = session.get(Card, card.id)
    assert {name: getattr(card, name) for name in fields} == fields


def test_a_broken_or_foreign_file_changes_nothing(
        session: Session, user: User, phone: Phone, clock: FrozenClock, tmp_path: Path) -> None:
    phone_session(phone, clock)
    good = phone.export_colpkg(tmp_path / "good.colpkg")
    truncated = tmp_path / "truncated.colpkg"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    text = tmp_path / "notes.apkg"
    text.write_text("front,back\nnot,anki\n")
    cards_before = session.scalars(select(Card.id).order_by(Card.id)).all()
    before = review_count(session)
    for path in (truncated, text, tmp_path / "missing.colpkg"):
        with pytest.raises(AnkiImportError, match=r"Anki|cannot read"):
            import_package(session, user, path, clock())
        session.rollback()
    with pytest.raises(AnkiImportError, match=r"\.colpkg or \.apkg"):
        import_package(session, user, good, clock(), name="collection.zip")
    refresh(session)
    assert review_count(session) == before
    assert session.scalars(select(Card.id).order_by(Card.id)).all() == cards_before


def _basic(phone: Phone) -> NotetypeDict:
    return phone.col.models.by_name("Basic")


def test_an_unmatched_note_is_listed_and_imported_only_when_asked(
        session: Session, user: User, phone: Phone, clock: FrozenClock, tmp_path: Path) -> None:
    note = phone.col.new_note(_basic(phone))
    note["Front"], note["Back"] = "What is <b>dropout</b>?", "Zeroing units at random"
    phone.col.add_note(note, phone.col.decks.id("Phone only::Regularisation"))
    mine = phone.answer(note.cards()[0].id, 3, clock() - timedelta(days=2), 4000)
    package = phone.export_colpkg(tmp_path / "p.colpkg")

    summary = import_package(session, user, package, clock())
    session.commit()
    assert summary.unmatched_notes == ["What is dropout?"] and summary.notes_unmatched == 1
    assert summary.skipped["unmatched_note"] == 1 and summary.reviews_added == 0
    refresh(session)
    assert session.scalar(select(Item).where(Item.anki_guid == note.guid)) is None

    summary = import_package(session, user, package, clock(), import_unmatched=True)
    session.commit()
    assert summary.notes_imported == 1 and summary.reviews_added == 1
    refresh(session)
    item = session.scalar(select(Item).where(Item.anki_guid == note.guid))
    assert item.deck.owner_id == user.id and item.deck.title == "Regularisation"
    assert item.prompt == "What is dropout?" and item.answer_text == "Zeroing units at random"
    card = card_of(session, user, note.guid)
    assert card.active and card.reps == 1
    log = session.scalar(select(ReviewLog).where(ReviewLog.card_id == card.id))
    assert (log.anki_revlog_id, log.rating, log.duration_ms) == (mine.revlog_id, 3, 4000)

    again = import_package(session, user, package, clock(), import_unmatched=True)
    session.commit()
    assert again.notes_imported == 0 and again.reviews_added == 0
    assert again.notes_unmatched == 0 and again.notes_matched == 31
    refresh(session)
    assert session.scalar(select(func.count(Item.id)).where(Item.anki_guid == note.guid)) == 1


def test_non_answers_are_skipped_as_fsrs_skips_them(
        session: Session, user: User, phone: Phone, clock: FrozenClock, tmp_path: Path) -> None:
    answers = phone_session(phone, clock, count=6)
    phone.col.sched.set_due_date([answers[0].card_id], "5")  # a Manual row, ease 0
    phone.col.sched.schedule_cards_as_new([answers[1].card_id])  # "forget": the same
    preview = phone.col.sched.get_or_create_filtered_deck(deck_id=0)
    preview.name, preview.config.reschedule = "Preview", False
    preview.config.search_terms[0].search = f"cid:{answers[2].card_id}"
    phone.col.sched.add_or_update_filtered_deck(preview)
    phone.answer(answers[2].card_id, 1, clock() - timedelta(hours=1), 900)
    phone.answer(answers[2].card_id, 4, clock() - timedelta(minutes=30), 800)
    assert phone.revlog_count() == 10

    history = read_package(phone.export_colpkg(tmp_path / "p.colpkg"))
    assert history.skipped == {"not_an_answer": 2, "filtered_preview": 2}
    assert sorted(a.revlog_id for n in history.notes.values() for a in n.answers) == sorted(
        a.revlog_id for a in answers)
    summary = import_package(session, user, tmp_path / "p.colpkg", clock())
    assert summary.reviews_added == 6
    assert summary.skipped == {"not_an_answer": 2, "filtered_preview": 2}


def test_a_second_import_planned_before_the_first_wrote_adds_nothing(
        session: Session, user: User, phone: Phone, clock: FrozenClock, tmp_path: Path) -> None:
    phone_session(phone, clock)
    history = read_package(phone.export_colpkg(tmp_path / "p.colpkg"))
    first = plan_ingest(session, user, history)
    second = plan_ingest(session, user, history)
    session.rollback()
    assert apply_plan(session, user, first, clock()).reviews_added == ANSWERS
    session.commit()
    late = apply_plan(session, user, second, clock())
    session.commit()
    assert late.reviews_added == 0 and late.skipped["already_in_prep"] == ANSWERS
    refresh(session)
    assert review_count(session) == ANSWERS


def test_cli_prints_the_summary(runner: FlaskCliRunner, session: Session, user: User,
                                phone: Phone, clock: FrozenClock, tmp_path: Path) -> None:
    phone_session(phone, clock)
    package = phone.export_apkg(tmp_path / "p.apkg")
    result = runner.invoke(args=["anki", "import", "--user", user.email, str(package)])
    assert result.exit_code == 0, result.output
    assert "Reviews added: 30" in result.output and "Notes matched: 30" in result.output
    refresh(session)
    assert review_count(session) == ANSWERS
    broken = tmp_path / "broken.colpkg"
    broken.write_bytes(b"PK\x03\x04 not really")
    result = runner.invoke(args=["anki", "import", "--user", user.email, str(broken)])
    assert result.exit_code == 1 and "not an Anki package" in result.output
    result = runner.invoke(args=["anki", "import", "--user", "nobody@example.com",
                                 str(package)])
    assert result.exit_code == 1 and "no user" in result.output



def test_a_data_file_keeps_anki_ids_so_a_later_import_adds_nothing(
        session: Session, user: User, phone: Phone, clock: FrozenClock, tmp_path: Path) -> None:
    phone_session(phone, clock)
    note = phone.col.new_note(phone.col.models.by_name("Basic"))
    note["Front"], note["Back"] = "Phone only", "Yes"
    phone.col.add_note(note, phone.col.decks.id("Default"))
    phone.answer(note.cards()[0].id, 4, clock() - timedelta(days=1), 3000)
    package = phone.export_colpkg(tmp_path / "p.colpkg")
    assert import_package(session, user, package, clock(),
                          import_unmatched=True).reviews_added == ANSWERS + 1
    session.commit()
    document = export_account(session, user, clock())

    moved = make_user(session, clock(), "moved@example.com")
    import_account(session, moved, document, clock())
    session.commit()
    again = import_package(session, moved, package, clock(), import_unmatched=True)
    session.commit()
    assert again.reviews_added == 0 and again.notes_imported == 0
    assert again.notes_matched == 31 and again.notes_unmatched == 0
    assert again.skipped == {"already_in_prep": ANSWERS + 1}


@pytest.mark.parametrize("cards", ["studied", "created by the import"])
def test_two_imports_of_one_file_at_once_count_each_answer_once(
        app: Flask, session: Session, user: User, phone: Phone, clock: FrozenClock,
        tmp_path: Path, cards: str) -> None:
    if cards == "studied":  # the second import waits for the first's lock on the cards
        answered = len(phone_session(phone, clock))
    else:  # nothing to lock: both insert the same rows, one meets the unique indexes
        questions = [card_id for card_id in phone.card_ids()
                     if phone.col.get_card(card_id).note_type()["name"] == "prep Multiple Choice"]
        answered = len(phone.answer_many(questions, 4, clock() - timedelta(days=5)))
    note = phone.col.new_note(phone.col.models.by_name("Basic"))
    note["Front"], note["Back"] = "Only on the phone", "Imported once"
    phone.col.add_note(note, phone.col.decks.id("Default"))
    phone.answer(note.cards()[0].id, 3, clock() - timedelta(days=1), 2500)
    history = read_package(phone.export_colpkg(tmp_path / "p.colpkg"))
    planned = threading.Barrier(2)
    results: list[object] = []

    def run() -> None:
        with app.extensions["prep.sessions"]() as own:
            try:
                mine = own.get(User, user.id)
                plan = plan_ingest(own, mine, history, import_unmatched=True)
                own.rollback()
                planned.wait(timeout=30)  # both have planned before either writes
                own.connection(execution_options={"sqlite_immediate": True})
                results.append(apply_plan(own, mine, plan, clock()).reviews_added)
                own.commit()
            except Exception as error:  # reported below, not lost in the thread
                results.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(results, key=str) == [0, answered + 1], results
    refresh(session)
    assert review_count(session) == answered + 1
    assert session.scalar(select(func.count(Item.id)).where(Item.anki_guid == note.guid)) == 1


def test_a_file_without_review_history_says_how_to_export_one(
        session: Session, user: User, phone: Phone, clock: FrozenClock, tmp_path: Path) -> None:
    summary = import_package(session, user, phone.export_colpkg(tmp_path / "p.colpkg"), clock())
    assert summary.reviews_added == 0 and summary.notes_matched == 30
    assert any("export with scheduling" in line for line in summary.lines())
    phone_session(phone, clock, count=1)
    summary = import_package(session, user, phone.export_colpkg(tmp_path / "q.colpkg"), clock())
    assert summary.revlog_rows == 1
    assert not any("export with scheduling" in line for line in summary.lines())


def test_a_review_id_that_names_an_anki_answer_does_not_block_the_import(
        session: Session, user: User, phone: Phone, clock: FrozenClock, tmp_path: Path) -> None:
    answers = phone_session(phone, clock, count=3)
    card = session.scalar(select(Card).where(Card.user_id == user.id).order_by(Card.id))
    answer_card(session, user, card.id, 3, f"anki-{answers[1].revlog_id}", card.reps, clock())
    answer_card(session, user, card.id, 3, "anki-²", card.reps, clock())
    session.commit()
    summary = import_package(session, user, phone.export_colpkg(tmp_path / "p.colpkg"), clock())
    assert summary.reviews_added == 2 and summary.skipped == {"already_in_prep": 1}


def test_the_temporary_folders_are_removed_whatever_happens(
        session: Session, user: User, phone: Phone, clock: FrozenClock, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    phone_session(phone, clock, count=2)
    good = phone.export_colpkg(tmp_path / "good.colpkg")
    broken = tmp_path / "broken.colpkg"
    broken.write_bytes(good.read_bytes()[:500])
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    assert import_package(session, user, good, clock()).reviews_added == 2
    with pytest.raises(AnkiImportError):
        import_package(session, user, broken, clock())
    with spooled_upload(io.BytesIO(good.read_bytes()), "good.colpkg") as path:
        assert path.parent.parent == scratch and read_package(path).notes
    assert list(scratch.iterdir()) == []
