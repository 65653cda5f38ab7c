"""search that ignores Unicode form, case and spaces: videos.title_key with a trigram index

Revision ID: 0011_title_search_key
Revises: 0010_locale_timezone
Create Date: 2026-11-30 13:10:00

"""
import warnings

from alembic import op
import sqlalchemy as sa

from webapp.core.text import email_key, title_key


revision = '0011_title_search_key'
down_revision = '0010_locale_timezone'
branch_labels = None
depends_on = None

BATCH = 5000


def _backfill(bind, table, key_column, source_column, key):
    """Write key(source) for every row, in batches (no whole table in memory)."""
    rows = sa.table(table, sa.column('id', sa.Integer), sa.column(source_column, sa.String),
                    sa.column(key_column, sa.String))
    last = 0
    while True:
        batch = bind.execute(sa.select(rows.c.id, rows.c[source_column]).where(rows.c.id > last)
                             .order_by(rows.c.id).limit(BATCH)).all()
        if not batch:
            return
        changed = [{'row_id': row_id, 'value': key(value)} for row_id, value in batch
                   if key_column != source_column or key(value) != value]
        if changed:
            bind.execute(rows.update().where(rows.c.id == sa.bindparam('row_id'))
                         .values({key_column: sa.bindparam('value')}), changed)
        last = batch[-1][0]


def upgrade():
    bind = op.get_bind()
    op.add_column('videos', sa.Column('title_key', sa.Text(), server_default='', nullable=False))
    _backfill(bind, 'videos', 'title_key', 'title', title_key)
    # Stored emails take the same NFKC form the app now writes (ASCII addresses are unchanged).
    _backfill(bind, 'users', 'email', 'email', email_key)
    if bind.dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        op.create_index('ix_videos_title_key_trgm', 'videos', ['title_key'], unique=False,
                        postgresql_using='gin', postgresql_ops={'title_key': 'gin_trgm_ops'})
    else:
        op.create_index('ix_videos_title_key_trgm', 'videos', ['title_key'], unique=False)


def downgrade():
    op.drop_index('ix_videos_title_key_trgm', table_name='videos')
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        with op.batch_alter_table('videos', schema=None) as batch_op:
            batch_op.drop_column('title_key')
