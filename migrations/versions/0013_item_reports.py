"""item reports: users report a problem with a question or flashcard

Revision ID: 0013_item_reports
Revises: 0012_item_checked
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_item_reports"
down_revision: str | None = "0012_item_checked"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "item_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"],
                                name=op.f("fk_item_reports_item_id_items"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_item_reports_user_id_users"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["resolved_by_id"], ["users.id"],
                                name=op.f("fk_item_reports_resolved_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_reports")),
    )
    op.create_index("ix_item_reports_item", "item_reports", ["item_id", "resolved_at"])
    still_open = sa.text("resolved_at IS NULL")
    op.create_index("uq_item_reports_one_open", "item_reports", ["user_id", "item_id"],
                    unique=True, sqlite_where=still_open, postgresql_where=still_open)


def downgrade() -> None:
    op.drop_index("uq_item_reports_one_open", table_name="item_reports")
    op.drop_index("ix_item_reports_item", table_name="item_reports")
    op.drop_table("item_reports")
