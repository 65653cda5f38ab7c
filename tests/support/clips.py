"""Tiny real video files made with PyAV for the media tests: codecs, containers and broken files."""
import math
import struct
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image, ImageDraw

SIZE = (160, 120)
FPS = 12


def _picture(index: int, black: bool) -> Image.Image:
    """A frame: black while `black`, else a moving colour pattern (no frame looks like another)."""
    image = Image.new("RGB", SIZE, (0, 0, 0) if black else (40, 90 + index % 100, 200))
    if not black:
        draw = ImageDraw.Draw(image)
        x = (index * 7) % SIZE[0]
        draw.rectangle([x, 20, x + 40, 100], fill=(250, 220, 30))
        draw.ellipse([10, 10, 60, 60], fill=(220, 40, 40))
    return image


def _tone(stream, seconds: float):
    """Audio frames of a quiet sine tone in the stream's own sample format."""
    rate = stream.codec_context.sample_rate
    layout = stream.codec_context.layout.name
    fmt = stream.codec_context.format.name
    samples_per_frame = stream.codec_context.frame_size or 960
    total = int(rate * seconds)
    for start in range(0, total, samples_per_frame):
        frame = av.AudioFrame(format=fmt, layout=layout, samples=samples_per_frame)
        values = [0.2 * math.sin(2 * math.pi * 440 * (start + i) / rate) for i in range(samples_per_frame)]
        if fmt.startswith("s16"):
            data = struct.pack(f"<{samples_per_frame}h", *(int(v * 32767) for v in values))
        else:
            data = struct.pack(f"<{samples_per_frame}f", *values)
        for plane in frame.planes:
            plane.update(data)
        frame.sample_rate = rate
        frame.pts = start
        frame.time_base = Fraction(1, rate)
        yield frame


def make_clip(path: Path, *, video: str | None = "libx264", audio: str | None = "aac", seconds: float = 1.5,
              faststart: bool = True, fmt: str | None = None, black_frames: int = 3) -> Path:
    """Write a clip: `video`/`audio` encoder names (None: no such stream), `fmt` the container."""
    options = {"movflags": "faststart"} if faststart and str(path).endswith(".mp4") else {}
    with av.open(str(path), "w", format=fmt, options=options) as out:
        vstream = astream = None
        if video:
            vstream = out.add_stream(video, rate=FPS)
            vstream.width, vstream.height = SIZE
            vstream.pix_fmt = "yuv420p"
            if video == "libx264":
                vstream.options = {"preset": "ultrafast"}
            elif video == "libx265":
                vstream.options = {"preset": "ultrafast", "x265-params": "log-level=none"}
        if audio:
            astream = out.add_stream(audio, rate=48000 if audio in ("libopus", "opus") else 44100)
            if audio in ("libopus",):
                astream.layout = "mono"
                astream.format = "s16"
            else:
                astream.layout = "mono"
        if vstream:
            for index in range(int(seconds * FPS)):
                frame = av.VideoFrame.from_image(_picture(index, index < black_frames))
                frame.pts = index
                frame.time_base = Fraction(1, FPS)
                out.mux(vstream.encode(frame))
            out.mux(vstream.encode(None))
        if astream:
            for frame in _tone(astream, seconds):
                out.mux(astream.encode(frame))
            out.mux(astream.encode(None))
    return path


def make_clips(folder: Path) -> dict[str, Path]:
    """Every clip the media tests use, by name (a few KB each; made once per test session)."""
    folder.mkdir(parents=True, exist_ok=True)
    clips = {
        "faststart.mp4": make_clip(folder / "faststart.mp4"),
        "moov-at-end.mp4": make_clip(folder / "moov-at-end.mp4", faststart=False),
        "vp9.webm": make_clip(folder / "vp9.webm", video="libvpx-vp9", audio="libopus"),
        "hevc.mp4": make_clip(folder / "hevc.mp4", video="libx265"),
        "audio-only.mp4": make_clip(folder / "audio-only.mp4", video=None),
        "h264.mkv": make_clip(folder / "h264.mkv", fmt="matroska"),
    }
    whole = clips["faststart.mp4"].read_bytes()
    clips["truncated.mp4"] = folder / "truncated.mp4"
    clips["truncated.mp4"].write_bytes(whole[:len(whole) // 2])
    clips["empty.mp4"] = folder / "empty.mp4"
    clips["empty.mp4"].write_bytes(b"")
    return clips


def padded_mp4(clip: Path, target: Path, size: int, *, index_at_end: bool) -> Path:
    """A valid MP4 of `size` bytes made cheaply from a small clip: a sparse top-level `free` box
    fills the room. Faststart: the clip, then the padding. Index at the end (from a clip whose index
    is at the end): the clip up to its moov, the padding, then the moov (its chunk offsets point
    before the padding, so they stay right)."""
    data = clip.read_bytes()
    moov = _box_start(data, b"moov")
    head, tail = (data[:moov], data[moov:]) if index_at_end else (data, b"")
    if index_at_end and moov < _box_start(data, b"mdat"):
        raise ValueError("make the index-at-end file from a clip whose index is at the end")
    padding = size - len(head) - len(tail)
    with target.open("wb") as out:
        out.write(head)
        out.write(struct.pack(">I", padding) + b"free")
        out.seek(len(head) + padding)  # the rest of the free box stays a hole in the file
        out.write(tail)
        out.truncate(size)
    return target


def _box_start(data: bytes, kind: bytes) -> int:
    """Offset of a top-level box."""
    position = 0
    while position + 8 <= len(data):
        length, name = struct.unpack(">I4s", data[position:position + 8])
        if name == kind:
            return position
        position += length
    raise ValueError(f"no {kind!r} box")
