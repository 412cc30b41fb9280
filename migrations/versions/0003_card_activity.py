"""card activity and queue indexes: the queue reads one flag and covering indexes, no joins

Revision ID: 0003_card_activity
Revises: 0002_review_previous_state
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_card_activity"
down_revision: str | None = "0002_review_previous_state"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Active: the item is live and the card's user owns its deck or studies its track.
_ACTIVITY = """
UPDATE cards SET active = EXISTS (
    SELECT 1 FROM items JOIN decks ON decks.id = items.deck_id
    WHERE items.id = cards.item_id AND items.retired_at IS NULL
      AND (decks.owner_id = cards.user_id
           OR EXISTS (SELECT 1 FROM enrollments
                      WHERE enrollments.user_id = cards.user_id
                        AND enrollments.track_id = decks.track_id)))
"""


def upgrade() -> None:
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("active", sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
        batch_op.drop_index("ix_cards_user_state_due")
        batch_op.create_index("ix_cards_queue", ["user_id", "state", "active", "suspended",
                                                 "due", "id", "buried_until"], unique=False)
        # New cards are ordered by (due, id), which the queue index serves.
        batch_op.drop_column("new_position")
    op.execute(_ACTIVITY)
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.alter_column("active", server_default=None)
    with op.batch_alter_table("review_logs", schema=None) as batch_op:
        batch_op.drop_index("ix_review_logs_user_reviewed_at")
        batch_op.create_index("ix_review_logs_user_reviewed_at",
                              ["user_id", "reviewed_at", "previous_state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("review_logs", schema=None) as batch_op:
        batch_op.drop_index("ix_review_logs_user_reviewed_at")
        batch_op.create_index("ix_review_logs_user_reviewed_at", ["user_id", "reviewed_at"],
                              unique=False)
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.drop_index("ix_cards_queue")
        batch_op.create_index("ix_cards_user_state_due", ["user_id", "state", "due"],
                              unique=False)
        batch_op.drop_column("active")
        batch_op.add_column(sa.Column("new_position", sa.Integer(), nullable=False,
                                      server_default="0"))
