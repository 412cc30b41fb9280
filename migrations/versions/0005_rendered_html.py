"""rendered item html: sanitised HTML of each item's Markdown, stored when content loads

Revision ID: 0005_rendered_html
Revises: 0004_attempt_clock
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_rendered_html"
down_revision: str | None = "0004_attempt_clock"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Filled by the next `prep decks load` (and rendered on demand until then).
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rendered", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_column("rendered")
