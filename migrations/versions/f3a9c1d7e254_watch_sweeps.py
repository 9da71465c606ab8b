"""Standing watch: sweeps of records reported lost, done after the change commits (in process or by cron)

Revision ID: f3a9c1d7e254
Revises: b7d41e9c2a53
Create Date: 2026-12-03 12:05:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'f3a9c1d7e254'
down_revision = 'b7d41e9c2a53'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'watch_sweeps',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('hits', sa.Integer(), nullable=False),
        sa.Column('error', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['record_id'], ['object_records.id'], name=op.f('fk_watch_sweeps_record_id_object_records')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_watch_sweeps')),
    )
    with op.batch_alter_table('watch_sweeps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_watch_sweeps_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_watch_sweeps_finished_at'), ['finished_at'], unique=False)


def downgrade():
    with op.batch_alter_table('watch_sweeps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_watch_sweeps_finished_at'))
        batch_op.drop_index(batch_op.f('ix_watch_sweeps_record_id'))
    op.drop_table('watch_sweeps')
