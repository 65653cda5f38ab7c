"""a member added with a password waits, as an invitation carrying the password hash, until they confirm

Revision ID: 0016_members_added_pending
Revises: 0015_watching
Create Date: 2026-11-30 18:00:00

"""
import warnings

from alembic import op
import sqlalchemy as sa


revision = '0016_members_added_pending'
down_revision = '0015_watching'
branch_labels = None
depends_on = None

PENDING = "accepted_at IS NULL AND revoked_at IS NULL"


def upgrade():
    op.add_column('invitations', sa.Column('password_hash', sa.String(length=256), nullable=True))


def downgrade():
    with warnings.catch_warnings():  # reflecting the referred corporations table on SQLite
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        with op.batch_alter_table('invitations', schema=None) as batch_op:
            batch_op.drop_column('password_hash')
    if op.get_bind().dialect.name == 'sqlite':  # the table rebuild may drop the partial index
        op.execute(f'CREATE UNIQUE INDEX IF NOT EXISTS uq_invitations_pending ON invitations '
                   f'(corporation_id, email) WHERE {PENDING}')
