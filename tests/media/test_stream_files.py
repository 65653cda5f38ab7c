"""Uploaded videos are served from MEDIA_ROOT with Range and conditional requests; offload mode."""

import requests

from tests import factories
from tests.support.helpers import points_of
from tests.support.media import UPLOAD_BYTES as DATA
from webapp.media.storage import backend


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
    backend().delete(upload.file_key)
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


def test_offload_mode_checks_the_origin_once_and_hands_nginx_the_checked_address(app, guest_client, guest,
                                                                                corporation, origin):
    app.config["X_ACCEL_REDIRECT"] = True
    url = origin.add_file("offloaded.mp4", DATA)
    video = factories.make_video(corporation, source_url=url + "?v=1")
    response = guest_client.get(f"/videos/{video.id}/stream")
    assert response.headers["X-Accel-Redirect"] == "/_origin"
    assert (response.headers["X-Origin-Scheme"], response.headers["X-Origin-Address"]) == (
        "http", f"127.0.0.1:{origin.port}")
    assert (response.headers["X-Origin-Host"], response.headers["X-Origin-Name"]) == (
        f"127.0.0.1:{origin.port}", "127.0.0.1")
    assert response.headers["X-Origin-Path"] == "/offloaded.mp4?v=1"
    assert response.data == b""
    assert origin.requests == [("GET", "/offloaded.mp4", "bytes=0-0")]  # the check; nginx moves the bytes
    assert points_of(guest) == 10

    seek = guest_client.get(f"/videos/{video.id}/stream", headers={"Range": "bytes=1000-"})
    assert seek.headers["X-Accel-Redirect"] == "/_origin"
    assert len(origin.requests) == 1  # remembered: a seek costs no second check


def test_offload_mode_answers_304_and_416_itself_without_points(app, guest_client, guest, corporation, origin,
                                                                 upload):
    app.config["X_ACCEL_REDIRECT"] = True
    by_url = factories.make_video(corporation, source_url=origin.add_file("conditional.mp4", DATA))
    etag = requests.head(by_url.source_url, timeout=5).headers["ETag"]
    not_modified = guest_client.get(f"/videos/{by_url.id}/stream", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and "X-Accel-Redirect" not in not_modified.headers
    for video in (by_url, upload):
        beyond = guest_client.get(f"/videos/{video.id}/stream", headers={"Range": f"bytes={len(DATA)}-"})
        assert beyond.status_code == 416 and "X-Accel-Redirect" not in beyond.headers
        assert beyond.headers["Content-Range"] == f"bytes */{len(DATA)}"
    assert points_of(guest) == 0


def test_offload_mode_still_refuses_private_sources(app, guest_client, guest, corporation):
    app.config["X_ACCEL_REDIRECT"] = True
    video = factories.make_video(corporation, source_url="http://169.254.169.254/latest/meta-data/")
    response = guest_client.get(f"/videos/{video.id}/stream")
    assert response.status_code == 502
    assert "X-Accel-Redirect" not in response.headers
    assert points_of(guest) == 0
