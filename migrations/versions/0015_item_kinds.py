"""item kinds: ordering, matching, case studies and yes/no series; partial scores, locks

Revision ID: 0015_item_kinds
Revises: 0014_skills_checks
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_item_kinds"
down_revision: str | None = "0014_skills_checks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.add_column(sa.Column("prompts", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("explanation", sa.Text(), nullable=True))
        batch.add_column(sa.Column("group_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("group_position", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_items_group_id_items"), "items", ["group_id"], ["id"])
        batch.create_index(op.f("ix_items_group_id"), ["group_id"])
    with op.batch_alter_table("exams") as batch:
        batch.add_column(sa.Column("kinds", sa.JSON(), nullable=True))
    with op.batch_alter_table("exam_attempts") as batch:
        batch.add_column(sa.Column("points", sa.Float(), nullable=True))
    with op.batch_alter_table("attempt_questions") as batch:
        batch.add_column(sa.Column("score", sa.Float(), nullable=True))
        batch.add_column(sa.Column("locked", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("attempt_questions") as batch:
        batch.drop_column("locked")
        batch.drop_column("score")
    with op.batch_alter_table("exam_attempts") as batch:
        batch.drop_column("points")
    with op.batch_alter_table("exams") as batch:
        batch.drop_column("kinds")
    with op.batch_alter_table("items") as batch:
        batch.drop_index(op.f("ix_items_group_id"))
        batch.drop_constraint(op.f("fk_items_group_id_items"), type_="foreignkey")
        batch.drop_column("group_position")
        batch.drop_column("group_id")
        batch.drop_column("explanation")
        batch.drop_column("prompts")
