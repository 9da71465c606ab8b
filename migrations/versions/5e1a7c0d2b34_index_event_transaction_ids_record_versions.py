"""Index events carry their transaction's id; records carry a version for optimistic concurrency

Revision ID: 5e1a7c0d2b34
Revises: cfa3801f8038
Create Date: 2026-12-03 05:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '5e1a7c0d2b34'
down_revision = 'cfa3801f8038'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('index_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('txid', sa.BigInteger(), nullable=True))
        batch_op.create_index(batch_op.f('ix_index_events_txid'), ['txid'], unique=False)
    with op.batch_alter_table('object_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('object_records', schema=None) as batch_op:
        batch_op.drop_column('version')
    with op.batch_alter_table('index_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_index_events_txid'))
        batch_op.drop_column('txid')
