"""How a video's processing status reads on the pages: the badge, its reason, and the media facts."""
from flask_babel import gettext as _

from webapp.core.i18n import format_bytes, format_duration
from webapp.models import STATUS_FAILED, STATUS_READY, Video


def badge(video: Video) -> str:
    """Processing…, Ready, or Failed: reason."""
    if video.status == STATUS_READY:
        return _("Ready")
    if video.status == STATUS_FAILED:
        return _("Failed: %(reason)s", reason=video.status_detail or _("unknown reason"))
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
    return video.status_detail if video.status == STATUS_READY else None


def describe(video: Video) -> dict:
    """What the Videos page shows about a video's processing, as its status endpoint answers it."""
    return {"id": video.id, "status": video.status, "badge": badge(video), "facts": facts_line(video),
            "warning": warning(video) or ""}
