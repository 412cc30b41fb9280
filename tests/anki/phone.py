"""Real Anki collections standing in for a phone (the Rust backend AnkiDroid and AnkiMobile
run), for the import and sync tests: fill one from prep's own .apkg export, answer cards
with Anki's own v3 scheduler at chosen times, export it with Anki's own exporters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from anki.collection import Collection, ExportAnkiPackageOptions
from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.scheduler.v3 import CardAnswer
from sqlalchemy.orm import Session

from prep.export.anki import export_anki
from prep.models import User
from tests.factories import FIXTURE_DECKS, add_flashcards, enrolled_user

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Mixed ratings (Again, Hard, Good, Easy), repeated through a session of answers.
MIXED_RATINGS = (3, 1, 3, 4, 2, 3, 3, 1, 4, 3, 2, 3)


@dataclass(frozen=True)
class PhoneAnswer:
    """One answer given on the phone: what a prep review of it must hold."""

    revlog_id: int
    card_id: int
    guid: str
    rating: int
    taken_ms: int

    @property
    def at(self) -> datetime:
        return EPOCH + timedelta(milliseconds=self.revlog_id)


def millis(at: datetime) -> int:
    """Milliseconds since the epoch (Anki's revlog ids and answer times)."""
    return (at - EPOCH) // timedelta(milliseconds=1)


class Phone:
    """An Anki collection in ``folder`` (created empty if missing)."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "collection.anki2"
        self.col = Collection(str(self.path))

    def close(self) -> None:
        self.col.close()

    def import_package(self, package: Path, *, scheduling: bool = False) -> None:
        """Import an .apkg the way Anki's File → Import does."""
        self.col.import_anki_package(ImportAnkiPackageRequest(
            package_path=str(package),
            options=ImportAnkiPackageOptions(with_scheduling=scheduling)))

    def card_ids(self) -> list[int]:
        """Every card, in the order of its note's GUID (stable across runs)."""
        return [card_id for _, card_id in sorted(
            (self.col.get_card(card_id).note().guid, card_id)
            for card_id in self.col.find_cards(""))]

    def guid(self, card_id: int) -> str:
        return self.col.get_card(card_id).note().guid

    def answer(self, card_id: int, rating: int, at: datetime, taken_ms: int) -> PhoneAnswer:
        """Answer a card with Anki's scheduler as if at ``at`` (the revlog id is that time)."""
        card = self.col.get_card(card_id)
        card.start_timer()
        states = self.col._backend.get_scheduling_states(card_id)
        answer = self.col.sched.build_answer(card=card, states=states,
                                             rating=CardAnswer.Rating.Value(
                                                 ("AGAIN", "HARD", "GOOD", "EASY")[rating - 1]))
        answer.answered_at_millis = millis(at)
        answer.milliseconds_taken = taken_ms
        self.col.sched.answer_card(answer)
        revlog_id = self.col.db.scalar("select max(id) from revlog where cid = ?", card_id)
        return PhoneAnswer(revlog_id, card_id, self.guid(card_id), rating, taken_ms)

    def answer_many(self, card_ids: list[int], count: int, start: datetime,
                    ratings: tuple[int, ...] = MIXED_RATINGS) -> list[PhoneAnswer]:
        """``count`` answers with mixed ratings: round after round over ``card_ids``, one
        round per day from ``start``, each answer 37 s after the previous one."""
        answers = []
        for n in range(count):
            day, position = divmod(n, len(card_ids))
            at = start + timedelta(days=day, seconds=37 * position, milliseconds=n)
            answers.append(self.answer(card_ids[position], ratings[n % len(ratings)], at,
                                       taken_ms=1500 + 250 * n))
        return answers

    def export_colpkg(self, out: Path, *, legacy: bool = False) -> Path:
        """Anki's File → Export → collection package (the collection is reopened after)."""
        self.col.export_collection_package(str(out), include_media=True, legacy=legacy)
        self.col.reopen()
        return out

    def export_apkg(self, out: Path) -> Path:
        """Anki's File → Export → deck package of everything, with scheduling."""
        self.col.export_anki_package(
            out_path=str(out), limit=None,
            options=ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True,
                                             with_media=True, legacy=False))
        return out

    def revlog_count(self) -> int:
        return self.col.db.scalar("select count() from revlog")


def studying_user(session: Session, now: datetime, own_cards: int = 26) -> User:
    """A user studying the fixture track "alpha" (4 items), with ``own_cards`` own cards."""
    user = enrolled_user(session, now, tracks=("alpha",))
    add_flashcards(session, user, own_cards, now)
    return user


def phone_with_prep_decks(session: Session, user: User, folder: Path,
                          decks_root: Path = FIXTURE_DECKS,
                          tracks: list[str] | None = None) -> Phone:
    """A phone that imported prep's .apkg export of ``tracks`` and the user's own cards."""
    package = folder / "prep.apkg"
    folder.mkdir(parents=True, exist_ok=True)
    export_anki(session, package, decks_root, tracks, user=user)
    phone = Phone(folder / "phone")
    phone.import_package(package)
    return phone
