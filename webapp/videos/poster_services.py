"""Poster use cases of admins: the frame at a chosen time, or an uploaded image."""
from flask import current_app
from flask_babel import gettext as _

from webapp.core.exceptions import OriginFailed, ValidationFailed
from webapp.core.transactions import lock, unit_of_work
from webapp.insights import audit
from webapp.media import posters
from webapp.media.examine import opened_source
from webapp.media.source import Deadline, SourceError
from webapp.models import STATUS_READY, User, Video


def _refused(message: str, field: str = "at_seconds") -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


def poster_from_frame(actor: User, video: Video, at_seconds) -> Video:
    """Make the poster from the frame at `at_seconds` (the video must be ready; the time within it)."""
    if video.status != STATUS_READY:
        raise _refused(_("A frame can be picked once the video is ready."))
    try:
        seconds = float(at_seconds)
    except (TypeError, ValueError):
        raise _refused(_("Enter a time in seconds.")) from None
    if not 0 <= seconds or seconds != seconds or (video.duration_seconds and seconds > video.duration_seconds):
        raise _refused(_("Enter a time between 0 and %(seconds)s seconds.",
                         seconds=int(video.duration_seconds or 0)))
    version, source_url, file_key = video.source_version, video.source_url, video.file_key
    try:
        with opened_source(source_url, file_key, Deadline(current_app.config["POSTER_READ_DEADLINE"])) as opened:
            key = posters.poster_at(opened.file, seconds, video.id)
    except SourceError as error:
        raise OriginFailed(str(error)) from None
    except posters.NoFrame:
        raise _refused(_("No picture could be decoded at that time: try another.")) from None
    return _replace(actor, video, key, version, {"at_seconds": seconds})


def poster_from_image(actor: User, video: Video, stream) -> Video:
    """Make the poster from an uploaded JPEG, PNG or WebP image (re-encoded as our JPEG)."""
    key = posters.poster_from_image(stream, video.id)
    return _replace(actor, video, key, None, {"uploaded": True})


def _replace(actor: User, video: Video, key: str, version: int | None, details: dict) -> Video:
    """Put the new poster in place (for a frame: only if the source is still the one it came from)."""
    old = None
    try:
        with unit_of_work():
            lock(video)
            if version is not None and video.source_version != version:
                raise _refused(_("The video's source changed meanwhile: pick the frame again."))
            old, video.poster_key = video.poster_key, key
            audit.record(video.corporation_id, actor, "video.poster_changed", video, title=video.title, **details)
    except BaseException:
        posters.delete_poster(key)
        raise
    posters.delete_poster(old)
    return video
