"""Talking to video origins: one pooled, SSRF-guarded requests session per process."""
import http.cookiejar
import logging
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin

import requests
from flask import current_app
from urllib3.exceptions import HTTPError as Urllib3Error

from webapp.core.exceptions import OriginFailed
from webapp.media.reasons import Reason, reason_of
from webapp.media.ssrf import ALLOWED_SCHEMES, GuardedAdapter, Target, UnsafeTarget

log = logging.getLogger(__name__)

MAX_REDIRECTS = 3
FORWARDED_REQUEST_HEADERS = ("Range", "If-Range")
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
VIDEO_BYTES = (200, 206)
# What an origin may announce for video bytes; anything else (HTML, SVG, scripts, JSON...) is refused.
# Relay pieces: MIN_PIECE, and for a viewer that has taken WARM_UP bytes about what it takes in
# PIECE_SECONDS at its pace so far (see piece_size).
MIN_PIECE = 64 * 1024
WARM_UP = 8 * 1024 * 1024
PIECE_SECONDS = 0.1
VIDEO_BODY_TYPES = ("application/octet-stream", "binary/octet-stream", "application/mp4")

_session = None
_session_lock = threading.Lock()
_open_lock = threading.Lock()
_open_upstreams = 0


def origin_session() -> requests.Session:
    """The process's pooled session: no cookies kept, no proxies from the environment."""
    global _session
    with _session_lock:
        if _session is None:
            session = requests.Session()
            session.trust_env = False
            session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
            adapter = GuardedAdapter(pool_connections=16, pool_maxsize=64, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            session.headers.update({"User-Agent": "Reelhouse", "Accept-Encoding": "identity"})
            _session = session
        return _session


def open_upstreams() -> int:
    """How many origin responses are open right now in this process (relays in flight)."""
    return _open_upstreams


def _count(delta):
    global _open_upstreams
    with _open_lock:
        _open_upstreams += delta


def announces_video(headers) -> bool:
    """True when an origin's Content-Type is one video bytes come with (video/*, octet-stream, or none)."""
    content_type = headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
    return not content_type or content_type.startswith("video/") or content_type in VIDEO_BODY_TYPES


def piece_size(taken: int, seconds: float, chunk_size: int) -> int:
    """The next relay piece for a viewer that took `taken` bytes in `seconds` since its first piece:
    MIN_PIECE until it has taken WARM_UP bytes (kernel buffers swallow the first pieces at once,
    whatever the viewer's pace), then what it takes in PIECE_SECONDS, between MIN_PIECE and chunk_size."""
    floor = min(MIN_PIECE, chunk_size)
    if taken < WARM_UP:
        return floor
    if seconds <= 0:
        return chunk_size
    return max(floor, min(chunk_size, int(taken / seconds * PIECE_SECONDS)))


class OriginCut(Exception):
    """The origin stopped sending in the middle of a body: the viewer's connection must be closed."""


class Upstream:
    """An open origin response; iterate it for the body, close it exactly once.

    `target` is the checked address the connection went to (see GuardedAdapter).
    """

    def __init__(self, response: requests.Response, url: str):
        self.response = response
        self.url = url
        self.status = response.status_code
        self.headers = response.headers
        self.target = getattr(response.request, "checked_target", None)
        self.closed = False
        _count(1)

    def iter_body(self, chunk_size: int, min_bytes: int = 0, window: float = 0):
        """Yield the body as it arrives (at most chunk_size bytes a piece, never waiting for a full one).

        The piece size follows the viewer's pace (`piece_size`): a fast reader gets pieces of up to
        chunk_size, a viewer at 5 Mbit/s (or one that stopped reading early) pieces of MIN_PIECE, so
        it holds about 64 KiB of the process's memory while it waits, not chunk_size. After each
        piece the relay yields to the server's other connections (`time.sleep(0)`: a cooperative
        switch under gevent, nothing under threads).

        An origin that sends less than `min_bytes` in `window` seconds of waiting for it is cut (time
        spent waiting for the viewer does not count). A body that ends early raises OriginCut after
        the bytes received, so that the server closes the viewer's connection instead of leaving the
        announced length unfulfilled. The origin connection is closed however iteration ends.
        """
        read = self.response.raw.read1
        waited, received = 0.0, 0
        size, taken, first = min(MIN_PIECE, chunk_size), 0, None
        try:
            while True:
                started = time.monotonic()
                try:
                    data = read(size)
                except (Urllib3Error, OSError) as error:
                    log.warning("origin stopped sending %s: %s", self.url, error.__class__.__name__)
                    raise OriginCut(self.url) from None
                if not data:
                    return
                waited += time.monotonic() - started
                received += len(data)
                if received >= min_bytes:
                    waited, received = 0.0, 0
                elif window and waited >= window:
                    log.warning("origin too slow, cut %s: %d bytes in %.0f s", self.url, received, waited)
                    raise OriginCut(self.url)
                first = first or time.monotonic()
                yield data
                taken += len(data)
                size = piece_size(taken, time.monotonic() - first, chunk_size)
                time.sleep(0)
        finally:
            self.close()

    def require_video(self) -> None:
        """OriginFailed (502) unless this answer carries video bytes: 200/206 with a video type."""
        if self.status not in VIDEO_BYTES:
            raise OriginFailed(Reason("http_status", status=self.status))
        if not announces_video(self.headers):
            raise OriginFailed(Reason("not_video"))

    def close(self):
        if not self.closed:
            self.closed = True
            self.response.close()
            _count(-1)


def open_upstream(url: str, method: str, request_headers) -> Upstream:
    """Send the request to the origin, following at most MAX_REDIRECTS checked redirects.

    Raises OriginFailed (502) when the origin is refused, unreachable or too slow; the origin's
    own error body is never read.
    """
    config = current_app.config
    timeout = (config["STREAM_CONNECT_TIMEOUT"], config["STREAM_READ_TIMEOUT"])
    headers = {name: request_headers[name] for name in FORWARDED_REQUEST_HEADERS if name in request_headers}
    session = origin_session()
    for _hop in range(MAX_REDIRECTS + 1):
        try:
            response = session.request(method, url, headers=headers, stream=True,
                                       allow_redirects=False, timeout=timeout)
        except UnsafeTarget as error:
            log.warning("refused video origin %s: %s", url, error)
            raise OriginFailed(Reason("source_refused", reason=reason_of(error))) from None
        except requests.Timeout:
            raise OriginFailed(Reason("source_timeout")) from None
        except requests.RequestException as error:
            log.warning("video origin %s failed: %s", url, error)
            raise OriginFailed(Reason("source_unreachable")) from None
        location = response.headers.get("Location")
        if response.status_code not in REDIRECT_STATUSES or not location:
            return Upstream(response, url)
        response.close()
        url = urljoin(url, location)
        if url.split(":", 1)[0].lower() not in ALLOWED_SCHEMES:
            raise OriginFailed(Reason("redirect_refused"))
    raise OriginFailed(Reason("too_many_redirects"))


@dataclass(frozen=True)
class OriginFacts:
    """What checking an origin found: where its video is (after checked redirects) and its validators."""

    url: str
    target: Target
    size: int | None
    etag: str | None
    last_modified: str | None


def check_origin(url: str) -> OriginFacts:
    """Ask the origin for the video's first byte and check that the answer is video bytes.

    Raises OriginFailed (502) like the relay does; the body is never read.
    """
    upstream = open_upstream(url, "GET", {"Range": "bytes=0-0"})
    try:
        upstream.require_video()
        headers = upstream.headers
        length = headers.get("Content-Range", "").rpartition("/")[2] if upstream.status == 206 \
            else headers.get("Content-Length", "")
        return OriginFacts(url=upstream.url, target=upstream.target, size=int(length) if length.isdigit() else None,
                           etag=headers.get("ETag"), last_modified=headers.get("Last-Modified"))
    finally:
        upstream.close()


_checked = {}
_checked_lock = threading.Lock()
MAX_REMEMBERED = 1024


def checked_origin(url: str, fresh: bool = False) -> OriginFacts:
    """check_origin(url), remembered ORIGIN_CHECK_TTL seconds in this process (seeks cost no extra
    check); `fresh` checks again whatever is remembered."""
    ttl = current_app.config["ORIGIN_CHECK_TTL"]
    now = time.monotonic()
    with _checked_lock:
        remembered = _checked.get(url)
    if remembered and not fresh and now - remembered[0] < ttl:
        return remembered[1]
    facts = check_origin(url)
    with _checked_lock:
        if len(_checked) >= MAX_REMEMBERED:
            _checked.clear()
        _checked[url] = (now, facts)
    return facts


def forget_origin(url: str | None = None) -> None:
    """Drop what was remembered about an origin (it failed since), or about all: they are checked again."""
    with _checked_lock:
        if url is None:
            _checked.clear()
        else:
            _checked.pop(url, None)
