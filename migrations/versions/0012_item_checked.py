"""item checked month and exam status note: how current the content is

Revision ID: 0012_item_checked
Revises: 0011_undo_actions
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_item_checked"
down_revision: str | None = "0011_undo_actions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checked", sa.String(length=7), nullable=True))
    with op.batch_alter_table("exams", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status_note", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("exams", schema=None) as batch_op:
        batch_op.drop_column("status_note")
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_column("checked")
