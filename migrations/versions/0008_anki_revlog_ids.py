"""anki revlog ids: each answer crosses between prep and Anki once; imported notes' GUIDs

Revision ID: 0008_anki_revlog_ids
Revises: 0007_review_last_interval
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_anki_revlog_ids"
down_revision: str | None = "0007_review_last_interval"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("anki_guid", sa.String(length=64), nullable=True))
    with op.batch_alter_table("review_logs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("anki_revlog_id", sa.BigInteger(), nullable=True))
    # NULLs are distinct in a unique index on both databases: web-only answers never clash.
    op.create_index("uq_review_logs_user_anki_revlog", "review_logs",
                    ["user_id", "anki_revlog_id"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_review_logs_user_anki_revlog", table_name="review_logs")
    with op.batch_alter_table("review_logs", schema=None) as batch_op:
        batch_op.drop_column("anki_revlog_id")
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_column("anki_guid")
