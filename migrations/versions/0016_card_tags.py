"""card tags: a user's own tags on their cards

card_tags holds one row per (card, tag); user_id repeats the card's owner so that the
browser's tag list and tag filter read one index.

Revision ID: 0016_card_tags
Revises: 0015_item_kinds
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_card_tags"
down_revision: str | None = "0015_item_kinds"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "card_tags",
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=60), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["card_id"], ["cards.id"],
                                name=op.f("fk_card_tags_card_id_cards"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_card_tags_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("card_id", "tag", name=op.f("pk_card_tags")),
    )
    op.create_index("ix_card_tags_user_tag", "card_tags", ["user_id", "tag", "card_id"])


def downgrade() -> None:
    op.drop_index("ix_card_tags_user_tag", table_name="card_tags")
    op.drop_table("card_tags")
