"""media reasons as codes, and posters that remember where they came from

- `status_detail` (a reason written out in the company's language) becomes `status_reason` (a code)
  and `status_params` (its parameters): the reason is put into words when shown, in the reader's
  language. Existing texts are matched against the English and Korean wording of every known reason;
  a text that matches none is kept as it is (code `text`), so nothing is lost.
- `poster_kind` (auto, frame, upload) and `poster_at_seconds`: an existing poster is taken as an
  admin's when the newest "poster changed" audit event of the video is later than its last probe.
- `poster_state`, `poster_request_at`, `poster_reason`, `poster_params`, `poster_request`: an admin's
  request for the poster from a frame, made by the worker.

Revision ID: 0017_media_reasons_posters
Revises: 0016_members_added_pending
Create Date: 2026-11-30 18:30:00

"""
import gettext
from contextlib import contextmanager
import re
import warnings
from pathlib import Path

from alembic import op
import sqlalchemy as sa


revision = '0017_media_reasons_posters'
down_revision = '0016_members_added_pending'
branch_labels = None
depends_on = None

# The reasons' English wording when this migration was written (code → message).
MESSAGES = {
    "host_not_found": "The host %(host)s could not be found.",
    "url_invalid": "The URL is not valid.",
    "scheme_not_allowed": "Only http:// and https:// sources are allowed.",
    "url_no_host": "The URL has no host.",
    "host_private": "The host %(host)s is on a private or local network; only public addresses "
                    "(or hosts listed in VIDEO_SOURCE_ALLOWED_HOSTS) are allowed.",
    "http_status": "The video source answered with HTTP status %(status)s.",
    "not_video": "The video source did not send a video.",
    "source_refused": "The video source is not allowed: %(reason)s",
    "source_timeout": "The video source did not answer in time.",
    "source_unreachable": "The video source could not be reached.",
    "redirect_refused": "The video source redirected to a URL that is not allowed.",
    "too_many_redirects": "The video source redirected too many times.",
    "source_too_slow": "The video source is too slow: reading it took too long.",
    "ranges_stopped": "The video source stopped answering byte ranges while it was read.",
    "source_changed": "The video file on the source changed while it was read.",
    "source_cut": "The video source stopped sending in the middle of the file.",
    "no_length": "The video source did not say how long the file is.",
    "file_missing": "The video file is missing from storage.",
    "storage_unreadable": "The video file could not be read from storage.",
    "empty_file": "The file is empty (0 bytes).",
    "truncated": "The file is cut short (truncated): part of the video is missing.",
    "unreadable": "The file is not a video we can read: it is corrupt or in an unknown format.",
    "sound_only": "The file has sound only, no picture: add a video with a picture.",
    "no_video_stream": "The file contains no video stream.",
    "matroska": "Matroska (MKV) files do not play in browsers: convert it to MP4 (H.264 and AAC) or WebM.",
    "format_unplayable": "This file format does not play in browsers: use MP4 (H.264 and AAC) or WebM (VP9 and Opus).",
    "video_codec": "%(codec)s video does not play in most browsers: convert it to H.264 (MP4) or VP9 (WebM).",
    "audio_codec": "Its %(codec)s sound does not play in browsers: use AAC (MP4) or Opus (WebM).",
    "index_at_end_no_range": "The video's index is at the end of the file and its source does not support seeking "
                             "(HTTP Range), so browsers cannot play it: move the index to the front (faststart) "
                             "or serve it with Range support.",
    "no_picture": "No picture could be decoded from the video: the file is corrupt.",
    "no_seeking": "Seeking will not work: the video's source does not support HTTP Range requests.",
    "job_timeout": "Processing took too long (over the job's time limit): the video's source may be too slow.",
    "internal_error": "The video could not be processed because of an error on our side.",
    "stopped": "Processing stopped unexpectedly (the worker was stopped or ran out of memory). "
               "Edit the video or try again later.",
}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
CATALOGUE = Path(__file__).resolve().parents[2] / "webapp" / "translations"

videos = sa.table(
    'videos', sa.column('id', sa.Integer), sa.column('status_detail', sa.String), sa.column('status_reason', sa.String),
    sa.column('status_params', sa.JSON), sa.column('poster_key', sa.String), sa.column('poster_kind', sa.String),
    sa.column('poster_at_seconds', sa.Float), sa.column('processed_at', sa.DateTime(timezone=True)),
)
audit_events = sa.table(
    'audit_events', sa.column('id', sa.Integer), sa.column('action', sa.String), sa.column('target_type', sa.String),
    sa.column('target_id', sa.Integer), sa.column('details', sa.JSON),
    sa.column('created_at', sa.DateTime(timezone=True)),
)


def _pattern(message: str) -> re.Pattern:
    parts = PLACEHOLDER.split(message)  # text, name, text, name, …
    regex = "".join(re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)" for index, part in enumerate(parts))
    return re.compile(f"^{regex}$", re.DOTALL)


def _wordings() -> list[tuple[str, re.Pattern]]:
    """(code, pattern) for the English wording and every translated one the catalogues hold."""
    found = [(code, _pattern(message)) for code, message in MESSAGES.items()]
    for mo in sorted(CATALOGUE.glob("*/LC_MESSAGES/messages.mo")):
        with mo.open("rb") as handle:
            catalogue = gettext.GNUTranslations(handle)
        for code, message in MESSAGES.items():
            translated = catalogue.gettext(message)
            if translated != message:
                found.append((code, _pattern(translated)))
    return found


def _decode(text: str, wordings) -> tuple[str, dict] | None:
    for code, pattern in wordings:
        match = pattern.match(text)
        if match is None:
            continue
        params = {}
        for name, value in match.groupdict().items():
            if name == "reason":
                inner = _decode(value, wordings)
                params[name] = {"code": inner[0], "params": inner[1]} if inner else {"code": "text",
                                                                                      "params": {"text": value}}
            elif name == "status" and value.isdigit():
                params[name] = int(value)
            else:
                params[name] = value
        return code, params
    return None


def _batch():
    """ALTER on PostgreSQL; on SQLite a copy of the table (its reflection of the corporations'
    expression index warns, and the copy of videos does not need it)."""
    return op.batch_alter_table('videos', schema=None)


@contextmanager
def _quiet():
    """SQLite's copy of the table warns about the corporations' expression index: nothing to act on."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        yield


def upgrade():
    with _quiet():
        with _batch() as batch_op:
            batch_op.add_column(sa.Column('status_reason', sa.String(length=40), nullable=True))
            batch_op.add_column(sa.Column('status_params', sa.JSON(), nullable=True))
            batch_op.add_column(sa.Column('poster_kind', sa.Enum('auto', 'frame', 'upload', name='poster_kind',
                                                                 native_enum=False, length=8, create_constraint=True),
                                          nullable=True))
            batch_op.add_column(sa.Column('poster_at_seconds', sa.Float(), nullable=True))
            batch_op.add_column(sa.Column('poster_state', sa.Enum('pending', 'failed', name='poster_state',
                                                                  native_enum=False, length=8, create_constraint=True),
                                          nullable=True))
            batch_op.add_column(sa.Column('poster_request_at', sa.Float(), nullable=True))
            batch_op.add_column(sa.Column('poster_reason', sa.String(length=40), nullable=True))
            batch_op.add_column(sa.Column('poster_params', sa.JSON(), nullable=True))
            batch_op.add_column(sa.Column('poster_request', sa.Integer(), server_default='0', nullable=False))

        connection = op.get_bind()
        wordings = _wordings()
        for row in connection.execute(sa.select(videos.c.id, videos.c.status_detail)
                                      .where(videos.c.status_detail.is_not(None))).all():
            decoded = _decode(row.status_detail, wordings) or ("text", {"text": row.status_detail})
            connection.execute(videos.update().where(videos.c.id == row.id)
                               .values(status_reason=decoded[0], status_params=decoded[1] or None))
        posters = connection.execute(sa.select(videos.c.id, videos.c.processed_at)
                                     .where(videos.c.poster_key.is_not(None))).all()
        for row in posters:
            event = connection.execute(
                sa.select(audit_events.c.details, audit_events.c.created_at)
                .where(audit_events.c.action == 'video.poster_changed', audit_events.c.target_type == 'video',
                       audit_events.c.target_id == row.id)
                .order_by(audit_events.c.created_at.desc(), audit_events.c.id.desc()).limit(1)).first()
            kind, at = 'auto', None
            picked_later = event is not None and (row.processed_at is None or _aware(event.created_at)
                                                  >= _aware(row.processed_at))
            if picked_later:
                details = event.details or {}
                if details.get('uploaded'):
                    kind = 'upload'
                elif isinstance(details.get('at_seconds'), (int, float)):
                    kind, at = 'frame', float(details['at_seconds'])
            connection.execute(videos.update().where(videos.c.id == row.id)
                               .values(poster_kind=kind, poster_at_seconds=at))

        with _batch() as batch_op:
            batch_op.drop_constraint(op.f('ck_videos_failed_has_reason'), type_='check')
            batch_op.drop_column('status_detail')
            batch_op.create_check_constraint('failed_has_reason', "status <> 'failed' OR status_reason IS NOT NULL")
            batch_op.create_check_constraint('poster_request_has_time',
                                             'poster_state IS NULL OR poster_request_at IS NOT NULL')
            batch_op.create_check_constraint(
                'poster_failure_has_reason',
                "poster_state IS NULL OR poster_state <> 'failed' OR poster_reason IS NOT NULL")


def _aware(moment):
    """SQLite hands timestamps back without their zone: compare them as UTC."""
    from datetime import timezone

    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _english(code: str | None, params: dict | None) -> str | None:
    if code is None:
        return None
    if code == "text":
        return (params or {}).get("text", "")
    values = {name: _english(value.get("code"), value.get("params")) if isinstance(value, dict) else value
              for name, value in (params or {}).items()}
    try:
        return MESSAGES[code] % values
    except (KeyError, TypeError, ValueError):
        return MESSAGES["internal_error"]


def downgrade():
    with _quiet():
        with _batch() as batch_op:
            batch_op.add_column(sa.Column('status_detail', sa.String(length=500), nullable=True))
        connection = op.get_bind()
        for row in connection.execute(sa.select(videos.c.id, videos.c.status_reason, videos.c.status_params)
                                      .where(videos.c.status_reason.is_not(None))).all():
            text = _english(row.status_reason, row.status_params)
            connection.execute(videos.update().where(videos.c.id == row.id).values(status_detail=text[:500]))
        with _batch() as batch_op:
            for name in ('poster_failure_has_reason', 'poster_request_has_time', 'failed_has_reason',
                         'poster_state', 'poster_kind'):
                batch_op.drop_constraint(op.f(f'ck_videos_{name}'), type_='check')
            batch_op.create_check_constraint('failed_has_reason', "status <> 'failed' OR status_detail IS NOT NULL")
            for column in ('poster_request', 'poster_params', 'poster_reason', 'poster_request_at', 'poster_state',
                           'poster_at_seconds', 'poster_kind', 'status_params', 'status_reason'):
                batch_op.drop_column(column)
