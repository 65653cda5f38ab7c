"""languages and time zones: a member's saved language, a company's default language and time zone

Revision ID: 0010_locale_timezone
Revises: 0003_video_stream_types
Create Date: 2026-11-30 13:10:00

"""
import os
import warnings

from alembic import op
import sqlalchemy as sa


revision = '0010_locale_timezone'
down_revision = '0003_video_stream_types'
branch_labels = None
depends_on = None


def _batch(table):
    """SQLite rebuilds the table (a CHECK cannot be added otherwise); reflecting corporations warns
    about its expression index (lower(name)), which _keep_name_index restores after a rebuild."""
    return op.batch_alter_table(table, schema=None)


def _keep_name_index():
    """SQLite's table rebuild drops the expression index it cannot reflect: put it back."""
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('CREATE UNIQUE INDEX IF NOT EXISTS uq_corporations_lower_name ON corporations (lower(name))')


def _existing_zone():
    """Companies that exist already keep seeing times as before: in PLAN_TIMEZONE."""
    try:
        from flask import current_app
        return current_app.config["PLAN_TIMEZONE"]
    except (RuntimeError, KeyError):
        return os.environ.get("PLAN_TIMEZONE", "UTC")


def upgrade():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        with _batch('corporations') as batch_op:
            batch_op.add_column(sa.Column('locale', sa.String(length=8), server_default='en', nullable=False))
            batch_op.add_column(sa.Column('timezone', sa.String(length=64), server_default='UTC', nullable=False))
            batch_op.create_check_constraint('locale_known', "locale IN ('en', 'ko')")
        _keep_name_index()
        with _batch('users') as batch_op:
            batch_op.add_column(sa.Column('locale', sa.String(length=8), nullable=True))
            batch_op.create_check_constraint('locale_known', "locale IS NULL OR locale IN ('en', 'ko')")
    op.execute(sa.text("UPDATE corporations SET timezone = :zone").bindparams(zone=_existing_zone()))


def downgrade():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        with _batch('users') as batch_op:
            batch_op.drop_constraint('locale_known', type_='check')
            batch_op.drop_column('locale')
        with _batch('corporations') as batch_op:
            batch_op.drop_constraint('locale_known', type_='check')
            batch_op.drop_column('timezone')
            batch_op.drop_column('locale')
        _keep_name_index()
