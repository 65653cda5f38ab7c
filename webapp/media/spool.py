"""Where uploads wait while the request body is parsed: on MEDIA_ROOT's disk, not in /tmp.

Werkzeug's multipart parser reads the whole body before a view runs (CSRFProtect already reads
request.form in its before_request hook). Each file part is kept in memory up to SPOOL_IN_MEMORY
bytes and then rolled over to an unnamed temporary file (no directory entry on Linux; removed by
the OS when closed, even after a crash). Werkzeug would put that file in the system temp folder,
often a RAM-backed tmpfs; we open it in MEDIA_ROOT instead, where the upload is going anyway.
storage.save_upload then copies it in chunks to its final name.
"""
from tempfile import SpooledTemporaryFile

from flask import Request, current_app

SPOOL_IN_MEMORY = 500 * 1024


class MediaSpoolRequest(Request):
    """Flask's request, with uploaded files spooled to MEDIA_ROOT's disk."""

    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        return SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY, mode="rb+",
                                    dir=current_app.config["MEDIA_ROOT"])
