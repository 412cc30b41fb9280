"""attempt clock and exam cards: time per question, custom quizzes, cards from missed questions

Revision ID: 0004_attempt_clock
Revises: 0003_card_activity
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_attempt_clock"
down_revision: str | None = "0003_card_activity"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("from_exam", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.alter_column("from_exam", server_default=None)
    with op.batch_alter_table("exam_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("custom", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("current_position", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("current_since", sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("exam_attempts", schema=None) as batch_op:
        batch_op.drop_column("current_since")
        batch_op.drop_column("current_position")
        batch_op.drop_column("custom")
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.drop_column("from_exam")
