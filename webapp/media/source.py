"""A video's bytes as a seekable file for the media library, read through the SSRF-guarded client.

Probing needs random access (an MP4's index may be at the end), but a video may be gigabytes on an
origin. `RangeReader` fetches fixed blocks with HTTP Range requests, on demand, through the same
pinned-address client as the stream route (`origin.open_upstream`), keeping a few recent blocks;
so a probe reads the file's head, the index wherever it is, and a few frames, never the whole file.
An origin that ignores Range is read forward into a spooled file, up to a cap: enough for a
faststart file, and then the video is marked as not seekable.
"""
import logging
import tempfile
import time

from flask import current_app

from webapp.core.exceptions import OriginFailed
from webapp.media.backends import BlockReader
from webapp.media.origin import OriginCut, open_upstream
from webapp.media.reasons import Reason

log = logging.getLogger(__name__)

BLOCK = 512 * 1024


class SourceError(Exception):
    """The source could not be read; the message is meant for people (it becomes the status reason)."""


class SourceChanged(SourceError):
    """The origin's file changed while it was being read."""


class Deadline:
    """A time limit for all the reading of one job (a trickling origin cannot hold a worker forever)."""

    def __init__(self, seconds: float):
        self.ends = time.monotonic() + seconds

    def check(self):
        if time.monotonic() > self.ends:
            raise SourceError(Reason("source_too_slow"))


class RangeReader(BlockReader):
    """A read-only, seekable view of a URL, fetched in BLOCK-sized Range requests.

    `requests` and `bytes_read` count what was asked of the origin.
    """

    def __init__(self, url: str, size: int, etag: str | None, deadline: Deadline, block: int = BLOCK):
        super().__init__(size, block)
        self.url = url
        self.etag = etag
        self.deadline = deadline

    def _fetch(self, start: int, end: int) -> bytes:
        self.deadline.check()
        upstream = open_upstream(self.url, "GET", {"Range": f"bytes={start}-{end}"})
        try:
            if upstream.status != 206:
                raise SourceChanged(Reason("ranges_stopped"))
            if self.etag and upstream.headers.get("ETag") not in (None, self.etag):
                raise SourceChanged(Reason("source_changed"))
            chunks = []
            for chunk in upstream.iter_body(256 * 1024, current_app.config["STREAM_MIN_BYTES"],
                                            current_app.config["STREAM_READ_TIMEOUT"]):
                chunks.append(chunk)
                self.deadline.check()
        except OriginFailed as error:
            raise SourceError(error.message) from None
        except (OriginCut, OSError):
            raise SourceError(Reason("source_cut")) from None
        finally:
            upstream.close()
        data = b"".join(chunks)
        if len(data) != end - start + 1:
            raise SourceError(Reason("source_cut"))
        return data


class Opened:
    """What opening a source found: a seekable file, its size, and whether the origin honours Range."""

    def __init__(self, file, size: int, supports_range: bool, complete: bool = True):
        self.file = file
        self.size = size
        self.supports_range = supports_range
        self.complete = complete  # False: a non-Range origin's file was longer than we read

    @property
    def requests(self) -> int:
        return getattr(self.file, "requests", 1)

    @property
    def bytes_read(self) -> int:
        return getattr(self.file, "bytes_read", self.size)

    def close(self):
        self.file.close()


def open_url(url: str, deadline: Deadline) -> Opened:
    """Open a URL source for reading. Raises SourceError with a reason people understand
    (refused address, HTTP error, not a video, empty, too slow)."""
    config = current_app.config
    try:
        upstream = open_upstream(url, "GET", {"Range": f"bytes=0-{BLOCK - 1}"})
    except OriginFailed as error:
        raise SourceError(error.message) from None
    try:
        try:
            upstream.require_video()
        except OriginFailed as error:
            raise SourceError(error.message) from None
        if upstream.status == 206:
            total = upstream.headers.get("Content-Range", "").rpartition("/")[2]
            if not total.isdigit():
                raise SourceError(Reason("no_length"))
            reader = RangeReader(upstream.url, int(total), upstream.headers.get("ETag"), deadline)
            first = b"".join(upstream.iter_body(256 * 1024, config["STREAM_MIN_BYTES"],
                                                config["STREAM_READ_TIMEOUT"]))
            reader.requests, reader.bytes_read = 1, len(first)
            if first:
                reader.cache[0] = first
            return Opened(reader, int(total), supports_range=True)
        return _read_forward(upstream, deadline)
    except (OriginCut, OSError):
        raise SourceError(Reason("source_cut")) from None
    finally:
        upstream.close()


def _read_forward(upstream, deadline: Deadline) -> Opened:
    """An origin without Range: read the body from the start, up to PROBE_FORWARD_MAX_MB."""
    config = current_app.config
    cap = config["PROBE_FORWARD_MAX_MB"] * 1024 * 1024
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024, dir=config["MEDIA_ROOT"])
    received = 0
    complete = True
    try:
        for chunk in upstream.iter_body(256 * 1024, config["STREAM_MIN_BYTES"], config["STREAM_READ_TIMEOUT"]):
            spool.write(chunk[:cap - received])
            received += len(chunk)
            deadline.check()
            if received >= cap:
                complete = False
                break
    except BaseException:
        spool.close()
        raise
    length = upstream.headers.get("Content-Length", "")
    if complete and length.isdigit() and int(length) > received:
        complete = False
    spool.seek(0)
    log.info("source without Range: read %d bytes forward from %s (complete: %s)", received, upstream.url, complete)
    return Opened(spool, min(received, cap), supports_range=False, complete=complete)
