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


def store_object(key: str, data: bytes) -> str:
    """Put bytes into the test app's media storage (whichever backend) under `key`; return the key."""
    from webapp.media.storage import backend

    backend().save_bytes(key, data)
    return key


def stored_object(key: str) -> bytes | None:
    """The bytes stored under `key` in the test app's media storage, or None."""
    from webapp.media.storage import backend

    info = backend().head(key)
    return None if info is None else backend().read_range(key, 0, info.size - 1) if info.size else b""


def stored_keys() -> list[str]:
    """Every key in the test app's media storage (uploads, posters/, captions/), `.part` leftovers included."""
    from webapp.media.storage import backend

    return sorted(info.key for prefix in ("", "posters/", "captions/")
                  for info in backend().list_older_than(prefix, -3600))
