"""watching: each member's place in a video (resume, completion, watch time) and caption files

Revision ID: 0015_watching
Revises: 0012_video_media
Create Date: 2026-11-30 15:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0015_watching'
down_revision = '0012_video_media'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'watch_positions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('video_id', sa.Integer(), nullable=False),
        sa.Column('position_seconds', sa.Float(), server_default='0', nullable=False),
        sa.Column('completed', sa.Boolean(), server_default=sa.text('false'), nullable=False),
        sa.Column('seconds_watched', sa.Float(), server_default='0', nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('position_seconds >= 0', name=op.f('ck_watch_positions_position_not_negative')),
        sa.CheckConstraint('seconds_watched >= 0', name=op.f('ck_watch_positions_seconds_watched_not_negative')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_watch_positions_user_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['video_id'], ['videos.id'], name=op.f('fk_watch_positions_video_id_videos'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_watch_positions')),
        sa.UniqueConstraint('user_id', 'video_id', name=op.f('uq_watch_positions_user_id_video_id')),
    )
    op.create_index('ix_watch_positions_video_id', 'watch_positions', ['video_id'])
    op.create_index('ix_watch_positions_user_id_updated_at', 'watch_positions', ['user_id', 'updated_at'])
    op.create_table(
        'captions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('video_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=35), nullable=False),
        sa.Column('label', sa.String(length=80), nullable=False),
        sa.Column('is_default', sa.Boolean(), server_default=sa.text('false'), nullable=False),
        sa.Column('file_key', sa.String(length=80), nullable=False),
        sa.Column('size_bytes', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('length(trim(label)) > 0', name=op.f('ck_captions_label_not_blank')),
        sa.CheckConstraint('size_bytes >= 0', name=op.f('ck_captions_size_not_negative')),
        sa.ForeignKeyConstraint(['video_id'], ['videos.id'], name=op.f('fk_captions_video_id_videos'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_captions')),
        sa.UniqueConstraint('file_key', name=op.f('uq_captions_file_key')),
    )
    op.create_index('ix_captions_video_id', 'captions', ['video_id'])
    op.create_index('uq_captions_default', 'captions', ['video_id'], unique=True,
                    postgresql_where=sa.text('is_default'), sqlite_where=sa.text('is_default'))


def downgrade():
    op.drop_index('uq_captions_default', table_name='captions')
    op.drop_index('ix_captions_video_id', table_name='captions')
    op.drop_table('captions')
    op.drop_index('ix_watch_positions_user_id_updated_at', table_name='watch_positions')
    op.drop_index('ix_watch_positions_video_id', table_name='watch_positions')
    op.drop_table('watch_positions')
