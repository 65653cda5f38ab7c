"""Videos keep a stream type of our own: video/mp4, video/webm or application/octet-stream.

Existing rows are brought in line first (a URL source's type from its path's extension, an upload's
from its stored file name), then a CHECK constraint keeps any other type out.

Revision ID: 0003_video_stream_types
Revises: 0002_reusable_emails
"""
import contextlib
import warnings
from urllib.parse import urlsplit

import sqlalchemy as sa
from alembic import op

revision = "0003_video_stream_types"
down_revision = "0002_reusable_emails"
branch_labels = None
depends_on = None

TYPES = ("video/mp4", "video/webm", "application/octet-stream")
BY_EXTENSION = {".mp4": "video/mp4", ".m4v": "video/mp4", ".webm": "video/webm"}
CHECK = "content_type IN ('video/mp4', 'video/webm', 'application/octet-stream')"
BATCH = 1000

videos = sa.table("videos", sa.column("id", sa.Integer), sa.column("source_url", sa.String),
                  sa.column("file_key", sa.String), sa.column("content_type", sa.String))


def stream_type(source_url, file_key, current):
    """The type the app would decide today (a frozen copy of storage.type_from_url: migrations never import the app)."""
    if file_key is not None:
        if current in TYPES[:2]:
            return current  # sniffed from the file's first bytes at upload
        return "video/webm" if file_key.lower().endswith(".webm") else "video/mp4"
    path = urlsplit(source_url or "").path.lower()
    extension = path[path.rfind("."):] if "." in path.rsplit("/", 1)[-1] else ""
    return BY_EXTENSION.get(extension, "application/octet-stream")


def upgrade():
    connection = op.get_bind()
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(videos.c.id, videos.c.source_url, videos.c.file_key, videos.c.content_type)
            .where(videos.c.id > last_id).order_by(videos.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        for row in rows:
            decided = stream_type(row.source_url, row.file_key, row.content_type)
            if decided != row.content_type:
                connection.execute(sa.update(videos).where(videos.c.id == row.id).values(content_type=decided))
        last_id = rows[-1].id
    with videos_batch() as batch:
        batch.create_check_constraint(op.f("ck_videos_content_type_known"), CHECK)


def downgrade():
    with videos_batch() as batch:
        batch.drop_constraint(op.f("ck_videos_content_type_known"), type_="check")


@contextlib.contextmanager
def videos_batch():
    """ALTER on PostgreSQL; on SQLite a copy of the table, whose reflection also meets the
    expression index on corporations (lower(name)): SQLAlchemy warns that it skips it, and the
    copy of videos does not need it."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index",
                                sa.exc.SAWarning)
        with op.batch_alter_table("videos") as batch:
            yield batch
