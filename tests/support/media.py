"""Video bytes the media tests serve and compare (random where a wrong byte range must not pass by chance)."""
import os
import time
from pathlib import Path

CLIP_BYTES = b"\0\0\0\x18ftypisom" + os.urandom(300_000 - 12)  # a URL video on the origin server: 300 000 bytes
UPLOAD_BYTES = b"\0\0\0\x18ftypmp42" + os.urandom(200_000)  # an uploaded file in MEDIA_ROOT
TINY_MP4 = b"\0\0\0\x18ftypisom" + b"\0" * 200  # just enough to be taken for an MP4


def aged(path: Path, hours: float, content=b"x") -> Path:
    """Write a file last modified `hours` ago."""
    path.write_bytes(content)
    then = time.time() - hours * 3600
    os.utime(path, (then, then))
    return path
