"""review log previous state: the card's state when answered, for the daily counts

Revision ID: 0002_review_previous_state
Revises: 0001_baseline
Create Date: 2026-11-21
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_review_previous_state"
down_revision: str | None = "0001_baseline"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("review_logs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_state", sa.Integer(), nullable=True))
    # Existing rows: the state is in the undo snapshot.
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, state_before FROM review_logs")).all()
    for row_id, before in rows:
        snapshot = json.loads(before) if isinstance(before, str) else before
        connection.execute(
            sa.text("UPDATE review_logs SET previous_state = :state WHERE id = :id"),
            {"state": int((snapshot or {}).get("state", 0)), "id": row_id},
        )
    with op.batch_alter_table("review_logs", schema=None) as batch_op:
        batch_op.alter_column("previous_state", existing_type=sa.Integer(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("review_logs", schema=None) as batch_op:
        batch_op.drop_column("previous_state")
