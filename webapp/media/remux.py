"""Faststart for uploaded MP4s: move the index (moov) to the front by copying the streams
(no re-encoding), so that playback starts before the whole file has arrived."""
import logging
import os
from pathlib import Path

import av

log = logging.getLogger(__name__)


def remux_faststart(path: Path) -> int:
    """Rewrite the MP4 at `path` with its index first; the original is replaced atomically.

    Writes `<name>.part` beside it (a crash leaves only that, which the media sweep removes) and
    returns the new size. Packets are copied one by one: memory does not grow with the file.
    """
    partial = path.with_name(path.name + ".part")
    try:
        with av.open(str(path), "r") as source, \
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
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    size = path.stat().st_size
    log.info("remux: %s rewritten with its index first (%d bytes)", path.name, size)
    return size
