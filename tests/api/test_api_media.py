"""Media processing in the API: status and media fields, GET and PUT of the poster."""
import io

import pytest
from PIL import Image

from tests import factories
from tests.api.conftest import assert_error
from webapp.core.extensions import db
from webapp.models import Video
from webapp.videos import processing

MEDIA_FIELDS = {"status", "status_detail", "duration_seconds", "width", "height", "video_codec", "audio_codec",
                "supports_range", "poster_url"}


def png(size=(320, 180)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 60)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def probed_clip(admin, clip_url):
    video = factories.make_video(admin.corporation, title="Clip", source_url=clip_url("faststart.mp4"))
    processing.process_video(video.id, video.source_version)
    db.session.expire_all()
    return db.session.get(Video, video.id)


def test_a_new_video_is_processing_with_null_facts(client, admin, bearer, origin, clip_url):
    response = client.post("/api/v1/videos", headers=bearer(admin),
                           json={"title": "Tour", "source_url": clip_url("faststart.mp4", "tour.mp4")})
    body = response.get_json()
    assert response.status_code == 201 and MEDIA_FIELDS <= set(body)
    assert body["status"] == "processing"
    assert all(body[name] is None for name in MEDIA_FIELDS - {"status"})


def test_a_probed_video_carries_its_facts_and_poster_url(client, guest, bearer, probed_clip):
    body = client.get(f"/api/v1/videos/{probed_clip.id}", headers=bearer(guest)).get_json()
    assert {name: body[name] for name in MEDIA_FIELDS - {"duration_seconds"}} == {
        "status": "ready", "status_detail": None, "width": 160, "height": 120, "video_codec": "h264",
        "audio_codec": "aac", "supports_range": True,
        "poster_url": f"http://localhost/api/v1/videos/{probed_clip.id}/poster"}
    assert body["duration_seconds"] == pytest.approx(1.5, abs=0.1)
    listed = client.get("/api/v1/videos", headers=bearer(guest)).get_json()["items"][0]
    assert listed["status"] == "ready" and listed["poster_url"] == body["poster_url"]
    poster = client.get(body["poster_url"], headers=bearer(guest))
    assert poster.status_code == 200 and poster.mimetype == "image/jpeg"


def test_the_poster_is_404_while_there_is_none_and_for_other_companies(client, admin, other_admin, bearer,
                                                                       probed_clip):
    waiting = factories.make_video(admin.corporation, title="Waiting")
    assert_error(client.get(f"/api/v1/videos/{waiting.id}/poster", headers=bearer(admin)), 404, "not_found")
    assert_error(client.get(f"/api/v1/videos/{probed_clip.id}/poster", headers=bearer(other_admin)), 404)
    assert_error(client.put(f"/api/v1/videos/{probed_clip.id}/poster", headers=bearer(other_admin),
                            json={"at_seconds": 1}), 404)


def test_put_poster_takes_a_frame_time_or_an_image(client, admin, bearer, probed_clip):
    old = probed_clip.poster_key
    body = client.put(f"/api/v1/videos/{probed_clip.id}/poster", headers=bearer(admin),
                      json={"at_seconds": 0.9}).get_json()
    assert body["poster_url"]
    db.session.expire_all()
    framed = db.session.get(Video, probed_clip.id).poster_key
    assert framed != old
    response = client.put(f"/api/v1/videos/{probed_clip.id}/poster", headers=bearer(admin),
                          data={"file": (io.BytesIO(png((1280, 720))), "p.png")}, content_type="multipart/form-data")
    assert response.status_code == 200
    poster = client.get(f"/api/v1/videos/{probed_clip.id}/poster", headers=bearer(admin))
    with Image.open(io.BytesIO(poster.data)) as image:
        assert (image.format, image.size) == ("JPEG", (640, 360))


@pytest.mark.parametrize("kwargs, status, field", [
    ({"json": {"at_seconds": -1}}, 400, "at_seconds"),
    ({"json": {"at_seconds": 30}}, 400, "at_seconds"),
    ({"json": {"at_seconds": "soon"}}, 400, "at_seconds"),
    ({"json": {}}, 400, "at_seconds"),
    ({"data": {"file": (io.BytesIO(b"<svg/>"), "x.svg")}, "content_type": "multipart/form-data"}, 400, "file"),
    ({"data": "at_seconds=3", "content_type": "text/plain"}, 415, None),
])
def test_bad_poster_input_is_refused_with_a_clear_error(client, admin, bearer, probed_clip, kwargs, status, field):
    error = assert_error(client.put(f"/api/v1/videos/{probed_clip.id}/poster", headers=bearer(admin), **kwargs),
                         status)
    if field:
        assert field in error["fields"], error


def test_guests_cannot_change_posters(client, guest, bearer, probed_clip):
    assert_error(client.put(f"/api/v1/videos/{probed_clip.id}/poster", headers=bearer(guest),
                            json={"at_seconds": 1}), 403)


def test_failed_videos_are_not_there_for_guests_in_the_api(client, admin, guest, bearer, probed_clip):
    """The list, the video, its stream and poster: a guest gets a 404 for a failed video; admins get it
    with the reason."""
    failed = factories.make_video(admin.corporation, title="Broken", status="failed",
                                  status_detail="The file contains no video stream.")
    guest_headers, admin_headers = bearer(guest), bearer(admin)
    listed = client.get("/api/v1/videos", headers=guest_headers).get_json()
    assert [item["id"] for item in listed["items"]] == [probed_clip.id] and listed["total"] == 1
    for path in ("", "/stream", "/poster", "/position", "/captions"):
        assert_error(client.get(f"/api/v1/videos/{failed.id}{path}", headers=guest_headers), 404)
    assert {item["id"] for item in client.get("/api/v1/videos", headers=admin_headers).get_json()["items"]} == {
        probed_clip.id, failed.id}
    body = client.get(f"/api/v1/videos/{failed.id}", headers=admin_headers).get_json()
    assert (body["status"], body["status_detail"]) == ("failed", "The file contains no video stream.")
