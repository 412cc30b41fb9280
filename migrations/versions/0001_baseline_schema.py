"""baseline schema

Revision ID: 0001_baseline
Revises: 
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0001_baseline'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table('tracks',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('vendor', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tracks'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('session_token', sa.String(length=64), nullable=False),
    sa.Column('is_admin', sa.Boolean(), nullable=False),
    sa.Column('is_disabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('desired_retention', sa.Float(), nullable=False),
    sa.Column('new_per_day', sa.Integer(), nullable=False),
    sa.Column('reviews_per_day', sa.Integer(), nullable=False),
    sa.Column('learning_steps', sa.JSON(), nullable=False),
    sa.Column('relearning_steps', sa.JSON(), nullable=False),
    sa.Column('maximum_interval', sa.Integer(), nullable=False),
    sa.Column('day_start_hour', sa.Integer(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('fsrs_parameters', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('decks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=200), nullable=False),
    sa.Column('track_id', sa.String(length=64), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('source_path', sa.String(length=500), nullable=True),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_decks_owner_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['track_id'], ['tracks.id'], name=op.f('fk_decks_track_id_tracks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decks')),
    sa.UniqueConstraint('slug', name=op.f('uq_decks_slug'))
    )
    with op.batch_alter_table('decks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decks_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decks_track_id'), ['track_id'], unique=False)

    op.create_table('enrollments',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('track_id', sa.String(length=64), nullable=False),
    sa.Column('exam_date', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['track_id'], ['tracks.id'], name=op.f('fk_enrollments_track_id_tracks')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_enrollments_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'track_id', name=op.f('pk_enrollments'))
    )
    op.create_table('exams',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('track_id', sa.String(length=64), nullable=False),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('vendor', sa.String(length=100), nullable=False),
    sa.Column('guide_version', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('retired_on', sa.Date(), nullable=True),
    sa.Column('successor_id', sa.String(length=64), nullable=True),
    sa.Column('successor_note', sa.Text(), nullable=True),
    sa.Column('question_count', sa.Integer(), nullable=False),
    sa.Column('scored_question_count', sa.Integer(), nullable=True),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('multiple_response', sa.Boolean(), nullable=False),
    sa.Column('item_types', sa.JSON(), nullable=False),
    sa.Column('scoring_kind', sa.String(length=16), nullable=False),
    sa.Column('scale_min', sa.Integer(), nullable=True),
    sa.Column('scale_max', sa.Integer(), nullable=True),
    sa.Column('pass_mark', sa.Float(), nullable=False),
    sa.Column('unverified', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['track_id'], ['tracks.id'], name=op.f('fk_exams_track_id_tracks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exams'))
    )
    with op.batch_alter_table('exams', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exams_track_id'), ['track_id'], unique=False)

    op.create_table('exam_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('exam_id', sa.String(length=64), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deadline', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('question_count', sa.Integer(), nullable=False),
    sa.Column('correct_count', sa.Integer(), nullable=True),
    sa.Column('score_scaled', sa.Float(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('notes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['exam_id'], ['exams.id'], name=op.f('fk_exam_attempts_exam_id_exams')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_exam_attempts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exam_attempts'))
    )
    with op.batch_alter_table('exam_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_exam_attempts_user_exam_started', ['user_id', 'exam_id', 'started_at'], unique=False)
        batch_op.create_index('uq_exam_attempts_one_open_exam', ['user_id', 'exam_id'], unique=True, sqlite_where=sa.text("status = 'open' AND mode = 'exam'"), postgresql_where=sa.text("status = 'open' AND mode = 'exam'"))

    op.create_table('exam_domains',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exam_id', sa.String(length=64), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('weight_low', sa.Float(), nullable=True),
    sa.Column('weight_high', sa.Float(), nullable=True),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['exam_id'], ['exams.id'], name=op.f('fk_exam_domains_exam_id_exams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exam_domains'))
    )
    with op.batch_alter_table('exam_domains', schema=None) as batch_op:
        batch_op.create_index('uq_exam_domains_exam_number', ['exam_id', 'number'], unique=True)

    op.create_table('items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=64), nullable=False),
    sa.Column('deck_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('prompt', sa.Text(), nullable=False),
    sa.Column('answer_text', sa.Text(), nullable=True),
    sa.Column('options', sa.JSON(), nullable=True),
    sa.Column('correct', sa.JSON(), nullable=True),
    sa.Column('reference', sa.Text(), nullable=True),
    sa.Column('image', sa.String(length=500), nullable=True),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('source_path', sa.String(length=500), nullable=True),
    sa.Column('source_line', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['deck_id'], ['decks.id'], name=op.f('fk_items_deck_id_decks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_items')),
    sa.UniqueConstraint('uid', name=op.f('uq_items_uid'))
    )
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_items_deck_id'), ['deck_id'], unique=False)

    op.create_table('attempt_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('option_order', sa.JSON(), nullable=False),
    sa.Column('chosen', sa.JSON(), nullable=True),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('correct', sa.Boolean(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('time_spent_ms', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['exam_attempts.id'], name=op.f('fk_attempt_questions_attempt_id_exam_attempts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_attempt_questions_item_id_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attempt_questions'))
    )
    with op.batch_alter_table('attempt_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attempt_questions_item_id'), ['item_id'], unique=False)
        batch_op.create_index('uq_attempt_questions_attempt_item', ['attempt_id', 'item_id'], unique=True)
        batch_op.create_index('uq_attempt_questions_attempt_position', ['attempt_id', 'position'], unique=True)

    op.create_table('cards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Integer(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=True),
    sa.Column('stability', sa.Float(), nullable=True),
    sa.Column('difficulty', sa.Float(), nullable=True),
    sa.Column('due', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_review', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reps', sa.Integer(), nullable=False),
    sa.Column('lapses', sa.Integer(), nullable=False),
    sa.Column('new_position', sa.Integer(), nullable=False),
    sa.Column('suspended', sa.Boolean(), nullable=False),
    sa.Column('buried_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('leech', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_cards_item_id_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_cards_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cards'))
    )
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cards_item_id'), ['item_id'], unique=False)
        batch_op.create_index('ix_cards_user_state_due', ['user_id', 'state', 'due'], unique=False)
        batch_op.create_index('uq_cards_user_item', ['user_id', 'item_id'], unique=True)

    op.create_table('item_domains',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('domain_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['domain_id'], ['exam_domains.id'], name=op.f('fk_item_domains_domain_id_exam_domains'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_item_domains_item_id_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', 'domain_id', name=op.f('pk_item_domains'))
    )
    with op.batch_alter_table('item_domains', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_domains_domain_id'), ['domain_id'], unique=False)

    op.create_table('review_logs',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('card_id', sa.Integer(), nullable=False),
    sa.Column('review_uid', sa.String(length=64), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('duration_ms', sa.Integer(), nullable=True),
    sa.Column('state_before', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['card_id'], ['cards.id'], name=op.f('fk_review_logs_card_id_cards'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_review_logs_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_logs'))
    )
    with op.batch_alter_table('review_logs', schema=None) as batch_op:
        batch_op.create_index('ix_review_logs_card_reviewed_at', ['card_id', 'reviewed_at'], unique=False)
        batch_op.create_index('ix_review_logs_user_reviewed_at', ['user_id', 'reviewed_at'], unique=False)
        batch_op.create_index('uq_review_logs_user_review_uid', ['user_id', 'review_uid'], unique=True)




def downgrade() -> None:

    with op.batch_alter_table('review_logs', schema=None) as batch_op:
        batch_op.drop_index('uq_review_logs_user_review_uid')
        batch_op.drop_index('ix_review_logs_user_reviewed_at')
        batch_op.drop_index('ix_review_logs_card_reviewed_at')

    op.drop_table('review_logs')
    with op.batch_alter_table('item_domains', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_domains_domain_id'))

    op.drop_table('item_domains')
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.drop_index('uq_cards_user_item')
        batch_op.drop_index('ix_cards_user_state_due')
        batch_op.drop_index(batch_op.f('ix_cards_item_id'))

    op.drop_table('cards')
    with op.batch_alter_table('attempt_questions', schema=None) as batch_op:
        batch_op.drop_index('uq_attempt_questions_attempt_position')
        batch_op.drop_index('uq_attempt_questions_attempt_item')
        batch_op.drop_index(batch_op.f('ix_attempt_questions_item_id'))

    op.drop_table('attempt_questions')
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_items_deck_id'))

    op.drop_table('items')
    with op.batch_alter_table('exam_domains', schema=None) as batch_op:
        batch_op.drop_index('uq_exam_domains_exam_number')

    op.drop_table('exam_domains')
    with op.batch_alter_table('exam_attempts', schema=None) as batch_op:
        batch_op.drop_index('uq_exam_attempts_one_open_exam', sqlite_where=sa.text("status = 'open' AND mode = 'exam'"), postgresql_where=sa.text("status = 'open' AND mode = 'exam'"))
        batch_op.drop_index('ix_exam_attempts_user_exam_started')

    op.drop_table('exam_attempts')
    with op.batch_alter_table('exams', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exams_track_id'))

    op.drop_table('exams')
    op.drop_table('enrollments')
    with op.batch_alter_table('decks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decks_track_id'))
        batch_op.drop_index(batch_op.f('ix_decks_owner_id'))

    op.drop_table('decks')
    op.drop_table('users')
    op.drop_table('tracks')

