"""What a video file is (container, duration, picture size, codecs, bitrate, index position) and
whether browsers can play it, read with PyAV (FFmpeg's libraries, bundled in the `av` wheel).

PyAV reads from any seekable Python file, so URL sources go through `source.RangeReader` and so
through the SSRF guard; FFmpeg's own HTTP client would connect wherever a URL or redirect says.
"""
import logging
import struct
from dataclasses import dataclass

import av

from webapp.media.reasons import Reason

log = logging.getLogger(__name__)

MP4, WEBM, MATROSKA = "mp4", "webm", "matroska"
# What Chromium, Firefox and Safari play in a <video> element, per container.
PLAYABLE = {
    MP4: ({"h264", "av1"}, {"aac", "mp3", "opus"}),
    WEBM: ({"vp8", "vp9", "av1"}, {"vorbis", "opus"}),
}
CODEC_NAMES = {"hevc": "H.265/HEVC", "h264": "H.264", "mpeg4": "MPEG-4 Part 2", "av1": "AV1", "vp8": "VP8",
               "vp9": "VP9", "prores": "ProRes", "mjpeg": "Motion JPEG"}
BOX_HEADER = struct.Struct(">I4s")
MAX_BOXES = 64


class Unplayable(Exception):
    """The file is read but will not play in browsers; the message is the reason people are shown."""


@dataclass
class MediaFacts:
    """Everything the probe found out about a file."""

    container: str | None = None
    duration_seconds: float | None = None
    width: int | None = None
    height: int | None = None
    video_codec: str | None = None
    audio_codec: str | None = None
    bitrate: int | None = None
    faststart: bool | None = None
    truncated: bool = False


def sniff_container(head: bytes) -> str | None:
    """mp4, webm or matroska from a file's first bytes (an EBML header names its document type)."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return MP4
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return WEBM if b"webm" in head[:64] else MATROSKA
    return None


def mp4_layout(file, size: int) -> tuple[bool | None, bool]:
    """Walk an MP4's top-level boxes: (index before the media data?, cut short?).

    Reads only the 16-byte header of each box, so it costs a few reads however big the file is.
    A box that runs past the end, or no index at all, means the file was cut short.
    """
    position, seen, truncated = 0, [], False
    for _box in range(MAX_BOXES):
        if position + 8 > size:
            break
        file.seek(position)
        header = file.read(16)
        if len(header) < 8:
            break
        length, kind = BOX_HEADER.unpack(header[:8])
        if length == 1 and len(header) == 16:
            length = struct.unpack(">Q", header[8:16])[0]
        elif length == 0:
            length = size - position
        if length < 8:
            truncated = True
            break
        seen.append(kind)
        if position + length > size:
            truncated = True
            break
        position += length
    if b"moov" not in seen:
        return None, True
    return b"mdat" not in seen or seen.index(b"moov") < seen.index(b"mdat"), truncated


def probe(file, size: int, complete: bool = True) -> MediaFacts:
    """Read a file's facts. Raises Unplayable for files that are empty, corrupt or cut short.

    `complete` False: only the first `size` bytes of a longer file are there (an origin without Range).
    """
    if size == 0:
        raise Unplayable(Reason("empty_file"))
    file.seek(0)
    head = file.read(64)
    facts = MediaFacts(container=sniff_container(head))
    if facts.container == MP4:
        facts.faststart, facts.truncated = mp4_layout(file, size)
        if facts.truncated and complete:
            raise Unplayable(Reason("truncated"))
        if facts.faststart is None and not complete:  # read forward only, and the index was not in that part
            raise Unplayable(Reason("index_at_end_no_range"))
    file.seek(0)
    try:
        with av.open(file, "r") as container:
            if facts.container is None:
                facts.container = container.format.name.split(",")[0][:16]
            if container.duration:
                facts.duration_seconds = container.duration / av.time_base
            facts.bitrate = container.bit_rate or None
            if container.streams.video:
                stream = container.streams.video[0]
                facts.video_codec = stream.codec_context.name
                facts.width, facts.height = stream.codec_context.width or None, stream.codec_context.height or None
                if not facts.duration_seconds and stream.duration and stream.time_base:
                    facts.duration_seconds = float(stream.duration * stream.time_base)
            if container.streams.audio:
                facts.audio_codec = container.streams.audio[0].codec_context.name
    except av.error.FFmpegError as error:
        log.info("probe: FFmpeg could not read the file: %s", error)
        raise Unplayable(Reason("unreadable")) from None
    return facts


def playability_problem(facts: MediaFacts) -> Reason | None:
    """Why browsers will not play a probed file, or None when they will."""
    if facts.video_codec is None:
        if facts.audio_codec:
            return Reason("sound_only")
        return Reason("no_video_stream")
    if facts.container == MATROSKA:
        return Reason("matroska")
    if facts.container not in PLAYABLE:
        return Reason("format_unplayable")
    video_codecs, audio_codecs = PLAYABLE[facts.container]
    if facts.video_codec not in video_codecs:
        name = CODEC_NAMES.get(facts.video_codec, facts.video_codec)
        return Reason("video_codec", codec=name)
    if facts.audio_codec and facts.audio_codec not in audio_codecs:
        return Reason("audio_codec", codec=facts.audio_codec)
    if not facts.duration_seconds:
        return Reason("unreadable")
    return None
