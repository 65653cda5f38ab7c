"""Where media bytes live: one interface, two backends (files under MEDIA_ROOT, or an S3 bucket).

Every piece of code that stores or reads an upload, a poster or a caption file goes through the
backend object of the app (`storage.backend()`), never through a path: so a second web replica or
a worker on another machine sees the same objects. Keys are made by us (`<hex>.mp4`,
`posters/<id>-<hex>.jpg`, `captions/<hex>.vtt`), never taken from users; `check_key` refuses
anything else before it can become a path or a URL.

Writes are all-or-nothing: a reader never sees half an object (local: `<key>.part`, then an atomic
rename; S3: a multipart upload that becomes the object only when completed, aborted on failure).
"""
import io
import os
import re
import shutil
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

PARTIAL_SUFFIX = ".part"
KEY = re.compile(r"^(?:[a-z]+/)?[0-9A-Za-z][0-9A-Za-z._-]{0,200}$")
READ_BLOCK = 512 * 1024
CACHED_BLOCKS = 8


class StorageError(Exception):
    """Storage could not do what was asked (unreachable, refused, cut short)."""


class MissingObject(StorageError):
    """The object is not in storage (removed, or never written)."""


@dataclass(frozen=True)
class ObjectInfo:
    """What storage knows of one object: key, size in bytes, last change (Unix time), entity tag."""

    key: str
    size: int
    modified: float
    etag: str | None = None


@dataclass(frozen=True)
class PendingUpload:
    """A multipart upload begun and neither completed nor aborted (S3 only)."""

    key: str
    upload_id: str
    initiated: float


def check_key(key: str) -> str:
    """The key itself when it is one of ours (no `..`, no absolute path, no odd characters)."""
    if not isinstance(key, str) or not KEY.match(key) or ".." in key:
        raise ValueError(f"not a storage key: {key!r}")
    return key


def chunked(stream, size: int) -> Iterator[bytes]:
    """A binary file's bytes, `size` at a time."""
    while chunk := stream.read(size):
        yield chunk


class BlockReader(io.RawIOBase):
    """A read-only, seekable file over something read in blocks by byte range (`_fetch(start, end)`),
    fetched on demand and keeping the last few: PyAV can read an MP4's head and its index at the
    end without the whole file being read. `requests` and `bytes_read` count the fetches."""

    def __init__(self, size: int, block: int = READ_BLOCK):
        super().__init__()
        self.size = size
        self.block = block
        self.position = 0
        self.cache = OrderedDict()
        self.requests = 0
        self.bytes_read = 0

    def readable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return self.position

    def seek(self, offset, whence=io.SEEK_SET):
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def readinto(self, buffer):
        wanted = min(len(buffer), self.size - self.position)
        if wanted <= 0:
            return 0
        index, skip = divmod(self.position, self.block)
        data = self._block(index)[skip:skip + wanted]
        buffer[:len(data)] = data
        self.position += len(data)
        return len(data)

    def _block(self, index: int) -> bytes:
        if index in self.cache:
            self.cache.move_to_end(index)
            return self.cache[index]
        start = index * self.block
        end = min(start + self.block, self.size) - 1
        data = self._fetch(start, end)
        self.requests += 1
        self.bytes_read += len(data)
        self.cache[index] = data
        if len(self.cache) > CACHED_BLOCKS:
            self.cache.popitem(last=False)
        return data

    def _fetch(self, start: int, end: int) -> bytes:
        raise NotImplementedError


class Backend:
    """The storage interface. `name` is "local" or "s3"."""

    name = ""

    # Writing
    def save(self, key: str, chunks: Iterable[bytes], content_type: str | None = None) -> int:
        """Store the bytes of `chunks` under `key`, all or nothing; return the size. Memory stays
        bounded (one S3 part). An exception raised by `chunks` (a limit) leaves nothing behind."""
        raise NotImplementedError

    def save_bytes(self, key: str, data: bytes, content_type: str | None = None) -> int:
        """Store a small object given whole (posters, caption files)."""
        return self.save(key, [data], content_type)

    def put_file(self, key: str, path: Path, content_type: str | None = None) -> int:
        """Store a local file under `key` (replacing the object atomically); the file is consumed
        (moved or removed). Used for a remuxed upload."""
        try:
            with open(path, "rb") as file:
                return self.save(key, chunked(file, 8 * 1024 * 1024), content_type)
        finally:
            Path(path).unlink(missing_ok=True)

    def delete(self, key: str | None) -> None:
        """Remove an object if it is there."""
        raise NotImplementedError

    # Reading
    def head(self, key: str) -> ObjectInfo | None:
        """Size, last change and entity tag of an object, or None when there is none."""
        raise NotImplementedError

    def exists(self, key: str) -> bool:
        """Whether the object is there."""
        return self.head(key) is not None

    def size(self, key: str) -> int:
        """Size of an object (MissingObject when there is none)."""
        info = self.head(key)
        if info is None:
            raise MissingObject(key)
        return info.size

    def open(self, key: str, info: ObjectInfo | None = None):
        """A read-only seekable binary file over the object (for PyAV); MissingObject when absent."""
        raise NotImplementedError

    def read_range(self, key: str, start: int, end: int) -> bytes:
        """Bytes `start`..`end` (inclusive) of an object, for small reads (first bytes, last bytes)."""
        return b"".join(self.iter_range(key, start, end, max(1, end - start + 1)))

    def iter_range(self, key: str, start: int, end: int, chunk: int) -> Iterator[bytes]:
        """Bytes `start`..`end` (inclusive) as pieces of at most `chunk`, read as they are sent on;
        closing the generator closes the connection to storage."""
        raise NotImplementedError

    def local_path(self, key: str) -> Path | None:
        """The file of an object on this machine's disk (local backend), else None."""
        return None

    # Listing (the sweeps)
    def list_older_than(self, prefix: str, seconds: float) -> list[ObjectInfo]:
        """Objects directly under `prefix` ("" or "posters/" ...: no deeper) unchanged for `seconds`,
        `.part` leftovers of the local backend included. Callers filter the names they own."""
        raise NotImplementedError

    # Presigned URLs and multipart uploads (S3 only)
    def presigned_get(self, key: str, expires: int) -> str:
        """A URL that reads the object without credentials for `expires` seconds."""
        raise NotImplementedError(f"{self.name} storage has no presigned URLs")

    def create_multipart(self, key: str, content_type: str | None = None) -> str:
        """Begin a multipart upload to `key`; return its upload id."""
        raise NotImplementedError(f"{self.name} storage has no multipart uploads")

    def presigned_part_url(self, key: str, upload_id: str, part_number: int, expires: int) -> str:
        """A URL to which a client PUTs part `part_number` (1..10000) of the upload, without credentials."""
        raise NotImplementedError(f"{self.name} storage has no multipart uploads")

    def list_parts(self, key: str, upload_id: str) -> list[dict]:
        """Parts uploaded so far: [{"PartNumber", "ETag", "Size"}], in order (to resume an upload)."""
        raise NotImplementedError(f"{self.name} storage has no multipart uploads")

    def complete_multipart(self, key: str, upload_id: str, parts: list[dict]) -> None:
        """Make the object from the parts [{"PartNumber", "ETag"}]."""
        raise NotImplementedError(f"{self.name} storage has no multipart uploads")

    def abort_multipart(self, key: str, upload_id: str) -> None:
        """Abandon an upload and free its parts (an unknown upload is not an error)."""
        raise NotImplementedError(f"{self.name} storage has no multipart uploads")

    def list_multipart_uploads(self, prefix: str = "", older_than: float = 0) -> list[PendingUpload]:
        """Multipart uploads under `prefix` begun more than `older_than` seconds ago (none for local)."""
        return []


class LocalBackend(Backend):
    """Files under one folder (MEDIA_ROOT); what `make run` uses."""

    name = "local"

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        """The file of a key (which is checked: never outside the folder)."""
        return self.root / check_key(key)

    def local_path(self, key: str) -> Path | None:
        return self.path(key)

    def save(self, key, chunks, content_type=None):
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + PARTIAL_SUFFIX)
        size = 0
        try:
            with open(partial, "wb") as out:
                for chunk in chunks:
                    out.write(chunk)
                    size += len(chunk)
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return size

    def put_file(self, key, path, content_type=None):
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(path, target)  # same disk (scratch lives in MEDIA_ROOT): an atomic rename
        except OSError:
            partial = target.with_name(target.name + PARTIAL_SUFFIX)
            shutil.move(path, partial)
            os.replace(partial, target)
        return target.stat().st_size

    def delete(self, key):
        if key:
            self.path(key).unlink(missing_ok=True)

    def head(self, key):
        try:
            stat = self.path(key).stat()
        except (FileNotFoundError, NotADirectoryError):
            return None
        return ObjectInfo(key, stat.st_size, stat.st_mtime, f'"{int(stat.st_mtime_ns):x}-{stat.st_size:x}"')

    def open(self, key, info=None):
        try:
            return open(self.path(key), "rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise MissingObject(key) from None

    def iter_range(self, key, start, end, chunk):
        with self.open(key) as file:
            file.seek(start)
            left = end - start + 1
            while left > 0:
                data = file.read(min(chunk, left))
                if not data:
                    raise StorageError(f"{key} ended early")
                left -= len(data)
                yield data

    def list_older_than(self, prefix, seconds):
        folder = self.root / prefix.rstrip("/") if prefix else self.root
        if not folder.is_dir():
            return []
        cutoff = time.time() - seconds
        found = []
        for entry in os.scandir(folder):
            try:
                if entry.is_file(follow_symlinks=False):
                    stat = entry.stat(follow_symlinks=False)
                    if stat.st_mtime < cutoff:
                        found.append(ObjectInfo(prefix + entry.name, stat.st_size, stat.st_mtime))
            except FileNotFoundError:  # removed meanwhile
                continue
        return sorted(found, key=lambda info: info.key)

