"""Records carry their provenance and ownership history (a list of events)

Revision ID: a5d1e0c3f7b2
Revises: a3c5e7f9b211
Create Date: 2026-12-03 08:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a5d1e0c3f7b2'
down_revision = 'a3c5e7f9b211'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('object_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('provenance', sa.JSON(), server_default=sa.text("'[]'"), nullable=False))


def downgrade():
    with op.batch_alter_table('object_records', schema=None) as batch_op:
        batch_op.drop_column('provenance')
