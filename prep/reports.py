"""Users report a problem with a shared question or flashcard; admins review and resolve.

A user has at most one open report per item (a partial unique index holds it even against
racing submits); once an admin resolves it, the user may report the item again. Reports
are about shared content only: a user's own cards are theirs to edit.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from prep.models import REASONS, Deck, Item, ItemReport, User

MAX_COMMENT = 2000


class ReportError(ValueError):
    """A report that cannot be accepted, with the message to show."""


class AlreadyReported(ReportError):
    """The user already has an open report on this item."""

    def __init__(self, report: ItemReport):
        super().__init__("You already reported this item; it is still open.")
        self.report = report


def shared_item(session: Session, uid: str, *, live_only: bool = True) -> Item | None:
    """The shared item with ``uid`` (live only, unless asked), or None: own cards and unknown
    ids alike, so another user's own card is indistinguishable from a missing one."""
    query = select(Item).join(Deck, Item.deck_id == Deck.id).where(
        Item.uid == uid, Deck.owner_id.is_(None))
    if live_only:
        query = query.where(Item.retired_at.is_(None))
    return session.scalar(query)


def open_report(session: Session, user: User, item: Item) -> ItemReport | None:
    """The user's open report on ``item``, if any."""
    return session.scalar(select(ItemReport).where(
        ItemReport.user_id == user.id, ItemReport.item_id == item.id,
        ItemReport.resolved_at.is_(None)))


def report_problem(session: Session, user: User, item: Item, reason: str, comment: str,
                   now: datetime) -> ItemReport:
    """Record a report (flushed); ReportError on bad input, AlreadyReported on a second."""
    if reason not in REASONS:
        raise ReportError("Choose what is wrong with the item.")
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        raise ReportError(f"Keep the comment under {MAX_COMMENT} characters.")
    if reason == "other" and not comment:
        raise ReportError("Say in the comment what is wrong.")
    if (existing := open_report(session, user, item)) is not None:
        raise AlreadyReported(existing)
    report = ItemReport(item_id=item.id, user_id=user.id, reason=reason, comment=comment,
                        created_at=now)
    session.add(report)
    # A concurrent submit of the same report makes this flush (or the commit) raise
    # IntegrityError on the partial unique index: the caller rolls back and finds it open.
    session.flush()
    return report


@dataclass
class ItemReportSummary:
    """An item with the counts of its reports, for the admin's list."""

    item: Item
    open: int = 0
    total: int = 0
    reasons: Counter[str] = field(default_factory=Counter)  # open reports by reason


def report_summaries(session: Session) -> list[ItemReportSummary]:
    """Every reported item, most open reports first, with counts by reason."""
    rows = session.execute(
        select(ItemReport.item_id, ItemReport.reason, ItemReport.resolved_at.is_(None),
               func.count()).group_by(ItemReport.item_id, ItemReport.reason,
                                      ItemReport.resolved_at.is_(None))).all()
    items = {item.id: item for item in session.scalars(
        select(Item).where(Item.id.in_({row[0] for row in rows}))
        .options(selectinload(Item.deck)))}
    summaries: dict[int, ItemReportSummary] = {}
    for item_id, reason, is_open, count in rows:
        summary = summaries.setdefault(item_id, ItemReportSummary(items[item_id]))
        summary.total += count
        if is_open:
            summary.open += count
            summary.reasons[reason] += count
    return sorted(summaries.values(), key=lambda s: (-s.open, -s.total, s.item.uid))


def item_reports(session: Session, item: Item) -> list[ItemReport]:
    """The reports on one item, open ones first, newest first within each."""
    return list(session.scalars(
        select(ItemReport).where(ItemReport.item_id == item.id)
        .options(selectinload(ItemReport.user))
        .order_by(ItemReport.resolved_at.is_not(None), ItemReport.created_at.desc(),
                  ItemReport.id.desc())))


def resolve_report(report: ItemReport, admin: User, now: datetime) -> bool:
    """Mark a report resolved; False (and no change) when it already was."""
    if report.resolved_at is not None:
        return False
    report.resolved_at, report.resolved_by_id = now, admin.id
    return True
