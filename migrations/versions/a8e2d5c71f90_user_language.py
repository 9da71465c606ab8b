"""Users' language: notices and e-mails sent outside their requests are in the language they chose

Revision ID: a8e2d5c71f90
Revises: f3a9c1d7e254
Create Date: 2026-12-03 14:55:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a8e2d5c71f90'
down_revision = 'f3a9c1d7e254'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('language')
