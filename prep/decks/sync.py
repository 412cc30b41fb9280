"""Syncing validated deck files into the database: an idempotent, history-keeping upsert.

New items are inserted, changed items (by content hash) updated, items gone from the files
retired (never deleted, so users' card states and review logs stay), returning items revived.
Only tracks present in the bundle are touched: loading one track folder leaves the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from prep.decks.spec import DeckBundle, ExamSpec, ItemSpec, stored_options
from prep.exams.pools import bump_content_version
from prep.models import (
    CARD,
    GROUP_KINDS,
    Deck,
    Enrollment,
    Exam,
    ExamDomain,
    Item,
    ItemDomain,
    Track,
)
from prep.study.enrollment import add_cards, refresh_activity


class InvalidDecks(ValueError):
    """Raised when asked to load a bundle that has faults."""


@dataclass
class SyncReport:
    """What a load changed."""

    added: int = 0
    updated: int = 0
    retired: int = 0
    revived: int = 0
    unchanged: int = 0
    rechecked: int = 0  # unchanged items whose ``checked`` month alone changed
    blueprint_changes: int = 0  # tracks, exams, domains and decks created or changed
    new_cards: int = 0
    details: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when the load changed anything at all."""
        return bool(self.added or self.updated or self.retired or self.revived
                    or self.blueprint_changes)

    def summary(self) -> str:
        """One line for the command line."""
        if not self.changed:
            rechecked = f", {self.rechecked} re-checked" if self.rechecked else ""
            return f"no changes ({self.unchanged} items up to date{rechecked})"
        return (
            f"{self.added} added, {self.updated} updated, {self.retired} retired, "
            f"{self.revived} revived, {self.unchanged} unchanged; "
            f"{self.blueprint_changes} track/exam/deck changes; {self.new_cards} new user cards"
        )


def _assign(target: Any, **values: Any) -> bool:
    """Set attributes that differ; True if any did."""
    changed = False
    for name, value in values.items():
        if getattr(target, name) != value:
            setattr(target, name, value)
            changed = True
    return changed


def render_bundle(session: Session, bundle: DeckBundle) -> dict[str, dict[str, object]]:
    """HTML for every item of ``bundle`` whose stored HTML is missing or stale, by uid: made
    before ``sync_decks`` takes the write lock, so that the lock is held for writes only."""
    from prep.rendering import RENDERING_VERSION, render_item

    stored = {uid: made_from for uid, made_from in session.execute(select(
        Item.uid, Item.content_hash + "/" + Item.rendered["version"].as_string()))}
    return {
        spec.uid: render_item(spec.prompt, spec.answer_text, stored_options(spec.options),
                              spec.content_hash, explanation=spec.explanation,
                              prompts=stored_options(spec.prompts))
        for spec in bundle.items
        if stored.get(spec.uid) != f"{spec.content_hash}/{RENDERING_VERSION}"
    }


def sync_decks(session: Session, bundle: DeckBundle, now: datetime,
               rendered: dict[str, dict[str, object]] | None = None) -> SyncReport:
    """Bring the database in line with ``bundle``; the caller commits. ``rendered`` is
    ``render_bundle``'s HTML (items are rendered here when it is missing)."""
    if bundle.faults:
        raise InvalidDecks(f"{len(bundle.faults)} faults: fix them before loading")
    report = SyncReport()
    track_ids = {track.id for track in bundle.tracks}
    for spec in bundle.tracks:
        track = session.get(Track, spec.id) or Track(id=spec.id)
        session.add(track)
        report.blueprint_changes += _assign(
            track, name=spec.name, vendor=spec.vendor, position=spec.position,
            description=spec.description,
        )
    session.flush()
    domain_ids: dict[tuple[str, int], ExamDomain] = {}
    for exam_spec in bundle.exams:
        domain_ids.update(_sync_exam(session, exam_spec, report))
    decks = _sync_decks(session, bundle, track_ids, now, report)
    _sync_items(session, bundle, track_ids, decks, domain_ids, now, report, rendered or {})
    if report.changed:
        bump_content_version(session, now)
    return report


def _sync_exam(session: Session, spec: ExamSpec, report: SyncReport) -> dict[tuple[str, int],
                                                                            ExamDomain]:
    exam = session.get(Exam, spec.id) or Exam(id=spec.id)
    session.add(exam)
    report.blueprint_changes += _assign(
        exam, track_id=spec.track, is_primary=spec.is_primary, code=spec.code, name=spec.name,
        vendor=spec.vendor, guide_version=spec.guide_version, status=spec.status,
        retired_on=spec.retired_on, successor_id=spec.successor,
        successor_note=spec.successor_note, status_note=spec.status_note,
        question_count=spec.questions,
        scored_question_count=spec.scored_questions, minutes=spec.minutes,
        multiple_response=spec.multiple_response, item_types=spec.item_types,
        scoring_kind=spec.scoring_kind, scale_min=spec.scale_min, scale_max=spec.scale_max,
        pass_mark=spec.pass_mark, unverified=spec.unverified, facts=spec.facts(),
        kinds=spec.kinds,
    )
    existing = {domain.number: domain for domain in exam.domains}
    wanted = {domain.number for domain in spec.domains}
    for number, dropped in existing.items():
        if number not in wanted:
            session.query(ItemDomain).filter_by(domain_id=dropped.id).delete()
            exam.domains.remove(dropped)
            report.blueprint_changes += 1
    for domain_spec in spec.domains:
        domain = existing.get(domain_spec.number)
        if domain is None:
            domain = ExamDomain(number=domain_spec.number)
            exam.domains.append(domain)
        report.blueprint_changes += _assign(
            domain, name=domain_spec.name, weight=domain_spec.weight,
            weight_low=domain_spec.weight_low, weight_high=domain_spec.weight_high,
            topics=domain_spec.topics,
        )
    session.flush()
    return {(spec.id, domain.number): domain for domain in exam.domains}


def _sync_decks(
    session: Session, bundle: DeckBundle, track_ids: set[str], now: datetime, report: SyncReport
) -> dict[str, Deck]:
    existing = {
        deck.slug: deck
        for deck in session.scalars(
            select(Deck).where(Deck.owner_id.is_(None), Deck.track_id.in_(track_ids))
        )
    }
    decks: dict[str, Deck] = {}
    for spec in bundle.decks:
        deck = existing.get(spec.slug) or Deck(slug=spec.slug)
        session.add(deck)
        report.blueprint_changes += _assign(
            deck, track_id=spec.track, title=spec.title, description=spec.description,
            source_path=spec.path, retired_at=None,
        )
        decks[spec.slug] = deck
    for slug, deck in existing.items():
        if slug not in decks and deck.retired_at is None:
            deck.retired_at = now
            report.blueprint_changes += 1
    session.flush()
    return decks


def _sync_items(
    session: Session,
    bundle: DeckBundle,
    track_ids: set[str],
    decks: dict[str, Deck],
    domains: dict[tuple[str, int], ExamDomain],
    now: datetime,
    report: SyncReport,
    rendered: dict[str, dict[str, object]],
) -> None:
    existing = {item.uid: item for item in session.scalars(select(Item))}
    fresh: list[Item] = []
    for spec in bundle.items:
        item = existing.get(spec.uid)
        if item is not None and item.deck.owner_id is not None:
            raise InvalidDecks(f"{spec.path}:{spec.line}: id {spec.uid!r} is a user's own card")
        content_hash = spec.content_hash
        if item is None:
            # A group precedes its members in the bundle: they find its item here.
            item = existing[spec.uid] = Item(uid=spec.uid, created_at=now)
            session.add(item)
            report.added += 1
        elif item.content_hash == content_hash and item.retired_at is None:
            _assign(item, source_path=spec.path, source_line=spec.line)
            report.rechecked += _assign(item, checked=spec.checked)
            item.refresh_rendered(rendered.get(spec.uid))  # a no-op unless the renderer changed
            report.unchanged += 1
            continue
        elif item.retired_at is not None:
            report.revived += 1
        else:
            report.updated += 1
        group = existing[spec.group.uid] if spec.group is not None else None
        _write_item(item, spec, group, decks[spec.deck_slug], domains, now)
        item.refresh_rendered(rendered.get(spec.uid))
        fresh.append(item)
    live = {spec.uid for spec in bundle.items}
    retired = []
    for uid, item in existing.items():
        in_scope = item.deck.owner_id is None and item.deck.track_id in track_ids
        if in_scope and uid not in live and item.retired_at is None:
            item.retired_at = now
            retired.append(item)
    report.retired += len(retired)
    session.flush()
    _add_cards_for_enrolled(session, fresh, now, report)
    if changed := [item.id for item in fresh + retired]:
        refresh_activity(session, item_ids=changed)


def _write_item(
    item: Item, spec: ItemSpec, group: Item | None, deck: Deck,
    domains: dict[tuple[str, int], ExamDomain], now: datetime,
) -> None:
    if item.content_hash != spec.content_hash:
        item.updated_at = now
    _assign(
        item, deck=deck, kind=spec.kind, prompt=spec.prompt, answer_text=spec.answer_text,
        options=stored_options(spec.options), correct=spec.correct,
        prompts=stored_options(spec.prompts), explanation=spec.explanation,
        group=group, group_position=spec.group_position,
        reference=spec.reference, image=spec.image, tags=spec.tags, checked=spec.checked,
        content_hash=spec.content_hash, source_path=spec.path, source_line=spec.line,
        retired_at=None,
    )
    # A case or series is never drawn alone: only its members serve exam domains.
    item.domains = [] if spec.kind in GROUP_KINDS else [
        domains[(exam_id, number)] for exam_id, number in sorted(spec.domains.items())
        if (exam_id, number) in domains]


def _add_cards_for_enrolled(
    session: Session, items: list[Item], now: datetime, report: SyncReport
) -> None:
    by_track: dict[str, list[Item]] = {}
    for item in items:
        track_id = item.deck.track_id  # always set: deck files are shared decks
        if item.kind == CARD and track_id is not None:  # questions: queued when missed
            by_track.setdefault(track_id, []).append(item)
    for track_id, track_items in by_track.items():
        users = session.scalars(select(Enrollment.user_id).where(Enrollment.track_id == track_id))
        report.new_cards += add_cards(session, users, track_items, now)
