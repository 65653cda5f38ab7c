"""a removed member's email may be used again; ended browser sessions kept in the database

Revision ID: 0002_reusable_emails
Revises: 0001_initial
Create Date: 2026-11-30 12:00:00

"""
import warnings

from alembic import op
import sqlalchemy as sa


revision = '0002_reusable_emails'
down_revision = '0001_initial'
branch_labels = None
depends_on = None

ACTIVE = sa.text('deleted_at IS NULL')


def _batch_users():
    """SQLite rebuilds the table: reflecting it also reflects corporations, whose expression index
    (lower(name)) SQLAlchemy cannot reflect and warns about; the rebuild does not touch it."""
    return op.batch_alter_table('users', schema=None)


def upgrade():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        with _batch_users() as batch_op:
            batch_op.drop_constraint('uq_users_email', type_='unique')
    op.create_index('uq_users_email_active', 'users', ['email'], unique=True,
                    postgresql_where=ACTIVE, sqlite_where=ACTIVE)
    op.create_table('ended_sessions',
    sa.Column('session_id', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_ended_sessions'))
    )
    op.create_index(op.f('ix_ended_sessions_expires_at'), 'ended_sessions', ['expires_at'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_ended_sessions_expires_at'), table_name='ended_sessions')
    op.drop_table('ended_sessions')
    # Refused when a removed member's address has been given to someone else meanwhile.
    op.drop_index('uq_users_email_active', table_name='users')
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        with _batch_users() as batch_op:
            batch_op.create_unique_constraint('uq_users_email', ['email'])
