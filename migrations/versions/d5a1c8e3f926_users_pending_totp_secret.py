"""Users keep the pending two-factor secret on the server, no longer in the session cookie

Revision ID: d5a1c8e3f926
Revises: a8f3c1d9e2b7
Create Date: 2026-12-03 08:55:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd5a1c8e3f926'
down_revision = 'a8f3c1d9e2b7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending_totp_secret', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('pending_totp_secret')
