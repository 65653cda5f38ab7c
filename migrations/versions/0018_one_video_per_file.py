"""one stored file makes at most one video

Two simultaneous "finish" requests for one direct upload could each write a video row for the same
object; a unique index on videos.file_key lets only the first one in. Rows that already share a file
stop the upgrade with their ids, for an admin to decide which to keep (nothing is deleted here).

Revision ID: 0018_one_video_per_file
Revises: 0017_media_reasons_posters
Create Date: 2026-11-30 21:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0018_one_video_per_file'
down_revision = '0017_media_reasons_posters'
branch_labels = None
depends_on = None


def upgrade():
    shared = op.get_bind().execute(sa.text(
        "SELECT file_key, count(*) FROM videos WHERE file_key IS NOT NULL GROUP BY file_key HAVING count(*) > 1"
    )).all()
    if shared:
        listed = ", ".join(f"{key} ({count} videos)" for key, count in shared)
        raise RuntimeError(f"videos share a stored file; purge the extra videos first: {listed}")
    op.create_index('uq_videos_file_key', 'videos', ['file_key'], unique=True)


def downgrade():
    op.drop_index('uq_videos_file_key', table_name='videos')
