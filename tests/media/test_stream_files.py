"""Uploaded videos are served from MEDIA_ROOT with Range and conditional requests; offload mode."""


from tests import factories
from tests.support.helpers import points_of
from tests.support.media import UPLOAD_BYTES as DATA
from webapp.core.extensions import db
from webapp.media.storage import media_path
from webapp.models import VideoView


def test_an_upload_is_served_whole_and_in_ranges(guest_client, guest, upload):
    full = guest_client.get(f"/videos/{upload.id}/stream")
    assert full.status_code == 200 and full.data == DATA
    assert full.headers["Content-Type"] == "video/mp4" and full.headers["Accept-Ranges"] == "bytes"
    part = guest_client.get(f"/videos/{upload.id}/stream", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.data == DATA[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(DATA)}"
    suffix = guest_client.get(f"/videos/{upload.id}/stream", headers={"Range": "bytes=-10"})
    assert suffix.status_code == 206 and suffix.data == DATA[-10:]
    assert points_of(guest) == 10


def test_conditional_requests_and_unsatisfiable_ranges(guest_client, guest, upload):
    etag = guest_client.head(f"/videos/{upload.id}/stream").headers["ETag"]
    assert points_of(guest) == 0  # HEAD is not a view
    cached = guest_client.get(f"/videos/{upload.id}/stream", headers={"If-None-Match": etag})
    assert cached.status_code == 304 and points_of(guest) == 0
    beyond = guest_client.get(f"/videos/{upload.id}/stream", headers={"Range": f"bytes={len(DATA)}-"})
    assert beyond.status_code == 416 and beyond.headers["Content-Range"] == f"bytes */{len(DATA)}"
    assert points_of(guest) == 0


def test_a_missing_file_is_a_clear_502_without_points(guest_client, guest, upload):
    media_path(upload.file_key).unlink()
    response = guest_client.get(f"/videos/{upload.id}/stream")
    assert response.status_code == 502
    assert "missing from storage" in response.get_data(as_text=True)
    assert points_of(guest) == 0


def test_offload_mode_hands_uploads_to_nginx_after_the_credit(app, guest_client, guest, upload):
    app.config["X_ACCEL_REDIRECT"] = True
    response = guest_client.get(f"/videos/{upload.id}/stream", headers={"Range": "bytes=0-99"})
    assert response.status_code == 200
    assert response.headers["X-Accel-Redirect"] == "/_media/stored-clip.mp4"
    assert response.headers["Content-Type"] == "video/mp4"
    assert "X-Origin-Url" not in response.headers
    assert response.data == b""
    assert points_of(guest) == 10


def test_offload_mode_hands_url_sources_to_nginx_with_the_checked_url(app, guest_client, guest, corporation,
                                                                      origin):
    app.config["X_ACCEL_REDIRECT"] = True
    url = origin.add_file("offloaded.mp4", b"bytes nginx will move")
    video = factories.make_video(corporation, source_url=url)
    response = guest_client.get(f"/videos/{video.id}/stream")
    assert response.headers["X-Accel-Redirect"] == "/_origin"
    assert response.headers["X-Origin-Url"] == url
    assert response.data == b""
    assert origin.requests == []  # the app itself stays out of the byte path
    assert db.session.query(VideoView).filter_by(user_id=guest.id, video_id=video.id).count() == 1


def test_offload_mode_still_refuses_private_sources(app, guest_client, guest, corporation):
    app.config["X_ACCEL_REDIRECT"] = True
    video = factories.make_video(corporation, source_url="http://169.254.169.254/latest/meta-data/")
    response = guest_client.get(f"/videos/{video.id}/stream")
    assert response.status_code == 502
    assert "X-Accel-Redirect" not in response.headers
    assert points_of(guest) == 0
