"""One look at a video's source: open it (guarded Range reads or the stored file), probe it, decide
whether browsers play it, make the poster, and remux an upload whose index is at the end."""
import logging
from contextlib import contextmanager
from dataclasses import dataclass, field

from webapp.media import posters, remux
from webapp.media.backends import StorageError
from webapp.media.probe import MP4, MediaFacts, Unplayable, playability_problem, probe
from webapp.media.reasons import Reason, reason_of
from webapp.media.source import Deadline, Opened, SourceError, open_url
from webapp.media.storage import backend

log = logging.getLogger(__name__)


@dataclass
class Examination:
    """The outcome: facts, a reason when the video cannot play, the new poster, what was read."""

    facts: MediaFacts = field(default_factory=MediaFacts)
    size: int | None = None
    supports_range: bool | None = None
    problem: Reason | None = None
    warning: Reason | None = None
    poster_key: str | None = None
    poster_at: float | None = None  # the time of the frame asked for, when the poster is that frame
    requests: int = 0
    bytes_read: int = 0


@contextmanager
def opened_source(source_url: str | None, file_key: str | None, deadline: Deadline):
    """The video's bytes as a seekable file (SourceError when they cannot be read)."""
    if source_url:
        opened = open_url(source_url, deadline)
    else:
        info = backend().head(file_key)
        if info is None:
            raise SourceError(Reason("file_missing"))
        opened = Opened(backend().open(file_key, info), info.size, supports_range=True)
    try:
        yield opened
    finally:
        opened.close()


def examine(video_id: int, source_url: str | None, file_key: str | None, deadline: Deadline,
            make_poster: bool = True, frame_at: float | None = None) -> Examination:
    """Look at a video. Raises SourceError when its source cannot be read (worth retrying);
    a file that is read but cannot play comes back with `problem` set.

    The poster is the frame at `frame_at` when one is asked for and there is a picture at that
    time (then `poster_at` is set), else a representative frame."""
    try:
        return _examine(video_id, source_url, file_key, deadline, make_poster, frame_at)
    except StorageError as error:  # storage unreachable or the object replaced meanwhile: retried
        log.warning("examining video %s: storage failed: %s", video_id, error)
        raise SourceError(Reason("storage_unreadable")) from None


def _examine(video_id, source_url, file_key, deadline, make_poster, frame_at) -> Examination:
    result = Examination()
    with opened_source(source_url, file_key, deadline) as opened:
        result.size, result.supports_range = opened.size, opened.supports_range
        try:
            result.facts = probe(opened.file, opened.size, opened.complete)
            result.problem = playability_problem(result.facts)
        except Unplayable as error:
            result.problem = reason_of(error)
        if result.problem is None and not opened.complete and not result.facts.faststart:
            result.problem = Reason("index_at_end_no_range")
        if result.problem is None and make_poster:
            try:
                result.poster_key, result.poster_at = _poster(opened.file, result.facts.duration_seconds, video_id,
                                                              frame_at)
            except posters.NoFrame:
                result.problem = Reason("no_picture")
        result.requests, result.bytes_read = opened.requests, opened.bytes_read
    if result.problem is None and not result.supports_range:
        result.warning = Reason("no_seeking")
    if result.problem is None and file_key and result.facts.container == MP4 and result.facts.faststart is False:
        result.size = remux.remux_faststart(file_key)
        result.facts.faststart = True
    log.info("examined video %s: %s, %s read in %d request(s)%s", video_id, result.facts, result.bytes_read,
             result.requests, f", problem: {result.problem}" if result.problem else "")
    return result


def _poster(file, duration: float | None, video_id: int, frame_at: float | None) -> tuple[str, float | None]:
    """(poster key, time of the frame asked for or None): that frame if it has a picture, else an automatic one."""
    if frame_at is not None and (duration is None or frame_at <= duration):
        try:
            return posters.poster_at(file, frame_at, video_id), frame_at
        except posters.NoFrame:
            log.info("video %s has no picture at %.2f s: an automatic poster instead", video_id, frame_at)
    return posters.poster_from_video(file, duration, video_id), None
