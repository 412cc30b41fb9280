"""undo actions, new-card order and "study more today"

card_actions keeps the day's bury, suspend and flag actions so that undo reverts the latest
action whatever it was; users gain new_card_order ("mixed" or "deck") and today's extra
new cards and review-ahead days.

Revision ID: 0011_undo_actions
Revises: 0009_anki_links
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0011_undo_actions"
down_revision: str | None = "0009_anki_links"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "card_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("after_review_id", sa.BigInteger(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["card_id"], ["cards.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_card_actions_card_id", "card_actions", ["card_id"])
    op.create_index("ix_card_actions_user_done", "card_actions", ["user_id", "done_at", "id"])
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("new_card_order", sa.String(length=16),
                                      server_default="mixed", nullable=False))
        batch_op.add_column(sa.Column("study_more_day", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("extra_new", sa.Integer(), server_default="0",
                                      nullable=False))
        batch_op.add_column(sa.Column("review_ahead_days", sa.Integer(), server_default="0",
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("review_ahead_days")
        batch_op.drop_column("extra_new")
        batch_op.drop_column("study_more_day")
        batch_op.drop_column("new_card_order")
    op.drop_index("ix_card_actions_user_done", table_name="card_actions")
    op.drop_index("ix_card_actions_card_id", table_name="card_actions")
    op.drop_table("card_actions")
