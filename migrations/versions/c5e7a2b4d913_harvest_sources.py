"""Harvest sources: OAI-PMH endpoints of museums' collection systems, and how far each was harvested

Revision ID: c5e7a2b4d913
Revises: a5d1e0c3f7b2
Create Date: 2026-12-03 09:05:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c5e7a2b4d913'
down_revision = 'a5d1e0c3f7b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'harvest_sources',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.Column('metadata_prefix', sa.String(length=40), nullable=False),
        sa.Column('set_spec', sa.String(length=200), nullable=False),
        sa.Column('institution', sa.String(length=200), nullable=False),
        sa.Column('last_datestamp', sa.String(length=40), nullable=False),
        sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_harvested_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_report', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_harvest_sources')),
        sa.UniqueConstraint('url', 'metadata_prefix', 'set_spec', name='uq_harvest_sources_url_prefix_set'),
    )


def downgrade():
    op.drop_table('harvest_sources')
