"""How a video's processing status reads on the pages and in the API: the badge, its reason in the
reader's language, the media facts, and the state of an admin's poster from a frame."""
from flask_babel import gettext as _

from webapp.core.i18n import format_bytes, format_duration
from webapp.media.reasons import render
from webapp.models import POSTER_FAILED, POSTER_PENDING, STATUS_FAILED, STATUS_READY, Video


def detail(video: Video) -> str | None:
    """Why the video failed, or a ready video's caveat, in the current language (None when there is none)."""
    return render(video.status_reason, video.status_params)


def badge(video: Video) -> str:
    """Processing…, Ready, or Failed: reason."""
    if video.status == STATUS_READY:
        return _("Ready")
    if video.status == STATUS_FAILED:
        return _("Failed: %(reason)s", reason=detail(video) or _("unknown reason"))
    return _("Processing…")


def facts_line(video: Video) -> str:
    """Duration · width × height · size, as far as they are known."""
    parts = []
    if video.duration_seconds is not None:
        parts.append(format_duration(video.duration_seconds))
    if video.width and video.height:
        parts.append(f"{video.width} × {video.height}")
    if video.size_bytes is not None:
        parts.append(format_bytes(video.size_bytes))
    return " · ".join(parts)


def warning(video: Video) -> str | None:
    """A ready video's caveat (e.g. seeking will not work), or None."""
    return detail(video) if video.status == STATUS_READY else None


def poster_detail(video: Video) -> str | None:
    """Why the last poster from a frame could not be made, in the current language, or None."""
    return render(video.poster_reason, video.poster_params) if video.poster_state == POSTER_FAILED else None


def poster_message(video: Video) -> str:
    """What the Poster page says about the poster being made from a frame ("" when nothing is going on)."""
    if video.poster_state == POSTER_PENDING:
        return _("Making the poster from %(time)s…", time=format_duration(video.poster_request_at or 0))
    if video.poster_state == POSTER_FAILED:
        return _("The poster could not be made from %(time)s: %(reason)s",
                 time=format_duration(video.poster_request_at or 0), reason=poster_detail(video))
    return ""


def describe(video: Video) -> dict:
    """What the Videos and Poster pages show about a video's processing, as its status endpoint answers it."""
    return {"id": video.id, "status": video.status, "badge": badge(video), "facts": facts_line(video),
            "warning": warning(video) or "", "poster_state": video.poster_state or "",
            "poster_message": poster_message(video), "poster_key": video.poster_key or ""}
