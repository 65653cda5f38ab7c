"""Caption files: WebVTT or SRT in, checked line by line, stored as WebVTT in media storage, served as text/vtt.

Parsing and the SRT → WebVTT conversion are webvtt-py's (strict mode). Before it runs, our own pass
reads the file line by line so that a refusal names the line that failed (webvtt-py only says
"Invalid format"). Language tags are BCP 47, checked with `langcodes` against the IANA subtag
registry it ships (no network, no data download), after a strict syntax check (hyphens only).

Cue text is never markup of our pages: browsers render it through the WebVTT cue-text rules
(only <b>, <i>, <u>, <c>, <v>, <lang>, <ruby> and timestamps; nothing runs), our pages never insert
it into HTML, and the file itself is served with nosniff and a sandbox policy like the stream.
"""
import io
import re
import secrets

import langcodes
import webvtt
from flask_babel import gettext as _

from webapp.core.exceptions import NotFound, UploadTooLarge, ValidationFailed
from webapp.core.security import protect_stream
from webapp.media import storage

MAX_BYTES = 1024 * 1024
FOLDER = "captions"
CAPTION_NAME = re.compile(r"^[0-9a-f]{32}\.vtt(\.part)?$")
VTT_TIME = r"(?:\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3}"
SRT_TIME = r"\d{1,2}:[0-5]\d:[0-5]\d,\d{3}"
VTT_TIMING = re.compile(rf"^({VTT_TIME})[ \t]+-->[ \t]+({VTT_TIME})(?:[ \t].*)?$")
SRT_TIMING = re.compile(rf"^({SRT_TIME})[ \t]*-->[ \t]*({SRT_TIME})(?:[ \t].*)?$")
# BCP 47 syntax: letters and digits in hyphen-separated subtags of 1–8 characters.
TAG_SYNTAX = re.compile(r"^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$")


def checked_language(tag: str) -> str:
    """A valid BCP 47 tag in its standard form (`EN-us` → `en-US`), else a 400 naming the field."""
    tag = (tag or "").strip()
    if not TAG_SYNTAX.match(tag) or len(tag) > 35 or not langcodes.tag_is_valid(tag):
        message = _("“%(tag)s” is not a language tag such as en, en-US, ko or pt-BR.", tag=tag[:40])
        raise ValidationFailed(message, code="invalid_language", fields={"language": [message]})
    return langcodes.standardize_tag(tag)


def _refuse(message: str):
    raise ValidationFailed(message, code="invalid_captions", fields={"file": [message]})


def _seconds(stamp: str) -> float:
    parts = stamp.replace(",", ".").split(":")
    return sum(float(part) * 60 ** index for index, part in enumerate(reversed(parts)))


def read_limited(stream) -> bytes:
    """The uploaded file's bytes, refused (413) past MAX_BYTES without reading further.

    The upload is closed here: a refused one may be a spooled temporary file of up to the request
    limit, which should not wait for the end of the request to be released.
    """
    try:
        data = stream.read(MAX_BYTES + 1)
    finally:
        stream.close()
    if len(data) > MAX_BYTES:
        raise UploadTooLarge(_("The caption file is too large: the limit is 1 MB."))
    return data


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        _refuse(_("Line %(line)s is not UTF-8 text: save the file as UTF-8 and try again.", line=line))
    if "\x00" in text:
        _refuse(_("Line %(line)s contains a NUL character.", line=text[:text.index("\x00")].count("\n") + 1))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _check_lines(lines: list[str], timing: re.Pattern) -> int:
    """Check every time range (well formed, ending after it starts); return how many there are."""
    cues = 0
    for number, line in enumerate(lines, start=1):
        if "-->" not in line:
            continue
        match = timing.match(line.strip())
        if not match:
            _refuse(_("Line %(line)s: “%(text)s” is not a time range such as 00:01:02.500 --> 00:01:05.000.",
                      line=number, text=line.strip()[:80]))
        if _seconds(match.group(2)) <= _seconds(match.group(1)):
            _refuse(_("Line %(line)s: the cue ends before it starts.", line=number))
        cues += 1
    return cues


def _block_line(lines: list[str], block: list[str]) -> int:
    """The line number where a block webvtt-py refused starts (1 when it cannot be found)."""
    first = block[0].strip() if block else ""
    for number, line in enumerate(lines, start=1):
        if first and line.strip() == first:
            return number
    return 1


def to_webvtt(data: bytes) -> str:
    """The WebVTT text of an uploaded WebVTT or SRT file, or a 400 naming the line that failed."""
    text = _decode(data)
    lines = text.split("\n")
    first = next((line for line in lines if line.strip()), "")
    is_vtt = text.startswith("WEBVTT")
    if is_vtt and not re.match(r"^WEBVTT(?:[ \t].*)?$", lines[0]):
        _refuse(_("Line 1: a WebVTT file starts with the line “WEBVTT”."))
    if not is_vtt and not (first.strip().isdigit() or "-->" in first):
        _refuse(_("Line 1: this is neither a WebVTT file (it would start with “WEBVTT”) nor an SRT file."))
    if _check_lines(lines, VTT_TIMING if is_vtt else SRT_TIMING) == 0:
        _refuse(_("The file contains no captions (no line with a time range)."))
    try:
        parsed = webvtt.from_buffer(io.StringIO(text), format="vtt" if is_vtt else "srt", strict=True)
    except (webvtt.errors.MalformedCaptionError, webvtt.errors.MalformedFileError) as error:
        block = error.args[1] if len(error.args) > 1 and isinstance(error.args[1], list) else []
        _refuse(_("Line %(line)s: this caption block cannot be read.", line=_block_line(lines, block)))
    return parsed.content


def object_key(file_key: str) -> str:
    """The storage key of a caption file; keys are generated by us, never taken from users."""
    return f"{FOLDER}/{file_key}"


def store(vtt_text: str) -> tuple[str, int]:
    """Store a WebVTT text under a new random name (all or nothing); (key, size)."""
    key = f"{secrets.token_hex(16)}.vtt"
    data = vtt_text.encode("utf-8")
    storage.backend().save_bytes(object_key(key), data, "text/vtt")
    return key, len(data)


def remove(file_key: str | None) -> None:
    """Delete a stored caption file if it is there."""
    if file_key:
        storage.backend().delete(object_key(file_key))


def caption_response(caption):
    """A caption file the caller may see, as text/vtt with the stream's safety headers."""
    response = storage.small_object_response(object_key(caption.file_key), "text/vtt", 0)
    if response is None:
        raise NotFound()
    response.headers["Content-Type"] = "text/vtt; charset=utf-8"
    response.cache_control.private = True
    response.cache_control.no_cache = True
    return protect_stream(response)


def caption_files_older_than(seconds: float) -> list:
    """Stored caption files (finished or `.part`) unchanged for `seconds`; anything else there is left alone."""
    return storage.objects_older_than(f"{FOLDER}/", CAPTION_NAME, seconds)
