"""skills checks, credentials, and the advisor's exam facts

Revision ID: 0014_skills_checks
Revises: 0013_item_reports
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_skills_checks"
down_revision: str | None = "0013_item_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("exams") as batch:
        batch.add_column(sa.Column("facts", sa.JSON(), nullable=True))
    op.create_table(
        "skills_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("results", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_skills_checks_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skills_checks")),
    )
    op.create_index("ix_skills_checks_user_started", "skills_checks", ["user_id", "started_at"])
    op.create_table(
        "skills_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=80), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("chosen", sa.String(length=16), nullable=True),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["check_id"], ["skills_checks.id"],
                                name=op.f("fk_skills_answers_check_id_skills_checks"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"],
                                name=op.f("fk_skills_answers_item_id_items")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skills_answers")),
    )
    op.create_index(op.f("ix_skills_answers_item_id"), "skills_answers", ["item_id"])
    op.create_index("uq_skills_answers_check_item", "skills_answers", ["check_id", "item_id"],
                    unique=True)
    op.create_index("uq_skills_answers_check_position", "skills_answers",
                    ["check_id", "position"], unique=True)
    op.create_table(
        "credentials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("exam_id", sa.String(length=64), nullable=False),
        sa.Column("passed_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_credentials_user_id_users"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["exam_id"], ["exams.id"],
                                name=op.f("fk_credentials_exam_id_exams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credentials")),
    )
    op.create_index("uq_credentials_user_exam_passed", "credentials",
                    ["user_id", "exam_id", "passed_on"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_credentials_user_exam_passed", table_name="credentials")
    op.drop_table("credentials")
    op.drop_index("uq_skills_answers_check_position", table_name="skills_answers")
    op.drop_index("uq_skills_answers_check_item", table_name="skills_answers")
    op.drop_index(op.f("ix_skills_answers_item_id"), table_name="skills_answers")
    op.drop_table("skills_answers")
    op.drop_index("ix_skills_checks_user_started", table_name="skills_checks")
    op.drop_table("skills_checks")
    with op.batch_alter_table("exams") as batch:
        batch.drop_column("facts")
