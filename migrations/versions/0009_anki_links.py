"""anki links: each user's Anki sync server link, last result and sync lease

Revision ID: 0009_anki_links
Revises: 0008_anki_revlog_ids
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_anki_links"
down_revision: str | None = "0008_anki_revlog_ids"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "anki_links",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("endpoint", sa.String(length=500), nullable=False),
        sa.Column("username", sa.String(length=254), nullable=False),
        sa.Column("hkey", sa.String(length=128), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sync_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_result", sa.String(length=16), nullable=True),
        sa.Column("last_message", sa.Text(), nullable=False),
        sa.Column("last_summary", sa.JSON(), nullable=True),
        sa.Column("content_stamp", sa.String(length=64), nullable=True),
        sa.Column("lease_token", sa.String(length=32), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_anki_links_user_id_users",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name="pk_anki_links"),
    )


def downgrade() -> None:
    op.drop_table("anki_links")
