"""Faststart for uploaded MP4s: move the index (moov) to the front by copying the streams
(no re-encoding), so that playback starts before the whole file has arrived."""
import logging
from pathlib import Path

import av
from flask import current_app

from webapp.media.backends import PARTIAL_SUFFIX
from webapp.media.storage import backend

log = logging.getLogger(__name__)


def remux_faststart(file_key: str) -> int:
    """Rewrite the stored MP4 `file_key` with its index first; the object is replaced atomically.

    The stored file is read through the backend (Range reads on S3) and the new one written to
    `MEDIA_ROOT/<key>.part` (ffmpeg's faststart pass rereads what it wrote, so it needs a local file;
    a crash leaves only that, which the media sweep removes), then stored in place of the old one.
    Returns the new size. Packets are copied one by one: memory does not grow with the file.
    """
    partial = Path(current_app.config["MEDIA_ROOT"]) / (file_key + PARTIAL_SUFFIX)
    partial.parent.mkdir(parents=True, exist_ok=True)
    try:
        with backend().open(file_key) as stored, av.open(stored, "r") as source, \
                av.open(str(partial), "w", format="mp4", options={"movflags": "faststart"}) as target:
            streams = {}
            for stream in source.streams:
                if stream.type in ("video", "audio"):
                    streams[stream.index] = target.add_stream_from_template(stream)
            for packet in source.demux(*[source.streams[i] for i in streams]):
                if packet.dts is None:  # the demuxer's end-of-stream marker
                    continue
                packet.stream = streams[packet.stream.index]
                target.mux(packet)
        size = backend().put_file(file_key, partial, "video/mp4")
    finally:
        partial.unlink(missing_ok=True)
    log.info("remux: %s rewritten with its index first (%d bytes)", file_key, size)
    return size
