"""members onboard by e-mail: invitations, single-use account links, plan reminders, confirmed sign-ups

Revision ID: 0014_email_onboarding
Revises: 0011_title_search_key
Create Date: 2026-11-30 14:40:00

"""
import warnings

from alembic import op
import sqlalchemy as sa


revision = '0014_email_onboarding'
down_revision = '0011_title_search_key'
branch_labels = None
depends_on = None

PENDING = "accepted_at IS NULL AND revoked_at IS NULL"


def _keep_name_index():
    """SQLite's table rebuild drops the expression index it cannot reflect: put it back."""
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('CREATE UNIQUE INDEX IF NOT EXISTS uq_corporations_lower_name ON corporations (lower(name))')


def upgrade():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        with op.batch_alter_table('corporations', schema=None) as batch_op:
            batch_op.add_column(sa.Column('activated_at', sa.DateTime(timezone=True), nullable=True))
        _keep_name_index()
    # Every company that exists already was signed up before confirmation was asked for: active.
    op.execute("UPDATE corporations SET activated_at = created_at")

    op.create_table(
        'invitations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('corporation_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('role', sa.Enum('admin', 'guest', name='role', native_enum=False, length=8,
                                  create_constraint=True), nullable=False),
        sa.Column('invited_by_id', sa.Integer(), nullable=True),
        sa.Column('nonce_hash', sa.String(length=64), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('accepted_user_id', sa.Integer(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('email = lower(email)', name=op.f('ck_invitations_email_lowercase')),
        sa.ForeignKeyConstraint(['accepted_user_id'], ['users.id'],
                                name=op.f('fk_invitations_accepted_user_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['corporation_id'], ['corporations.id'],
                                name=op.f('fk_invitations_corporation_id_corporations'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'],
                                name=op.f('fk_invitations_invited_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    )
    op.create_index('uq_invitations_pending', 'invitations', ['corporation_id', 'email'], unique=True,
                    postgresql_where=sa.text(PENDING), sqlite_where=sa.text(PENDING))

    op.create_table(
        'account_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.Enum('reset', 'confirm', name='purpose', native_enum=False, length=8,
                                     create_constraint=True), nullable=False),
        sa.Column('nonce_hash', sa.String(length=64), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_tokens_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_account_tokens')),
        sa.UniqueConstraint('nonce_hash', name=op.f('uq_account_tokens_nonce_hash')),
    )
    op.create_index('ix_account_tokens_user_id_purpose', 'account_tokens', ['user_id', 'purpose'])

    op.create_table(
        'plan_reminders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('corporation_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('7d', '1d', 'lapsed', name='kind', native_enum=False, length=8,
                                  create_constraint=True), nullable=False),
        sa.Column('plan_expires_at', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['corporation_id'], ['corporations.id'],
                                name=op.f('fk_plan_reminders_corporation_id_corporations'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_reminders')),
        sa.UniqueConstraint('corporation_id', 'kind', 'plan_expires_at',
                            name=op.f('uq_plan_reminders_corporation_id_kind_plan_expires_at')),
    )


def downgrade():
    op.drop_table('plan_reminders')
    op.drop_index('ix_account_tokens_user_id_purpose', table_name='account_tokens')
    op.drop_table('account_tokens')
    op.drop_index('uq_invitations_pending', table_name='invitations')
    op.drop_table('invitations')
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        with op.batch_alter_table('corporations', schema=None) as batch_op:
            batch_op.drop_column('activated_at')
        _keep_name_index()
