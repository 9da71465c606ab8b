"""Sign-in back-off per account and address replaces the lock of the whole account

Revision ID: b3d9e2f0c417
Revises: 7c2e9f4a1b60
Create Date: 2026-12-03 08:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b3d9e2f0c417'
down_revision = '7c2e9f4a1b60'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sign_in_backoffs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('wait_until', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'address'),
    )
    with op.batch_alter_table('sign_in_backoffs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_backoffs_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('sign_in_backoffs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_backoffs_user_id'))
    op.drop_table('sign_in_backoffs')
