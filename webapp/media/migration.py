"""Moving stored media between backends (`flask media migrate --to s3|local`), resumably and verified.

Every key a row refers to (videos' files and posters, caption files; trashed videos included) is
copied under the same key, so no row changes. Each copy is checked before it counts: the target's
size, and the SHA-256 of the bytes read back from the target against the one computed while reading
the source. A run that stops (crash, Ctrl-C, --limit) leaves at most one unfinished copy, which is
never visible (all-or-nothing writes); the next run checks what is already there (size, first and
last 64 KiB) and copies only what is missing or different. The source is removed only with
`delete_source`, object by object, once its copy is verified.
"""
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import select

from webapp.core.extensions import db
from webapp.media import captions, posters
from webapp.media.backends import Backend, StorageError
from webapp.models import Video
from webapp.models_watching import Caption

PIECE = 8 * 1024 * 1024
EDGE = 64 * 1024
BATCH = 500


@dataclass
class MigrationReport:
    """What a run did, key by key."""

    copied: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    bytes_copied: int = 0

    @property
    def ok(self) -> bool:
        return not self.missing and not self.failed


def referenced_keys() -> Iterator[str]:
    """Storage keys of every stored file a row refers to, in a stable order, read in batches."""
    queries = (
        (Video.id, Video.file_key, lambda key: key),
        (Video.id, Video.poster_key, posters.object_key),
        (Caption.id, Caption.file_key, captions.object_key),
    )
    for id_column, column, to_key in queries:
        after = 0
        while True:
            rows = db.session.execute(select(id_column, column).where(column.is_not(None), id_column > after)
                                      .order_by(id_column).limit(BATCH)).all()
            db.session.rollback()  # no transaction held open during the copies
            if not rows:
                break
            after = rows[-1][0]
            yield from (to_key(value) for _, value in rows)


def same_edges(source: Backend, target: Backend, key: str, size: int) -> bool:
    """Whether the first and last 64 KiB of two objects of `size` bytes agree."""
    if size == 0:
        return True
    spans = [(0, min(EDGE, size) - 1), (max(0, size - EDGE), size - 1)]
    return all(source.read_range(key, start, end) == target.read_range(key, start, end) for start, end in spans)


def digest_of(store: Backend, key: str, size: int) -> str:
    """SHA-256 of an object, read in pieces."""
    digest = hashlib.sha256()
    if size:
        for piece in store.iter_range(key, 0, size - 1, PIECE):
            digest.update(piece)
    return digest.hexdigest()


def copy_verified(source: Backend, target: Backend, key: str, size: int, content_type: str | None) -> bool:
    """Copy one object and check the copy (size and SHA-256 read back); a bad copy is removed again."""
    digest = hashlib.sha256()

    def pieces():
        if size:
            for piece in source.iter_range(key, 0, size - 1, PIECE):
                digest.update(piece)
                yield piece

    written = target.save(key, pieces(), content_type)
    info = target.head(key)
    if written == size and info is not None and info.size == size \
            and digest_of(target, key, size) == digest.hexdigest():
        return True
    target.delete(key)
    return False


def content_type_of(key: str) -> str | None:
    """The Content-Type an object is stored with (S3 serves presigned reads with it)."""
    for suffix, kind in ((".mp4", "video/mp4"), (".webm", "video/webm"), (".jpg", "image/jpeg"),
                         (".vtt", "text/vtt")):
        if key.endswith(suffix):
            return kind
    return None


def migrate(source: Backend, target: Backend, keys, *, delete_source: bool = False, limit: int | None = None,
            say: Callable[[str], None] = lambda line: None) -> MigrationReport:
    """Copy `keys` from `source` to `target` (see the module docstring); `limit` stops after that many
    copies (already-present objects do not count). `say` gets one line per key."""
    report = MigrationReport()
    for key in keys:
        if limit is not None and len(report.copied) >= limit:
            say(f"stopped after {limit} copies (--limit); run again to continue")
            break
        try:
            have, there = source.head(key), target.head(key)
            if have is None:
                if there is None:
                    report.missing.append(key)
                    say(f"missing {key}: in neither storage")
                else:
                    report.present.append(key)
                    say(f"already there {key} (not in the source any more)")
                continue
            if there is not None and there.size == have.size and same_edges(source, target, key, have.size):
                report.present.append(key)
                say(f"already there {key} ({have.size} bytes, size and first/last bytes agree)")
            elif copy_verified(source, target, key, have.size, content_type_of(key)):
                report.copied.append(key)
                report.bytes_copied += have.size
                say(f"copied {key} ({have.size} bytes, SHA-256 verified)")
            else:
                report.failed.append(key)
                say(f"FAILED {key}: the copy did not match the source; removed it")
                continue
            if delete_source:
                source.delete(key)
                report.removed.append(key)
        except StorageError as error:
            report.failed.append(key)
            say(f"FAILED {key}: {error}")
    return report
