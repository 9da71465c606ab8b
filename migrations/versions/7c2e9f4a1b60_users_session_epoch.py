"""Users carry a session epoch: signing out or changing the password ends every copy of a session cookie

Revision ID: 7c2e9f4a1b60
Revises: 5e1a7c0d2b34
Create Date: 2026-12-03 07:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '7c2e9f4a1b60'
down_revision = '5e1a7c0d2b34'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_epoch')
