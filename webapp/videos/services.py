"""Video use cases: add, edit, trash, restore (paid plans only), purge, and the sweep of orphaned media."""
from datetime import UTC

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp.core import limits
from webapp.core.clock import utcnow
from webapp.core.exceptions import NotInTrash, PlanRequired, UndoExpired, ValidationFailed
from webapp.core.extensions import db
from webapp.core.transactions import lock, unit_of_work
from webapp.insights import audit
from webapp.media import captions, direct_upload, posters, storage
from webapp.media.backends import PARTIAL_SUFFIX
from webapp.models import POSTER_UPLOAD, User, Video
from webapp.models_watching import Caption
from webapp.videos.processing import start_processing
from webapp.videos.sources import check_source_url


def _clean_title(title: str | None) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationFailed(_("Enter a title."), fields={"title": [_("Enter a title.")]})
    if len(title) > limits.TITLE_MAX:
        raise ValidationFailed(_("The title is too long."),
                               fields={"title": [_("At most %(count)s characters.", count=limits.TITLE_MAX)]})
    return title


def add_video_from_url(actor: User, title: str, source_url: str) -> Video:
    """Add a video that lives on an origin server."""
    with unit_of_work():
        video = Video(
            corporation_id=actor.corporation_id,
            title=_clean_title(title),
            source_url=check_source_url(source_url),
            content_type=storage.type_from_url(source_url),
        )
        db.session.add(video)
        db.session.flush()
        start_processing(video, new=True)
        audit.record(actor.corporation_id, actor, "video.added", video, title=video.title)
    return video


def add_video_from_upload(actor: User, title: str, stream) -> Video:
    """Add a video from an uploaded file; the file is removed again if the row cannot be written."""
    title = _clean_title(title)
    return _add_stored_upload(actor, title, *storage.save_upload(stream))


def add_video_from_direct_upload(actor: User, title: str, ticket: direct_upload.Ticket) -> Video:
    """Add the video a browser uploaded straight to the bucket (webapp/media/direct_upload.py), once the
    object is complete and checked; asked again for the same upload, the video already made."""
    title = _clean_title(title)
    existing = _video_of_file(ticket.key)
    if existing is not None and existing.corporation_id == actor.corporation_id:
        return existing
    return _add_stored_upload(actor, title, *direct_upload.finish(ticket))


def _video_of_file(file_key: str) -> Video | None:
    return db.session.scalar(select(Video).where(Video.file_key == file_key))


def _add_stored_upload(actor: User, title: str, file_key: str, content_type: str, size: int) -> Video:
    """The row of a video whose file is in storage; the file is removed again if the row cannot be written.

    One file makes at most one video (videos.file_key is unique): when a simultaneous request for the
    same direct upload wrote its row first, that video is the answer and the file stays.
    """
    try:
        with unit_of_work():
            video = Video(corporation_id=actor.corporation_id, title=title, file_key=file_key,
                          content_type=content_type, size_bytes=size)
            db.session.add(video)
            db.session.flush()
            start_processing(video, new=True)
            audit.record(actor.corporation_id, actor, "video.added", video, title=title, upload=True)
    except IntegrityError:
        made_first = _video_of_file(file_key)
        if made_first is None:
            storage.delete_file(file_key)
            raise
        if made_first.corporation_id != actor.corporation_id:
            raise
        return made_first
    except BaseException:
        storage.delete_file(file_key)
        raise
    return video


def update_video(actor: User, video: Video, title: str | None = None, source_url: str | None = None) -> Video:
    """Edit a video's title and, for URL videos, its source (a new source is processed again)."""
    old_poster = None
    with unit_of_work():
        lock(video)
        changes = {}
        if title is not None and title != video.title:
            video.title = _clean_title(title)
            changes["title"] = video.title
        if source_url is not None and source_url != video.source_url:
            if video.is_upload:
                message = _("An uploaded video has no source URL to change.")
                raise ValidationFailed(message, fields={"source_url": [message]})
            video.source_url = check_source_url(source_url)
            video.content_type = storage.type_from_url(video.source_url)
            changes["source_url"] = video.source_url
            if video.poster_kind != POSTER_UPLOAD:  # a picture of the old source; an uploaded image stays
                old_poster, video.poster_key = video.poster_key, None
            start_processing(video)
        if changes:
            audit.record(video.corporation_id, actor, "video.edited", video, **changes)
    posters.delete_poster(old_poster)
    return video


def trash_video(actor: User, video: Video) -> Video:
    """Move a video to the trash (any plan); a video already there stays as it is."""
    with unit_of_work():
        lock(video)
        if video.deleted_at is None:
            actor_id = actor.id  # read first: loading it must not flush a half-made change
            video.deleted_at = utcnow()
            video.deleted_by_id = actor_id
            audit.record(video.corporation_id, actor, "video.trashed", video, title=video.title)
    return video


def restore_video(actor: User, video: Video) -> Video:
    """Bring a video back from the trash: only while the corporation's effective plan is paid."""
    with unit_of_work():
        lock(video)
        if video.deleted_at is None:
            raise NotInTrash(_("That video is not in the trash."))
        if not actor.corporation.is_paid():
            raise PlanRequired(_("Restoring videos from the trash needs a paid plan."))
        video.deleted_at = None
        video.deleted_by_id = None
        audit.record(video.corporation_id, actor, "video.restored", video, title=video.title)
    return video


def undo_trash(actor: User, video: Video, window_seconds: int) -> Video:
    """Take back one's own delete from the flash's Undo: on every plan, but only for the admin who
    deleted the video and only within `window_seconds` (later, restoring is the paid plans' Restore)."""
    with unit_of_work():
        lock(video)
        if video.deleted_at is None:
            raise NotInTrash(_("That video is not in the trash."))
        deleted_at = video.deleted_at if video.deleted_at.tzinfo else video.deleted_at.replace(tzinfo=UTC)
        if video.deleted_by_id != actor.id or (utcnow() - deleted_at).total_seconds() > window_seconds:
            raise UndoExpired(_("This delete can no longer be undone: Undo works for %(seconds)s seconds after "
                                "you delete a video.", seconds=window_seconds))
        video.deleted_at = None
        video.deleted_by_id = None
        audit.record(video.corporation_id, actor, "video.restored", video, title=video.title, undo=True)
    return video


def purge_video(actor: User, video: Video) -> None:
    """Delete a trashed video for good, then its stored file (any plan)."""
    with unit_of_work():
        lock(video)
        if video.deleted_at is None:
            raise NotInTrash(_("Only videos in the trash can be deleted forever."))
        file_key, poster_key = video.file_key, video.poster_key
        caption_keys = list(db.session.scalars(select(Caption.file_key).where(Caption.video_id == video.id)))
        audit.record(video.corporation_id, actor, "video.purged", video, title=video.title)
        db.session.delete(video)
    storage.delete_file(file_key)
    posters.delete_poster(poster_key)
    for key in caption_keys:
        captions.remove(key)


def sweep_media(margin_seconds: float) -> list[dict]:
    """Remove what uploads, posters and caption files left behind in storage: `.part` files of copies that
    crashed (local), or multipart uploads never completed and remux files left in MEDIA_ROOT (S3),
    stored files and posters no video row references (trashed videos keep theirs). Only what is
    untouched for `margin_seconds` is considered, so an upload or poster being written or committed
    right now is safe. Returns what was removed (name, size, reason).
    """
    removed = _sweep(storage.stored_files_older_than(margin_seconds), Video.file_key, "",
                     ("unfinished upload", "no video refers to it"))
    removed += _sweep(posters.poster_files_older_than(margin_seconds), Video.poster_key, f"{posters.FOLDER}/",
                      ("unfinished poster", "no video uses this poster"))
    removed += _sweep(captions.caption_files_older_than(margin_seconds), Caption.file_key, f"{captions.FOLDER}/",
                      ("unfinished caption file", "no caption refers to it"))
    removed += [{name: item[name] for name in ("name", "bytes", "reason")}
                for item in direct_upload.abort_abandoned(margin_seconds)]
    for leftover in storage.scratch_leftovers_older_than(margin_seconds):
        storage.remove_scratch(leftover.key)
        removed.append({"name": leftover.key, "bytes": leftover.size, "reason": "unfinished remux"})
    return removed


def abort_abandoned_uploads(older_than_seconds: float) -> list[dict]:
    """Abort the multipart uploads (direct uploads left by their browser) begun more than
    `older_than_seconds` ago and never completed; return them (name, upload_id)."""
    return direct_upload.abort_abandoned(older_than_seconds)


def _sweep(candidates, column, prefix: str, reasons: tuple[str, str]) -> list[dict]:
    """Remove the candidates (ObjectInfo under `prefix`) that are unfinished or that no row of `column` names."""
    names = {info.key: info.key[len(prefix):] for info in candidates}
    finished = [name for name in names.values() if not name.endswith(PARTIAL_SUFFIX)]
    referenced = set()
    with unit_of_work():  # read-only, and over before the slow part
        for start in range(0, len(finished), 500):
            batch = finished[start:start + 500]
            referenced.update(db.session.scalars(select(column).where(column.in_(batch))))
    removed = []
    store = storage.backend()
    for info in candidates:
        name = names[info.key]
        if name.endswith(PARTIAL_SUFFIX):
            reason = reasons[0]
        elif name not in referenced:
            reason = reasons[1]
        else:
            continue
        if store.head(info.key) is None:  # removed meanwhile
            continue
        store.delete(info.key)
        removed.append({"name": info.key, "bytes": info.size, "reason": reason})
    return removed
