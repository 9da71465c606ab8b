"""Photos' AKAZE features for the second look (engine orb-akaze-15), beside their ORB features

Revision ID: b3d9f2a6c418
Revises: a8e2d5c71f90
Create Date: 2026-12-06 11:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b3d9f2a6c418'
down_revision = 'a8e2d5c71f90'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('photo_signatures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('second_features', sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table('photo_signatures', schema=None) as batch_op:
        batch_op.drop_column('second_features')
