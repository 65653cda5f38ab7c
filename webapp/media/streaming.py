"""The stream engine: view credit, then the bytes (relay, file or nginx), for a video the caller may see.

Whoever moves the bytes, the answer is ours: the video's own Content-Type (decided when it was
added, never an origin's), `nosniff` and a policy under which a document can do nothing
(`security.protect_stream`), so an origin can never run script on our site. An origin answer that
is not video bytes becomes our 502; its body never reaches the viewer.
"""
import re
from urllib.parse import quote, urlsplit

from flask import Response, current_app, request, send_file
from flask_babel import gettext as _
from requests.utils import requote_uri
from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.http import is_resource_modified, parse_date

from webapp.core.errors import error_response
from webapp.core.exceptions import OriginFailed
from webapp.core.security import protect_stream
from webapp.media.credit import has_viewed, record_view
from webapp.media.origin import VIDEO_BYTES, checked_origin, forget_origin, open_upstream
from webapp.media.reasons import Reason
from webapp.media.storage import media_path
from webapp.models import User, Video

RELAYED_HEADERS = ("Content-Length", "Content-Range", "ETag", "Last-Modified")
MEDIA_LOCATION = "/_media/"
ORIGIN_LOCATION = "/_origin"
# nginx's @origin_refused (nginx/offload.conf) hands a failed origin answer back to the app with
# the origin's status in this header, so that the viewer gets our 502 page or JSON envelope.
ORIGIN_FAILED_HEADER = "X-Origin-Failed"


def stream_response(user: User, video: Video) -> Response:
    """Serve a video's bytes to `user` (session or token holder, already authenticated).

    The caller loaded `video` through the tenancy check (videos.queries.watchable_video_or_404).
    The first GET that gets video bytes (200/206) logs the view and credits the points; HEAD never does.
    """
    if current_app.config["X_ACCEL_REDIRECT"]:
        return offload_response(user, video)
    if video.is_upload:
        return file_response(user, video)
    return relay_response(user, video)


def video_headers(video: Video) -> dict:
    """Headers of every answer carrying (or standing for) video bytes, whoever sends the bytes."""
    return {
        "Content-Type": video.content_type,
        "Accept-Ranges": "bytes",
        "Cache-Control": "private",
        "X-Accel-Buffering": "no",  # behind nginx: pass the bytes on, never spool them to disk
    }


def credit_if_watched(user: User, video: Video, status: int) -> None:
    """A GET answered with video bytes is a view."""
    if request.method == "GET" and status in VIDEO_BYTES:
        record_view(user, video)


def range_not_satisfiable(size: int | str | None) -> Response:
    """Our 416 (page, or JSON envelope under /api) telling the player the real length."""
    headers = {"Content-Range": f"bytes */{size}"} if size is not None else {}
    return error_response(416, "range_not_satisfiable",
                          _("The requested range starts beyond the end of the video."), headers=headers)


def relay_response(user: User, video: Video) -> Response:
    """Relay the origin's bytes, forwarding Range / If-Range and the origin's range headers."""
    upstream = open_upstream(video.source_url, request.method, request.headers)
    try:
        if upstream.status == 416:
            upstream.close()
            return range_not_satisfiable(upstream.headers.get("Content-Range", "").rpartition("/")[2] or None)
        upstream.require_video()
        credit_if_watched(user, video, upstream.status)
    except BaseException:
        upstream.close()
        raise
    headers = {name: upstream.headers[name] for name in RELAYED_HEADERS if name in upstream.headers}
    headers.update(video_headers(video))
    body = relayed_body(upstream) if request.method == "GET" else ()
    response = Response(body, status=upstream.status, headers=headers, direct_passthrough=True)
    response.call_on_close(upstream.close)
    return protect_stream(response)


def relayed_body(upstream):
    """The origin's body as it arrives; the empty first piece sends the headers at once."""
    config = current_app.config  # read now: the body is sent after the request context is gone
    pieces = upstream.iter_body(config["STREAM_CHUNK_SIZE"], config["STREAM_MIN_BYTES"],
                                config["STREAM_READ_TIMEOUT"])

    def body():
        yield b""
        yield from pieces

    return body()


def file_response(user: User, video: Video) -> Response:
    """Serve an uploaded file with Range and conditional requests (sendfile under gunicorn)."""
    path = media_path(video.file_key)
    if not path.is_file():
        raise OriginFailed(Reason("file_missing"))
    try:
        response = send_file(path, mimetype=video.content_type, conditional=True, etag=True, max_age=0)
    except RequestedRangeNotSatisfiable as error:
        return range_not_satisfiable(error.length)
    try:
        credit_if_watched(user, video, response.status_code)
    except BaseException:
        response.close()
        raise
    response.headers.update(video_headers(video))
    return protect_stream(response)


def answer_without_bytes(video: Video, size: int | None, etag: str | None = None,
                         last_modified: str | None = None) -> Response | None:
    """In offload mode the app answers 304 and 416 itself (nginx would only after the credit).

    None when the viewer is to get bytes (200 or 206).
    """
    if (etag or last_modified) and not is_resource_modified(
            request.environ, etag=etag, last_modified=parse_date(last_modified) if last_modified else None):
        response = Response(status=304, headers={**video_headers(video), **({"ETag": etag} if etag else {})})
        return protect_stream(response)
    byte_range = request.range
    if (size is not None and byte_range is not None and byte_range.units == "bytes"
            and len(byte_range.ranges) == 1 and "If-Range" not in request.headers
            and byte_range.range_for_length(size) is None):
        return range_not_satisfiable(size)
    return None


def offload_response(user: User, video: Video) -> Response:
    """Hand the byte transfer to nginx (X-Accel-Redirect) after the checks and the credit.

    URL sources are checked first: a 200/206 with a video type, through the address the SSRF
    guard allowed; nginx then connects to that very address. A GET that may earn the view's points
    always checks afresh; other requests (seeks after the view, HEAD) use a check remembered
    ORIGIN_CHECK_TTL seconds.
    """
    if video.is_upload:
        path = media_path(video.file_key)
        if not path.is_file():
            raise OriginFailed(Reason("file_missing"))
        early = answer_without_bytes(video, path.stat().st_size)
        headers = {"X-Accel-Redirect": MEDIA_LOCATION + quote(video.file_key)}
    else:
        if ORIGIN_FAILED_HEADER in request.headers:
            forget_origin(video.source_url)  # the next request checks the origin again
            raise OriginFailed(origin_failure(request.headers[ORIGIN_FAILED_HEADER]))
        creditable = request.method == "GET" and not has_viewed(user, video)
        facts = checked_origin(video.source_url, fresh=creditable)
        early = answer_without_bytes(video, facts.size, facts.etag, facts.last_modified)
        headers = origin_handoff_headers(facts.url, facts.target)
    if early is not None:
        return early
    credit_if_watched(user, video, 200)
    # nginx keeps these two across the internal redirect; the rest it says itself (offload.conf)
    headers.update({"Content-Type": video.content_type, "Cache-Control": "private"})
    return protect_stream(Response(b"", status=200, headers=headers))


def origin_failure(upstream_status: str) -> str:
    """The message for nginx's report (its $upstream_status: the app's "200", then the origin's)."""
    statuses = re.findall(r"\b\d{3}\b", upstream_status)
    status = statuses[-1] if statuses else None
    if status in (None, "502", "504"):  # nginx's own: the origin could not be reached in time
        return Reason("source_unreachable")
    return Reason("http_status", status=status)


def origin_handoff_headers(url: str, target) -> dict:
    """What nginx's /_origin needs to fetch `url` from the address the app checked (no DNS lookup)."""
    parts = urlsplit(requote_uri(url))
    address = f"[{target.address}]" if ":" in target.address else target.address
    return {
        "X-Accel-Redirect": ORIGIN_LOCATION,
        "X-Origin-Scheme": target.scheme,
        "X-Origin-Address": f"{address}:{target.port}",
        "X-Origin-Host": parts.netloc.rpartition("@")[2],
        "X-Origin-Name": target.hostname,
        "X-Origin-Path": (parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
    }
