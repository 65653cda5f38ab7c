"""Reasons people are shown about a video's media: why it failed, a ready video's caveat, why a poster
could not be made. Each is a code with parameters: that is what the database keeps, and the words are
chosen when the reason is shown, in the reader's language (a Korean admin and an English one read
the same failure each in their own).

A `Reason` is also the text in the current language (a `str`), so it goes wherever a message goes
(exceptions, form errors, the API's error envelope) and still remembers its code and parameters.
"""
from flask_babel import gettext as _

from webapp.core.i18n import format_duration

# The code of a reason written as text before codes existed: shown as it was written.
TEXT = "text"

MESSAGES = {
    # Where the source is (webapp/media/ssrf.py)
    "host_not_found": lambda p: _("The host %(host)s could not be found.", **p),
    "url_invalid": lambda p: _("The URL is not valid."),
    "scheme_not_allowed": lambda p: _("Only http:// and https:// sources are allowed."),
    "url_no_host": lambda p: _("The URL has no host."),
    "host_private": lambda p: _(
        "The host %(host)s is on a private or local network; only public addresses "
        "(or hosts listed in VIDEO_SOURCE_ALLOWED_HOSTS) are allowed.", **p),
    # How the origin answered (webapp/media/origin.py, source.py)
    "http_status": lambda p: _("The video source answered with HTTP status %(status)s.", **p),
    "not_video": lambda p: _("The video source did not send a video."),
    "source_refused": lambda p: _("The video source is not allowed: %(reason)s", **p),
    "source_timeout": lambda p: _("The video source did not answer in time."),
    "source_unreachable": lambda p: _("The video source could not be reached."),
    "redirect_refused": lambda p: _("The video source redirected to a URL that is not allowed."),
    "too_many_redirects": lambda p: _("The video source redirected too many times."),
    "source_too_slow": lambda p: _("The video source is too slow: reading it took too long."),
    "ranges_stopped": lambda p: _("The video source stopped answering byte ranges while it was read."),
    "source_changed": lambda p: _("The video file on the source changed while it was read."),
    "source_cut": lambda p: _("The video source stopped sending in the middle of the file."),
    "no_length": lambda p: _("The video source did not say how long the file is."),
    "file_missing": lambda p: _("The video file is missing from storage."),
    "storage_unreadable": lambda p: _("The video file could not be read from storage."),
    # What the file is (webapp/media/probe.py, examine.py)
    "empty_file": lambda p: _("The file is empty (0 bytes)."),
    "truncated": lambda p: _("The file is cut short (truncated): part of the video is missing."),
    "unreadable": lambda p: _("The file is not a video we can read: it is corrupt or in an unknown format."),
    "sound_only": lambda p: _("The file has sound only, no picture: add a video with a picture."),
    "no_video_stream": lambda p: _("The file contains no video stream."),
    "matroska": lambda p: _(
        "Matroska (MKV) files do not play in browsers: convert it to MP4 (H.264 and AAC) or WebM."),
    "format_unplayable": lambda p: _(
        "This file format does not play in browsers: use MP4 (H.264 and AAC) or WebM (VP9 and Opus)."),
    "video_codec": lambda p: _(
        "%(codec)s video does not play in most browsers: convert it to H.264 (MP4) or VP9 (WebM).", **p),
    "audio_codec": lambda p: _("Its %(codec)s sound does not play in browsers: use AAC (MP4) or Opus (WebM).", **p),
    "index_at_end_no_range": lambda p: _(
        "The video's index is at the end of the file and its source does not support seeking (HTTP Range), "
        "so browsers cannot play it: move the index to the front (faststart) or serve it with Range support."),
    "no_picture": lambda p: _("No picture could be decoded from the video: the file is corrupt."),
    "no_seeking": lambda p: _("Seeking will not work: the video's source does not support HTTP Range requests."),
    # The jobs (webapp/videos/processing.py, poster_services.py)
    "job_timeout": lambda p: _(
        "Processing took too long (over the job's time limit): the video's source may be too slow."),
    "internal_error": lambda p: _("The video could not be processed because of an error on our side."),
    "stopped": lambda p: _(
        "Processing stopped unexpectedly (the worker was stopped or ran out of memory). "
        "Edit the video or try again later."),
    "no_frame_at": lambda p: _("No picture could be decoded at %(time)s: try another time.",
                               time=format_duration(p["seconds"])),
    TEXT: lambda p: p["text"],
}


class Reason(str):
    """A reason in the current language that keeps its code and parameters for storing."""

    code: str
    params: dict

    def __new__(cls, code: str, **params):
        if code not in MESSAGES:
            raise KeyError(f"unknown reason code {code!r}")
        stored = {name: value.stored() if isinstance(value, Reason) else value for name, value in params.items()}
        reason = super().__new__(cls, render(code, stored))
        reason.code, reason.params = code, stored
        return reason

    def __reduce__(self):
        # Pickled with a job's result (rq): rebuilt from its code and parameters, in the reader's language.
        return _restore, (self.code, self.params)

    def stored(self) -> dict:
        """{"code": …, "params": {…}}: what a JSON column keeps (a nested reason as the same)."""
        return {"code": self.code, "params": self.params}


def _restore(code: str, params: dict) -> "Reason":
    return Reason(code, **params)


def render(code: str | None, params: dict | None) -> str | None:
    """A stored reason in the current language (None for none); an unknown code reads as a generic one."""
    if code is None:
        return None
    params = {name: render(value["code"], value.get("params")) if isinstance(value, dict) and "code" in value
              else value for name, value in (params or {}).items()}
    message = MESSAGES.get(code, MESSAGES["internal_error"])
    try:
        return message(params)
    except (KeyError, TypeError, ValueError):  # parameters of an older version of the message
        return MESSAGES["internal_error"]({})


def stored(reason: Reason | None) -> tuple[str | None, dict | None]:
    """(code, parameters) as a row keeps them (no parameters: NULL)."""
    return (reason.code, reason.params or None) if reason is not None else (None, None)


def reason_of(error: BaseException) -> Reason:
    """The reason an exception carries (its message), as a Reason even when it is plain text."""
    message = getattr(error, "message", None) or (error.args[0] if error.args else str(error))
    return message if isinstance(message, Reason) else Reason(TEXT, text=str(message))
