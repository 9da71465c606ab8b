"""Records can be deleted: a tombstone (who, when, why) on the record; photos of deleted records purged after retention

Revision ID: b7d41e9c2a53
Revises: e1f4b7c2a905
Create Date: 2026-12-03 08:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b7d41e9c2a53'
down_revision = 'e1f4b7c2a905'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('object_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('deleted_by', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('deletion_reason', sa.Text(), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_object_records_deleted_at'), ['deleted_at'], unique=False)
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purged_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.drop_column('purged_at')
    with op.batch_alter_table('object_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_object_records_deleted_at'))
        batch_op.drop_column('deletion_reason')
        batch_op.drop_column('deleted_by')
        batch_op.drop_column('deleted_at')
