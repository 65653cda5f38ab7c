"""Direct uploads: a large file goes from the browser straight to the bucket, in presigned parts.

The app begins an S3 multipart upload and hands the browser a signed ticket that names it (and who
may use it); the browser asks for presigned URLs part by part, PUTs each part (a failed part is
sent again; after a reload it asks which parts the bucket already has and sends only the others),
then asks the app to finish. The app completes the upload from the bucket's own list of parts
(the browser never needs the parts' ETags) and checks the object, its size is the one announced
and its first bytes are MP4 or WebM, before any video row exists; a failed check removes the
object. An upload nobody finishes is aborted by the scheduled job (`abort_abandoned`).

No credential reaches the browser: a presigned URL allows one PUT of one part of one upload, for
DIRECT_UPLOAD_URL_TTL seconds; the ticket (signed with SECRET_KEY) is worthless to anyone else.
"""
import math
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from webapp.core.exceptions import NotFound, UploadTooLarge, ValidationFailed
from webapp.media import storage
from webapp.media.backends import MissingObject

MB = 1024 * 1024
MAX_PARTS = 10_000  # S3's limit per multipart upload
SALT = "reelhouse.direct-upload"


@dataclass(frozen=True)
class Ticket:
    """One direct upload: its object key and S3 upload id, the announced size, the part size, and
    the member (and company) it belongs to."""

    key: str
    upload_id: str
    size: int
    part_size: int
    corporation_id: int
    user_id: int

    @property
    def parts(self) -> int:
        return max(1, math.ceil(self.size / self.part_size))

    def part_length(self, number: int) -> int:
        """Bytes in part `number` (1-based): all full but the last."""
        return min(self.part_size, self.size - (number - 1) * self.part_size)


def enabled() -> bool:
    """Direct uploads need object storage (presigned URLs); with local files every upload goes through the app."""
    return current_app.config["STORAGE_BACKEND"] == "s3"


def threshold_bytes() -> int:
    """Files of at least this many bytes are sent directly (DIRECT_UPLOAD_MIN_MB)."""
    return current_app.config["DIRECT_UPLOAD_MIN_MB"] * MB


def browser_origin() -> str:
    """scheme://host[:port] where browsers send the parts (S3_PUBLIC_ENDPOINT_URL, else the storage's own)."""
    parts = urlsplit(storage.backend().public_client.meta.endpoint_url)
    return f"{parts.scheme}://{parts.netloc}"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _part_size(size: int) -> int:
    """S3_PART_SIZE_MB, or more when the file would need more than S3's 10,000 parts."""
    return max(current_app.config["S3_PART_SIZE_MB"] * MB, math.ceil(size / MAX_PARTS))


def start(user, size, declared_type: str | None) -> tuple[Ticket, str]:
    """Begin a direct upload of `size` bytes for `user`; return the ticket and its signed token."""
    if not enabled():
        raise NotFound(_("Direct uploads are not available here."))
    if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
        message = _("Choose a video file.")
        raise ValidationFailed(message, code="invalid_file", fields={"file": [message]})
    if size > current_app.config["MAX_UPLOAD_MB"] * MB:
        raise UploadTooLarge(_("The file is too large: the limit is %(size)s MB.",
                               size=current_app.config["MAX_UPLOAD_MB"]))
    # The key's extension follows what the browser says; the type stored is what the bytes say.
    content_type = storage.WEBM if declared_type == storage.WEBM else storage.MP4
    key = storage.new_upload_key(content_type)
    upload_id = storage.backend().create_multipart(key, content_type)
    ticket = Ticket(key, upload_id, size, _part_size(size), user.corporation_id, user.id)
    return ticket, _serializer().dumps(asdict(ticket))


def read_ticket(token, user) -> Ticket:
    """The ticket of a token made for this member; 404 for anyone else's or a forged one."""
    try:
        data = _serializer().loads(token if isinstance(token, str) else "",
                                   max_age=current_app.config["DIRECT_UPLOAD_HOURS"] * 3600)
        ticket = Ticket(**data)
    except SignatureExpired:
        raise _gone() from None
    except (BadSignature, TypeError):
        raise NotFound(_("This upload does not exist.")) from None
    if (ticket.corporation_id, ticket.user_id) != (user.corporation_id, user.id):
        raise NotFound(_("This upload does not exist."))
    return ticket


def _gone() -> ValidationFailed:
    return ValidationFailed(_("This upload can no longer be finished (it was abandoned or it expired). "
                              "Please upload the file again."), code="upload_gone", status=410)


def part_urls(ticket: Ticket, numbers) -> dict[int, str]:
    """Presigned PUT URLs for these part numbers (at most 100 at once)."""
    wanted = sorted({number for number in numbers if isinstance(number, int) and 1 <= number <= ticket.parts})[:100]
    ttl = current_app.config["DIRECT_UPLOAD_URL_TTL"]
    store = storage.backend()
    return {number: store.presigned_part_url(ticket.key, ticket.upload_id, number, ttl) for number in wanted}


def uploaded_parts(ticket: Ticket) -> list[dict]:
    """The parts the bucket holds already, with the right size: [{"number", "size"}]."""
    try:
        parts = storage.backend().list_parts(ticket.key, ticket.upload_id)
    except MissingObject:
        raise _gone() from None
    return [{"number": part["PartNumber"], "size": part["Size"]} for part in parts
            if part["PartNumber"] <= ticket.parts and part["Size"] == ticket.part_length(part["PartNumber"])]


def finish(ticket: Ticket) -> tuple[str, str, int]:
    """Complete the upload and check the object; return (file_key, content_type, size).

    A part missing is a 400 and the upload stays open (the browser may send it and finish again).
    An object of another size or not MP4/WebM is removed, and the error says why: no row is written
    by the caller, nothing stays in the bucket.
    """
    store = storage.backend()
    try:
        parts = store.list_parts(ticket.key, ticket.upload_id)
    except MissingObject:
        parts = None  # completed already (a repeated request), or abandoned
    if parts is not None:
        have = {part["PartNumber"]: part for part in parts}
        missing = [n for n in range(1, ticket.parts + 1)
                   if n not in have or have[n]["Size"] != ticket.part_length(n)]
        if missing:
            raise ValidationFailed(_("The upload is not complete: %(count)s part(s) are missing. Please try again.",
                                     count=len(missing)), code="upload_incomplete")
        try:
            store.complete_multipart(ticket.key, ticket.upload_id, [have[n] for n in range(1, ticket.parts + 1)])
        except MissingObject:
            pass  # a simultaneous request completed it first: the object is checked below all the same
    info = store.head(ticket.key)
    if info is None:
        raise _gone()
    try:
        if info.size != ticket.size:
            raise ValidationFailed(_("The uploaded file is not the file that was announced. Please try again."),
                                   code="invalid_file")
        content_type = storage.checked_video_type(store.read_range(ticket.key, 0, min(63, info.size - 1)))
    except ValidationFailed:
        store.delete(ticket.key)
        raise
    return ticket.key, content_type, info.size


def abort_abandoned(older_than_seconds: float) -> list[dict]:
    """Abort the multipart uploads of upload keys begun more than `older_than_seconds` ago and never
    completed (direct uploads left by their browser, or server-side copies cut short); return them."""
    store = storage.backend()
    aborted = []
    for upload in storage.unfinished_uploads_older_than(older_than_seconds):
        store.abort_multipart(upload.key, upload.upload_id)
        aborted.append({"name": upload.key, "bytes": 0, "reason": "unfinished upload", "upload_id": upload.upload_id})
    return aborted
