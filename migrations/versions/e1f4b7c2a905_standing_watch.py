"""Standing watch: check photos' signatures, watch hits (checks matching a record reported lost), watched records

Revision ID: e1f4b7c2a905
Revises: c5e7a2b4d913
Create Date: 2026-12-03 09:25:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e1f4b7c2a905'
down_revision = 'c5e7a2b4d913'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'check_photo_signatures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('algorithm_version', sa.String(length=40), nullable=False),
        sa.Column('index_key', sa.LargeBinary(), nullable=False),
        sa.Column('features', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_check_photo_signatures')),
        sa.UniqueConstraint('sha256', name=op.f('uq_check_photo_signatures_sha256')),
    )
    op.create_table(
        'watch_hits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('check_id', sa.Integer(), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('agency', sa.String(length=200), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['check_id'], ['checks.id'], name=op.f('fk_watch_hits_check_id_checks')),
        sa.ForeignKeyConstraint(['record_id'], ['object_records.id'], name=op.f('fk_watch_hits_record_id_object_records')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_watch_hits')),
        sa.UniqueConstraint('check_id', 'record_id', name='uq_watch_hits_check_record'),
    )
    with op.batch_alter_table('watch_hits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_watch_hits_check_id'), ['check_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_watch_hits_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_watch_hits_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_watch_hits_agency'), ['agency'], unique=False)
    op.create_table(
        'record_watches',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('check_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['check_id'], ['checks.id'], name=op.f('fk_record_watches_check_id_checks')),
        sa.ForeignKeyConstraint(['record_id'], ['object_records.id'], name=op.f('fk_record_watches_record_id_object_records')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_record_watches_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_record_watches')),
        sa.UniqueConstraint('user_id', 'record_id', name='uq_record_watches_user_record'),
    )
    with op.batch_alter_table('record_watches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_watches_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_record_watches_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('record_watches')
    op.drop_table('watch_hits')
    op.drop_table('check_photo_signatures')
