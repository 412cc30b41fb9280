"""review log last interval: the interval a card was answered at, for true retention

Revision ID: 0007_review_last_interval
Revises: 0006_content_version
Create Date: 2026-11-22
"""

import json
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0007_review_last_interval"
down_revision: str | None = "0006_content_version"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REVIEW = 2


def _interval(snapshot: dict) -> int | None:
    """Days from the card's last review to its due date, as the undo snapshot recorded them."""
    if snapshot.get("state") != REVIEW or not snapshot.get("due") or not snapshot.get("last_review"):
        return None
    due = datetime.fromisoformat(snapshot["due"])
    last = datetime.fromisoformat(snapshot["last_review"])
    return max(0, round((due - last).total_seconds() / 86400))


def upgrade() -> None:
    with op.batch_alter_table("review_logs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_interval", sa.Integer(), nullable=True))
    connection = op.get_bind()
    # In batches, each written with one executemany: a million-review database neither
    # holds every snapshot in memory nor pays a round trip per row.
    last_id, batch = 0, 5000
    update = sa.text("UPDATE review_logs SET last_interval = :days WHERE id = :id")
    while True:
        rows = connection.execute(
            sa.text("SELECT id, state_before FROM review_logs WHERE previous_state = :state "
                    "AND id > :after ORDER BY id LIMIT :batch"),
            {"state": REVIEW, "after": last_id, "batch": batch},
        ).all()
        if not rows:
            break
        values = []
        for row_id, before in rows:
            snapshot = json.loads(before) if isinstance(before, str) else before
            values.append({"days": _interval(snapshot or {}), "id": row_id})
        connection.execute(update, values)
        last_id = rows[-1][0]
    op.create_index("ix_review_logs_user_time", "review_logs",
                    ["user_id", "reviewed_at", "duration_ms"], unique=False)
    mature = sa.text("last_interval >= 21")
    op.create_index("ix_review_logs_user_mature", "review_logs",
                    ["user_id", "rating", "reviewed_at", "last_interval"], unique=False,
                    sqlite_where=mature, postgresql_where=mature)


def downgrade() -> None:
    op.drop_index("ix_review_logs_user_mature", table_name="review_logs")
    op.drop_index("ix_review_logs_user_time", table_name="review_logs")
    with op.batch_alter_table("review_logs", schema=None) as batch_op:
        batch_op.drop_column("last_interval")
