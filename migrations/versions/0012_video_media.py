"""video media: processing status, probed facts (container, duration, size, codecs, Range support) and poster

Existing videos start as `processing` with no facts; the scheduler's backfill queues them for probing.

Revision ID: 0012_video_media
Revises: 0014_email_onboarding
Create Date: 2026-11-30 14:45:00

"""
import warnings

from alembic import op
import sqlalchemy as sa


revision = '0012_video_media'
down_revision = '0014_email_onboarding'
branch_labels = None
depends_on = None

STATUSES = ('processing', 'ready', 'failed')
COLUMNS = ('status', 'status_detail', 'source_version', 'container', 'duration_seconds', 'width', 'height',
           'video_codec', 'audio_codec', 'bitrate', 'supports_range', 'faststart', 'poster_key', 'queued_at',
           'processed_at')


def _batch():
    """ALTER on PostgreSQL; on SQLite a copy of the table (its reflection of the corporations'
    expression index warns, and the copy of videos does not need it)."""
    return op.batch_alter_table('videos', schema=None)


def upgrade():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        with _batch() as batch_op:
            batch_op.add_column(sa.Column('status', sa.Enum(*STATUSES, name='video_status', native_enum=False,
                                                            length=10, create_constraint=True),
                                          server_default='processing', nullable=False))
            batch_op.add_column(sa.Column('status_detail', sa.String(length=500), nullable=True))
            batch_op.add_column(sa.Column('source_version', sa.Integer(), server_default='1', nullable=False))
            batch_op.add_column(sa.Column('container', sa.String(length=16), nullable=True))
            batch_op.add_column(sa.Column('duration_seconds', sa.Float(), nullable=True))
            batch_op.add_column(sa.Column('width', sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column('height', sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column('video_codec', sa.String(length=32), nullable=True))
            batch_op.add_column(sa.Column('audio_codec', sa.String(length=32), nullable=True))
            batch_op.add_column(sa.Column('bitrate', sa.BigInteger(), nullable=True))
            batch_op.add_column(sa.Column('supports_range', sa.Boolean(), nullable=True))
            batch_op.add_column(sa.Column('faststart', sa.Boolean(), nullable=True))
            batch_op.add_column(sa.Column('poster_key', sa.String(length=80), nullable=True))
            batch_op.add_column(sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True))
            batch_op.create_check_constraint('failed_has_reason', "status <> 'failed' OR status_detail IS NOT NULL")
            batch_op.create_check_constraint('source_version_positive', 'source_version >= 1')
            batch_op.create_index('ix_videos_status_processed_at', ['status', 'processed_at'], unique=False)


def downgrade():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        with _batch() as batch_op:
            batch_op.drop_index('ix_videos_status_processed_at')
            for name in ('source_version_positive', 'failed_has_reason', 'video_status'):
                batch_op.drop_constraint(op.f(f'ck_videos_{name}'), type_='check')
            for column in reversed(COLUMNS):
                batch_op.drop_column(column)
