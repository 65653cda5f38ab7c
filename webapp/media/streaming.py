"""The stream engine: view credit, then the bytes (relay, file or nginx), for a video the caller may see."""
from urllib.parse import quote

from flask import Response, current_app, request, send_file
from requests.utils import requote_uri
from werkzeug.exceptions import RequestedRangeNotSatisfiable

from webapp.core.exceptions import OriginFailed
from webapp.media.credit import record_view
from webapp.media.origin import open_upstream
from webapp.media.ssrf import UnsafeTarget, check_url
from webapp.media.storage import media_path
from webapp.models import User, Video

RELAYED_HEADERS = ("Content-Type", "Content-Length", "Content-Range", "Accept-Ranges", "ETag",
                   "Last-Modified")
VIDEO_BYTES = (200, 206)
NON_VIDEO_TYPES = ("text/", "application/json", "application/xml", "application/xhtml")
MEDIA_LOCATION = "/_media/"
ORIGIN_LOCATION = "/_origin"


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


def credit_if_watched(user: User, video: Video, status: int) -> None:
    """A GET answered with video bytes is a view."""
    if request.method == "GET" and status in VIDEO_BYTES:
        record_view(user, video)


def range_not_satisfiable(content_range: str | None) -> Response:
    """An empty 416 that tells the player the real length."""
    response = Response(status=416)
    if content_range:
        response.headers["Content-Range"] = content_range
    return response


def relay_response(user: User, video: Video) -> Response:
    """Relay the origin's bytes, forwarding Range / If-Range and the origin's range headers."""
    upstream = open_upstream(video.source_url, request.method, request.headers)
    try:
        if upstream.status == 416:
            upstream.close()
            return range_not_satisfiable(upstream.headers.get("Content-Range"))
        if upstream.status not in VIDEO_BYTES:
            raise OriginFailed(f"The video source answered with HTTP status {upstream.status}.")
        content_type = upstream.headers.get("Content-Type", "")
        if content_type.lower().startswith(NON_VIDEO_TYPES):
            raise OriginFailed("The video source did not send a video.")
        credit_if_watched(user, video, upstream.status)
    except BaseException:
        upstream.close()
        raise
    headers = {name: upstream.headers[name] for name in RELAYED_HEADERS if name in upstream.headers}
    headers.setdefault("Content-Type", video.content_type)
    headers["Cache-Control"] = "private"
    chunk_size = current_app.config["STREAM_CHUNK_SIZE"]
    body = upstream.iter_body(chunk_size) if request.method == "GET" else ()
    response = Response(body, status=upstream.status, headers=headers, direct_passthrough=True)
    response.call_on_close(upstream.close)
    return response


def file_response(user: User, video: Video) -> Response:
    """Serve an uploaded file with Range and conditional requests (sendfile under gunicorn)."""
    path = media_path(video.file_key)
    if not path.is_file():
        raise OriginFailed("The video file is missing from storage.")
    try:
        response = send_file(path, mimetype=video.content_type, conditional=True, etag=True, max_age=0)
    except RequestedRangeNotSatisfiable as error:
        return range_not_satisfiable(f"bytes */{error.length}" if error.length is not None else None)
    try:
        credit_if_watched(user, video, response.status_code)
    except BaseException:
        response.close()
        raise
    response.cache_control.private = True
    return response


def offload_response(user: User, video: Video) -> Response:
    """Hand the byte transfer to nginx (X-Accel-Redirect) after the checks and the credit."""
    if video.is_upload:
        if not media_path(video.file_key).is_file():
            raise OriginFailed("The video file is missing from storage.")
        headers = {"X-Accel-Redirect": MEDIA_LOCATION + quote(video.file_key)}
    else:
        try:
            check_url(video.source_url)
        except UnsafeTarget as error:
            raise OriginFailed("The video source is not allowed: " + str(error)) from None
        headers = {"X-Accel-Redirect": ORIGIN_LOCATION, "X-Origin-Url": requote_uri(video.source_url)}
    credit_if_watched(user, video, 200)
    headers["Cache-Control"] = "private"
    return Response(b"", status=200, headers=headers, content_type=video.content_type)
