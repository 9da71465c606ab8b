"""Federation: other registries pulled from (federation_sources) and the foreign records pulled (object_records.source_*)

Revision ID: a8f3c1d9e2b7
Revises: b3d9e2f0c417
Create Date: 2026-12-03 08:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a8f3c1d9e2b7'
down_revision = 'b3d9e2f0c417'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'federation_sources',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.Column('public_key', sa.String(length=200), nullable=False),
        sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('added_by', sa.String(length=200), nullable=False),
        sa.Column('cursor', sa.String(length=64), nullable=False),
        sa.Column('last_pulled_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_result', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_federation_sources')),
        sa.UniqueConstraint('name', name=op.f('uq_federation_sources_name')),
    )
    with op.batch_alter_table('object_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('source_url', sa.String(length=500), server_default='', nullable=False))
        batch_op.add_column(sa.Column('source_institution', sa.String(length=200), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_object_records_source_id'), ['source_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_object_records_source_id_federation_sources'), 'federation_sources',
                                    ['source_id'], ['id'])


def downgrade():
    with op.batch_alter_table('object_records', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_object_records_source_id_federation_sources'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_object_records_source_id'))
        batch_op.drop_column('source_institution')
        batch_op.drop_column('source_url')
        batch_op.drop_column('source_id')
    op.drop_table('federation_sources')
