"""The stream engine: view credit, then the bytes (relay, file or nginx), for a video the caller may see.

Whoever moves the bytes, the answer is ours: the video's own Content-Type (decided when it was
added, never an origin's), `nosniff` and a policy under which a document can do nothing
(`security.protect_stream`), so an origin can never run script on our site. An origin answer that
is not video bytes becomes our 502; its body never reaches the viewer.
"""
import re
import time
from urllib.parse import quote, urlsplit

from flask import Response, current_app, request, send_file
from flask_babel import gettext as _
from requests.utils import requote_uri
from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.http import http_date, is_resource_modified, parse_date, unquote_etag

from webapp.core.database import end_reads
from webapp.core.errors import error_response
from webapp.core.exceptions import OriginFailed
from webapp.core.extensions import db
from webapp.core.security import protect_stream
from webapp.media.backends import ObjectInfo, StorageError
from webapp.media.credit import has_viewed, record_view
from webapp.media.gate import give_back_turn
from webapp.media.origin import VIDEO_BYTES, checked_origin, forget_origin, open_upstream
from webapp.media.reasons import Reason
from webapp.media.ssrf import DEFAULT_PORTS, Target, UnsafeTarget, resolve
from webapp.media.storage import backend
from webapp.models import User, Video

RELAYED_HEADERS = ("Content-Length", "Content-Range", "ETag", "Last-Modified")
MEDIA_LOCATION = "/_media/"
ORIGIN_LOCATION = "/_origin"
# nginx's @origin_refused (nginx/offload.conf) hands a failed origin answer back to the app with
# the origin's status in this header, so that the viewer gets our 502 page or JSON envelope.
ORIGIN_FAILED_HEADER = "X-Origin-Failed"
_storage_addresses = {}  # (host, port) of the storage endpoint -> (looked up at, address)


def stream_response(user: User, video: Video) -> Response:
    """Serve a video's bytes to `user` (session or token holder, already authenticated).

    The caller loaded `video` through the tenancy check (videos.queries.watchable_video_or_404).
    The first GET that gets video bytes (200/206) logs the view and credits the points; HEAD never does.
    A read-only scope of the request (core/database.py reads_first) ends once everything is read,
    before the origin or the file is opened: the database connection is not held meanwhile, and
    the credit runs in a transaction of its own. The start's turn (media/gate.py) is given back
    at the same point.
    """
    if current_app.config["X_ACCEL_REDIRECT"]:
        return offload_response(user, video)
    end_reads(db.session())
    give_back_turn()
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
    if watches() and status in VIDEO_BYTES:
        record_view(user, video)


def watches() -> bool:
    """Is this request one that can be a view? A GET; a HEAD asks about the bytes without taking them."""
    return request.method == "GET"


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
    """Serve an uploaded video from storage with Range and conditional requests: a local file with
    sendfile under gunicorn, an S3 object relayed from Range reads of the bucket."""
    store = backend()
    path = store.local_path(video.file_key)
    if path is None:
        return object_response(user, video)
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


def stored_object(video: Video) -> ObjectInfo:
    """What storage knows of an uploaded video's object; our 502 when it is not there."""
    try:
        info = backend().head(video.file_key)
    except StorageError:
        raise OriginFailed(_("The video file could not be read from storage.")) from None
    if info is None:
        raise OriginFailed(_("The video file is missing from storage."))
    return info


def object_response(user: User, video: Video) -> Response:
    """Relay an object of the bucket: the range asked for (one range; several get the whole video,
    as RFC 9110 allows), read from storage as the viewer takes it."""
    info = stored_object(video)
    last_modified = http_date(int(info.modified))
    early = answer_without_bytes(video, info.size, info.etag, last_modified)
    if early is not None:
        return early
    start, stop, status = 0, info.size, 200
    byte_range = request.range
    if (byte_range is not None and byte_range.units == "bytes" and len(byte_range.ranges) == 1
            and if_range_holds(info.etag, int(info.modified))):
        bounds = byte_range.range_for_length(info.size)
        if bounds is not None:
            (start, stop), status = bounds, 206
    headers = {"Content-Length": str(stop - start), "Last-Modified": last_modified, **video_headers(video)}
    if info.etag:
        headers["ETag"] = info.etag
    if status == 206:
        headers["Content-Range"] = f"bytes {start}-{stop - 1}/{info.size}"
    body = ()
    if request.method == "GET" and stop > start:
        try:
            pieces = backend().iter_range(video.file_key, start, stop - 1, current_app.config["STREAM_CHUNK_SIZE"])
        except StorageError:
            raise OriginFailed(_("The video file could not be read from storage.")) from None
        body = streamed(pieces)
    credit_if_watched(user, video, status)
    response = Response(body, status=status, headers=headers, direct_passthrough=True)
    if body:
        response.call_on_close(body.close)
    return protect_stream(response)


def if_range_holds(etag: str | None, modified: int) -> bool:
    """Whether a Range request may be answered with a range: no If-Range, or one naming this version."""
    if_range = request.if_range
    if if_range.etag:
        return bool(etag) and if_range.etag == unquote_etag(etag)[0] and not unquote_etag(etag)[1]
    if if_range.date:
        return int(if_range.date.timestamp()) == modified
    return True


def streamed(pieces):
    """A body that sends the headers at once, then the pieces; closing it closes the storage read."""
    def body():
        try:
            yield b""
            yield from pieces
        finally:
            pieces.close()

    return body()


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
        if ORIGIN_FAILED_HEADER in request.headers:  # storage refused nginx (offload.conf's /_storage/)
            raise OriginFailed(Reason("storage_unreadable"))
        early = answer_without_bytes(video, stored_object(video).size)
        headers = storage_handoff(video.file_key)
        creditable = watches()
    else:
        if ORIGIN_FAILED_HEADER in request.headers:
            forget_origin(video.source_url)  # the next request checks the origin again
            raise OriginFailed(origin_failure(request.headers[ORIGIN_FAILED_HEADER]))
        creditable = watches() and not has_viewed(user, video)
        end_reads(db.session())
        give_back_turn()
        facts = checked_origin(video.source_url, fresh=creditable)
        early = answer_without_bytes(video, facts.size, facts.etag, facts.last_modified)
        headers = origin_handoff_headers(facts.url, facts.target)
    if early is not None:
        return early
    end_reads(db.session())
    give_back_turn()
    if creditable:  # a GET of video bytes is a view; one already credited needs no write
        record_view(user, video)
    # nginx keeps these two across the internal redirect; the rest it says itself (offload.conf)
    headers.update({"Content-Type": video.content_type, "Cache-Control": "private"})
    return protect_stream(Response(b"", status=200, headers=headers))


def storage_handoff(file_key: str) -> dict:
    """What nginx needs to send an upload: the internal /_media/ folder (local), or, for a bucket,
    the internal /_origin location with a presigned GET valid S3_PRESIGN_TTL seconds and the storage
    endpoint's address (nginx resolves no name). The URL and its signature stay between app and
    nginx: browsers never see them, and never reach the bucket."""
    store = backend()
    if store.local_path(file_key) is not None:
        return {"X-Accel-Redirect": MEDIA_LOCATION + quote(file_key)}
    try:
        url = store.presigned_get(file_key, current_app.config["S3_PRESIGN_TTL"])
        return origin_handoff_headers(url, storage_target(url))
    except (StorageError, UnsafeTarget):
        raise OriginFailed(_("The video file could not be read from storage.")) from None


def storage_target(url: str) -> Target:
    """The address of the storage endpoint of `url` (our own setting, so not SSRF-checked), looked up
    at most every ORIGIN_CHECK_TTL seconds per process."""
    parts = urlsplit(url)
    port = parts.port or DEFAULT_PORTS[parts.scheme]
    now = time.monotonic()
    remembered = _storage_addresses.get((parts.hostname, port))
    if remembered is None or now - remembered[0] > current_app.config["ORIGIN_CHECK_TTL"]:
        remembered = (now, str(resolve(parts.hostname, port)[0]))
        _storage_addresses[(parts.hostname, port)] = remembered
    return Target(parts.scheme, parts.hostname, port, remembered[1])


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
