"""Institutions and law-enforcement agencies get contact details (address, phone, enquiry e-mail, website)

Revision ID: a3c5e7f9b211
Revises: d5a1c8e3f926
Create Date: 2026-12-03 08:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a3c5e7f9b211'
down_revision = 'd5a1c8e3f926'
branch_labels = None
depends_on = None


def _contact_columns():
    return [
        sa.Column('postal_address', sa.Text(), server_default='', nullable=False),
        sa.Column('phone', sa.String(length=50), server_default='', nullable=False),
        sa.Column('enquiry_email', sa.String(length=254), server_default='', nullable=False),
        sa.Column('website', sa.String(length=300), server_default='', nullable=False),
    ]


def upgrade():
    with op.batch_alter_table('institutions', schema=None) as batch_op:
        for column in _contact_columns():
            batch_op.add_column(column)
    op.create_table(
        'agencies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        *_contact_columns(),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_agencies')),
        sa.UniqueConstraint('name', name=op.f('uq_agencies_name')),
    )


def downgrade():
    op.drop_table('agencies')
    with op.batch_alter_table('institutions', schema=None) as batch_op:
        for name in ('website', 'enquiry_email', 'phone', 'postal_address'):
            batch_op.drop_column(name)
