"""Uploaded files: streamed into storage under random names, checked to really be MP4 or WebM; the backend."""
import io
import itertools
import os
import re
import secrets
from urllib.parse import urlsplit

from flask import current_app, send_file
from flask_babel import gettext as _

from webapp.core.exceptions import UploadTooLarge, ValidationFailed
from webapp.media.backends import Backend, LocalBackend, ObjectInfo, PendingUpload, chunked

CHUNK = 1024 * 1024
WEBM_MAGIC = b"\x1a\x45\xdf\xa3"
MP4 = "video/mp4"
WEBM = "video/webm"
UNKNOWN_TYPE = "application/octet-stream"
# Every Content-Type a stream answer may carry: decided by us, never taken from an origin.
STREAM_TYPES = (MP4, WEBM, UNKNOWN_TYPE)
TYPE_BY_EXTENSION = {".mp4": MP4, ".m4v": MP4, ".webm": WEBM}
# The names save_upload gives: the sweep never touches any other object (or file in MEDIA_ROOT).
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(mp4|webm)(\.part)?$")


def sniff_video_type(head: bytes) -> str | None:
    """The content type the first bytes announce: video/mp4, video/webm, or None."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return MP4
    if head.startswith(WEBM_MAGIC):
        return WEBM
    return None


def type_from_url(url: str) -> str:
    """The stream type of a URL source, from its path's extension; application/octet-stream when unknown.

    Chromium plays MP4 and WebM whatever the announced type, so an unknown one costs nothing.
    """
    path = urlsplit(url).path.lower()
    extension = path[path.rfind("."):] if "." in path.rsplit("/", 1)[-1] else ""
    return TYPE_BY_EXTENSION.get(extension, UNKNOWN_TYPE)


def backend() -> Backend:
    """The app's storage backend (STORAGE_BACKEND), made once per process: every read and write of
    media goes through it (webapp/media/backends.py)."""
    app = current_app._get_current_object()
    made = app.extensions.get("media_storage")
    if made is None or made[0] != os.getpid():  # a forked worker makes its own S3 client
        made = (os.getpid(), make_backend(app.config))
        app.extensions["media_storage"] = made
    return made[1]


def make_backend(config) -> Backend:
    """The backend the configuration names (STORAGE_BACKEND)."""
    name = config.get("STORAGE_BACKEND", "local")
    if name == "local":
        return LocalBackend(config["MEDIA_ROOT"])
    if name == "s3":
        from webapp.media.s3 import S3Backend  # boto3 is imported only by processes that use it

        return S3Backend.from_config(config)
    raise RuntimeError(f"STORAGE_BACKEND must be local or s3, got {name!r}")


def new_upload_key(content_type: str) -> str:
    """A fresh random key for an uploaded video of this type."""
    return secrets.token_hex(16) + (".mp4" if content_type == MP4 else ".webm")


def checked_video_type(head: bytes) -> str:
    """The type of an upload from its first bytes; a 400 naming the field when it is not MP4 or WebM."""
    content_type = sniff_video_type(head)
    if content_type is None:
        message = _("That file is not an MP4 or WebM video.")
        raise ValidationFailed(message, code="invalid_file", fields={"file": [message]})
    return content_type


def limited(chunks, size_so_far: int = 0):
    """Pass chunks on, raising UploadTooLarge (413) once more than MAX_UPLOAD_MB went through."""
    limit = current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    size = size_so_far
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise UploadTooLarge(_("The file is too large: the limit is %(size)s MB.",
                                   size=current_app.config["MAX_UPLOAD_MB"]))
        yield chunk


def save_upload(stream) -> tuple[str, str, int]:
    """Copy an upload into storage in chunks; return (file_key, content_type, size).

    Nothing is left behind when the file is not a video or is over MAX_UPLOAD_MB.
    """
    head = stream.read(64)
    content_type = checked_video_type(head)
    file_key = new_upload_key(content_type)
    chunks = itertools.chain([head], limited(chunked(stream, CHUNK), len(head)))
    size = backend().save(file_key, chunks, content_type)
    return file_key, content_type, size


def delete_file(file_key: str | None) -> None:
    """Remove a stored file if it is there."""
    if file_key:
        backend().delete(file_key)


def stored_files_older_than(seconds: float) -> list[ObjectInfo]:
    """Uploads in storage named as save_upload names them (finished or `.part`) and unchanged for
    `seconds`; anything else there is left alone."""
    return objects_older_than("", STORED_NAME, seconds)


def unfinished_uploads_older_than(seconds: float) -> list[PendingUpload]:
    """Multipart uploads of upload keys begun more than `seconds` ago and never completed (S3)."""
    return [upload for upload in backend().list_multipart_uploads("", seconds) if STORED_NAME.match(upload.key)]


def objects_older_than(prefix: str, name_pattern, seconds: float) -> list[ObjectInfo]:
    """Objects directly under `prefix` whose names match `name_pattern`, unchanged for `seconds`."""
    return [info for info in backend().list_older_than(prefix, seconds)
            if name_pattern.match(info.key[len(prefix):])]


def small_object_response(key: str, mimetype: str, max_age: int):
    """A small stored object (poster, caption file) as a conditional answer, or None when it is not
    there. Local files go out with sendfile; an S3 object is read whole (they are at most a few MB)."""
    store = backend()
    path = store.local_path(key)
    if path is not None:
        if not path.is_file():
            return None
        return send_file(path, mimetype=mimetype, conditional=True, etag=True, max_age=max_age)
    info = store.head(key)
    if info is None:
        return None
    data = store.read_range(key, 0, info.size - 1) if info.size else b""
    return send_file(io.BytesIO(data), mimetype=mimetype, conditional=True, max_age=max_age,
                     etag=(info.etag or "").strip('"') or True, last_modified=info.modified)
