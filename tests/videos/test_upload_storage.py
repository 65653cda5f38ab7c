"""Uploaded files live under random names outside static/ and are served only as the video type we sniffed."""
import io
import re
from pathlib import Path

from webapp.videos.services import add_video_from_upload

MP4 = b"\0\0\0\x18ftypisom" + b"\0" * 4000


def test_an_upload_is_stored_under_a_random_name_and_served_only_as_video(app, admin, admin_client):
    video = add_video_from_upload(admin, "../../static/evil.html", io.BytesIO(MP4))
    assert re.fullmatch(r"[0-9a-f]{32}\.mp4", video.file_key)
    stored = Path(app.config["MEDIA_ROOT"]) / video.file_key
    assert stored.read_bytes() == MP4
    assert list(Path(app.config["MEDIA_ROOT"]).iterdir()) == [stored]

    response = admin_client.get(f"/videos/{video.id}/stream")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "video/mp4"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # Never a user-chosen file name: at most our random key, shown inline.
    assert response.headers.get("Content-Disposition", f"inline; filename={video.file_key}") == \
        f"inline; filename={video.file_key}"
    assert response.get_data() == MP4
    assert admin_client.get(f"/static/{video.file_key}").status_code == 404
    assert admin_client.get(f"/static/../instance/media/{video.file_key}").status_code == 404
