"""What people see of media processing: status badges and their poll endpoint, the poster page,
posters and durations in the Library, failed videos hidden from guests, the watch page's poster."""
import io
from datetime import timedelta

import pytest
from PIL import Image
from rq import Queue

from tests import factories
from tests.support.clips import make_clip
from tests.support.helpers import csrf_token, log_in
from tests.support.media import stored_object
from tests.support.pages import post_page
from webapp.core.clock import utcnow
from webapp.core.extensions import db
from webapp.media.posters import object_key
from webapp.models import Video
from webapp.videos import poster_services, processing, services

KOREAN_SOUND_ONLY = "파일에 소리만 있고 화면이 없습니다."
ROUND_TRIP = {"status": "ready", "duration_seconds": 75.4, "width": 1280, "height": 720, "size_bytes": 5_242_880,
              "video_codec": "h264", "audio_codec": "aac", "supports_range": True, "container": "mp4"}


def image_bytes(kind="PNG", size=(800, 450)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 60, 30)).save(buffer, kind)
    return buffer.getvalue()


def poster_form(client, video, content, filename="poster.png"):
    return post_page(client, f"/videos/{video.id}/poster/image", {"file": (io.BytesIO(content), filename)},
                     content_type="multipart/form-data")


@pytest.fixture
def ready(corporation):
    return factories.make_video(corporation, title="Ready one", **ROUND_TRIP)


@pytest.fixture
def failed(corporation):
    return factories.make_video(corporation, title="Broken one", status="failed",
                                status_reason="video_codec", status_params={"codec": "H.265/HEVC"})


def test_the_videos_page_shows_each_status_with_its_facts(admin_client, corporation, ready, failed):
    waiting = factories.make_video(corporation, title="New one")
    warned = factories.make_video(corporation, title="No seeking", status="ready", supports_range=False,
                                  status_reason="no_seeking")
    html = admin_client.get("/videos/").get_data(as_text=True)
    assert "Processing…" in html and "Ready" in html
    assert "Failed: H.265/HEVC video does not play in most browsers" in html
    assert "1:15 · 1280 × 720 · 5.0 MB" in html
    assert "Seeking will not work" in html
    assert f'data-video-id="{waiting.id}" data-status="processing"' in html
    assert f'data-video-id="{warned.id}" data-status="ready"' in html
    assert "js/video-status.js" in html


def test_the_status_endpoint_answers_for_the_companys_videos_only(admin_client, ready, other_admin):
    foreign = factories.make_video(other_admin.corporation, title="Theirs")
    body = admin_client.get(f"/videos/status?ids={ready.id},{foreign.id},x").get_json()
    assert body == {"videos": [{"id": ready.id, "status": "ready", "badge": "Ready",
                                "facts": "1:15 · 1280 × 720 · 5.0 MB", "warning": "", "poster_state": "",
                                "poster_message": "", "poster_key": ""}]}


def test_guests_cannot_poll_statuses(guest_client, ready):
    assert guest_client.get(f"/videos/status?ids={ready.id}").status_code in (302, 403)


def test_the_library_shows_posters_durations_and_a_placeholder_while_processing(
        app, admin, admin_client, guest_client, corporation, ready, failed):
    factories.make_video(corporation, title="Still working")
    poster_form(admin_client, ready, image_bytes())
    db.session.expire_all()
    poster_key = db.session.get(Video, ready.id).poster_key
    html = guest_client.get("/library/").get_data(as_text=True)
    assert f'src="/videos/{ready.id}/poster.jpg?v={poster_key}"' in html and "1:15" in html
    assert "Processing…" in html
    assert "Broken one" not in html  # failed videos are hidden from guests
    assert "Broken one" in admin_client.get("/library/").get_data(as_text=True)


@pytest.mark.parametrize("seconds, expected", [(5, "0:05"), (75.4, "1:15"), (3723, "1:02:03"), (59.6, "1:00")])
def test_durations_read_as_players_show_them(seconds, expected):
    from webapp.core.i18n import format_duration

    assert format_duration(seconds) == expected


def test_an_uploaded_image_becomes_a_640px_jpeg_poster(admin_client, guest_client, ready):
    response = poster_form(admin_client, ready, image_bytes("WEBP", (1280, 720)), "poster.webp")
    assert response.status_code == 302
    answer = guest_client.get(f"/videos/{ready.id}/poster.jpg")
    assert answer.status_code == 200 and answer.mimetype == "image/jpeg"
    with Image.open(io.BytesIO(answer.data)) as poster:
        assert (poster.format, poster.size) == ("JPEG", (640, 360))
    watch = guest_client.get(f"/watch/{ready.id}").get_data(as_text=True)
    assert 'preload="none"' in watch and f"/videos/{ready.id}/poster.jpg" in watch


@pytest.mark.parametrize("content, filename", [
    (b"GIF89a" + b"\0" * 100, "anim.gif"),
    (image_bytes("GIF"), "real.gif"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "logo.svg"),
    (image_bytes()[:60], "cut.png"),
])
def test_an_image_that_is_not_jpeg_png_or_webp_is_refused_clearly(admin_client, ready, content, filename):
    response = poster_form(admin_client, ready, content, filename)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "JPEG, PNG or WebP" in html
    assert db.session.get(Video, ready.id).poster_key is None


@pytest.fixture
def probed(corporation, clip_url):
    """A ready 1.5 s clip with its automatic poster."""
    video = factories.make_video(corporation, title="Clip", source_url=clip_url("faststart.mp4", "probed.mp4"))
    processing.process_video(video.id, video.source_version)
    db.session.expire_all()
    return db.session.get(Video, video.id)


def fresh(video) -> Video:
    db.session.expire_all()
    return db.session.get(Video, video.id)


def test_a_picked_frame_is_made_by_the_worker_and_the_page_shows_it_pending_then_done(
        admin_client, probed, redis_conn):
    """The request only queues the job (after the commit); without JavaScript, a reload shows the state."""
    automatic = probed.poster_key
    response = post_page(admin_client, f"/videos/{probed.id}/poster/frame", {"at_seconds": "1.2"})
    assert response.status_code == 302 and response.location.endswith(f"/videos/{probed.id}/poster")
    video = fresh(probed)
    assert (video.poster_key, video.poster_state, video.poster_request_at) == (automatic, "pending", 1.2)
    queued = Queue("default", connection=redis_conn).jobs
    assert [(job.func_name, job.args) for job in queued] == [
        ("worker.jobs.make_poster", (probed.id, probed.source_version, video.poster_request))]
    assert "Making the poster from 0:01…" in admin_client.get(f"/videos/{probed.id}/poster").get_data(as_text=True)

    result = poster_services.make_frame_poster(probed.id, probed.source_version, video.poster_request)
    assert result["outcome"] == "made"
    video = fresh(probed)
    assert (video.poster_kind, video.poster_at_seconds, video.poster_state) == ("frame", 1.2, None)
    assert video.poster_key != automatic and stored_object(object_key(automatic)) is None
    page = admin_client.get(f"/videos/{probed.id}/poster").get_data(as_text=True)
    assert "Making the poster" not in page and f"poster.jpg?v={video.poster_key}" in page


def test_a_frame_that_cannot_be_made_says_why_on_the_poster_page(admin_client, probed, origin):
    # The last frame's time: the clip has no picture at or after it.
    post_page(admin_client, f"/videos/{probed.id}/poster/frame", {"at_seconds": str(probed.duration_seconds)})
    video = fresh(probed)
    assert poster_services.make_frame_poster(video.id, video.source_version, video.poster_request)[
        "outcome"] == "failed"
    page = admin_client.get(f"/videos/{probed.id}/poster").get_data(as_text=True)
    assert "The poster could not be made from 0:02: No picture could be decoded at 0:02: try another time." in page
    assert fresh(probed).poster_key == probed.poster_key  # the old poster stays

    post_page(admin_client, f"/videos/{probed.id}/poster/frame", {"at_seconds": "0.5"})
    video = fresh(probed)
    (origin.root / "probed.mp4").unlink()  # the source is gone: failed on the last attempt
    poster_services.make_frame_poster(video.id, video.source_version, video.poster_request)
    assert "answered with HTTP status 404" in admin_client.get(f"/videos/{probed.id}/poster").get_data(as_text=True)


@pytest.mark.parametrize("value, message", [("99", "Enter a time between 0 and 1 seconds."),
                                            ("-1", "Number must be at least 0."),
                                            ("nan", "Number must be at least 0."),
                                            ("soon", "Not a valid decimal value.")])
def test_a_time_outside_the_video_is_refused_before_anything_is_queued(admin_client, probed, redis_conn, value,
                                                                       message):
    response = post_page(admin_client, f"/videos/{probed.id}/poster/frame", {"at_seconds": value})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert fresh(probed).poster_state is None and Queue("default", connection=redis_conn).count == 0


def test_an_older_request_or_an_old_source_never_overwrites_the_newest(admin_client, admin, probed, clip_url):
    version = probed.source_version
    post_page(admin_client, f"/videos/{probed.id}/poster/frame", {"at_seconds": "0.2"})
    first = fresh(probed).poster_request
    post_page(admin_client, f"/videos/{probed.id}/poster/frame", {"at_seconds": "0.8"})
    assert poster_services.make_frame_poster(probed.id, version, first)["outcome"] == "skipped"
    assert fresh(probed).poster_state == "pending"
    services.update_video(admin, fresh(probed), source_url=clip_url("faststart.mp4", "other.mp4"))
    second = fresh(probed).poster_request
    assert poster_services.make_frame_poster(probed.id, version, second)["outcome"] == "skipped"
    # The probe of the new source makes the frame asked for.
    processing.process_video(probed.id, fresh(probed).source_version)
    assert (fresh(probed).poster_kind, fresh(probed).poster_at_seconds) == ("frame", 0.8)


def test_a_picked_poster_survives_a_new_probe_of_the_same_source(app, admin_client, probed):
    """`flask videos probe` (and the backfill) keep a frame or an image an admin picked."""
    post_page(admin_client, f"/videos/{probed.id}/poster/frame", {"at_seconds": "0.5"})
    poster_services.make_frame_poster(probed.id, probed.source_version, fresh(probed).poster_request)
    picked = fresh(probed).poster_key
    assert app.test_cli_runner().invoke(args=["videos", "probe", str(probed.id)]).exit_code == 0
    video = fresh(probed)
    assert (video.status, video.poster_key, video.poster_kind) == ("ready", picked, "frame")
    assert stored_object(object_key(picked)) is not None

    poster_form(admin_client, probed, image_bytes())
    uploaded = fresh(probed).poster_key
    processing.process_video(*processing.reprocess([probed.id])[0])
    assert (fresh(probed).poster_key, fresh(probed).poster_kind) == (uploaded, "upload")


def test_a_new_source_remakes_a_picked_frame_and_keeps_an_uploaded_image(admin, admin_client, probed, clip_url):
    post_page(admin_client, f"/videos/{probed.id}/poster/frame", {"at_seconds": "0.5"})
    poster_services.make_frame_poster(probed.id, probed.source_version, fresh(probed).poster_request)
    old_frame = fresh(probed).poster_key
    services.update_video(admin, fresh(probed), source_url=clip_url("vp9.webm", "new.webm"))
    video = fresh(probed)
    assert (video.status, video.poster_state, video.poster_request_at) == ("processing", "pending", 0.5)
    assert "Making the poster from 0:00…" in admin_client.get(f"/videos/{probed.id}/poster").get_data(as_text=True)
    processing.process_video(video.id, video.source_version)
    video = fresh(probed)
    assert (video.status, video.poster_kind, video.poster_at_seconds, video.poster_state) == (
        "ready", "frame", 0.5, None)
    assert video.poster_key != old_frame and stored_object(object_key(old_frame)) is None

    assert poster_form(admin_client, probed, image_bytes()).status_code == 302
    uploaded = fresh(probed).poster_key
    assert fresh(probed).poster_kind == "upload"
    services.update_video(admin, fresh(probed), source_url=clip_url("faststart.mp4", "third.mp4"))
    processing.process_video(probed.id, fresh(probed).source_version)
    assert (fresh(probed).poster_key, fresh(probed).poster_kind) == (uploaded, "upload")


def test_a_new_source_without_a_picture_at_the_picked_time_gets_an_automatic_poster_and_says_so(
        admin, admin_client, probed, origin, clip_url):
    post_page(admin_client, f"/videos/{probed.id}/poster/frame", {"at_seconds": "1.4"})
    poster_services.make_frame_poster(probed.id, probed.source_version, fresh(probed).poster_request)
    assert fresh(probed).poster_kind == "frame"
    short = origin.add_file("short.mp4", make_clip(origin.root / "short-src.mp4", seconds=0.5).read_bytes())
    services.update_video(admin, fresh(probed), source_url=short)
    processing.process_video(probed.id, fresh(probed).source_version)
    video = fresh(probed)
    assert (video.status, video.poster_kind, video.poster_state) == ("ready", "auto", "failed")
    assert "No picture could be decoded at 0:01" in admin_client.get(f"/videos/{probed.id}/poster").get_data(
        as_text=True)


def test_a_frame_cannot_be_picked_while_processing(admin_client, corporation):
    video = factories.make_video(corporation, title="Busy")
    page = admin_client.get(f"/videos/{video.id}/poster").get_data(as_text=True)
    assert "A frame can be picked once the video is ready." in page
    response = post_page(admin_client, f"/videos/{video.id}/poster/frame", {"at_seconds": "1"})
    assert response.status_code == 400


def test_another_companys_poster_and_poster_page_are_404(app, other_admin, ready):
    client = log_in(app.test_client(), other_admin)
    assert client.get(f"/videos/{ready.id}/poster.jpg").status_code == 404
    assert client.get(f"/videos/{ready.id}/poster").status_code == 404


def test_changing_the_source_processes_the_video_again(admin, corporation, clip_url):
    from webapp.videos import services

    video = factories.make_video(corporation, title="Clip", source_url=clip_url("faststart.mp4"))
    processing.process_video(video.id, video.source_version)
    db.session.expire_all()
    video = db.session.get(Video, video.id)
    assert video.status == "ready" and video.poster_key
    services.update_video(admin, video, source_url=clip_url("vp9.webm"))
    db.session.expire_all()
    video = db.session.get(Video, video.id)
    assert (video.status, video.source_version, video.poster_key, video.duration_seconds) == \
        ("processing", 2, None, None)


def test_a_failed_video_is_hidden_from_guests_on_every_page_and_shown_to_admins_with_the_reason(
        admin_client, guest_client, guest, corporation, ready, failed):
    """Watch URL, stream, poster, status, position save, next video and continue watching: for a guest a
    failed video is a 404 like a video that is not there; admins still open it and read why it failed."""
    older = factories.make_video(corporation, title="Older one", status="ready", duration_seconds=100.0)
    now = utcnow()
    for age, video in enumerate((ready, failed, older)):  # Library order, newest first
        video.created_at = now - timedelta(minutes=age)
    db.session.commit()
    factories.make_watch(guest, failed, position_seconds=30.0)
    factories.make_watch(guest, older, position_seconds=30.0)

    watch = guest_client.get(f"/watch/{failed.id}")
    assert watch.status_code == 404 and "Broken one" not in watch.get_data(as_text=True)
    assert "<html" in watch.get_data(as_text=True)  # the 404 page, like any hidden video
    assert guest_client.get(f"/videos/{failed.id}/stream").status_code == 404
    assert guest_client.get(f"/videos/{failed.id}/poster.jpg").status_code == 404
    assert guest_client.get(f"/watch/{failed.id}/status").status_code == 404
    token = csrf_token(guest_client, f"/watch/{ready.id}")
    saved = guest_client.put(f"/watch/{failed.id}/position", json={"position_seconds": 5},
                             headers={"X-CSRFToken": token})
    assert saved.status_code == 404

    library = guest_client.get("/library/").get_data(as_text=True)
    continuing = library.split('data-testid="continue-watching"')[1].split("</section>")[0]
    assert "Older one" in continuing and "Broken one" not in library
    assert f'href="/watch/{older.id}" rel="next"' in guest_client.get(f"/watch/{ready.id}").get_data(as_text=True)

    page = admin_client.get(f"/watch/{failed.id}")
    assert page.status_code == 200 and "Broken one" in page.get_data(as_text=True)
    assert f'href="/watch/{failed.id}" rel="next"' in admin_client.get(f"/watch/{ready.id}").get_data(as_text=True)
    assert "H.265/HEVC video does not play in most browsers" in admin_client.get("/videos/").get_data(as_text=True)


def test_a_reason_is_stored_as_a_code_and_read_in_each_viewers_language(app, admin, admin_client, corporation):
    """The same failed video reads in English for one admin and in Korean for another (and in the API, in
    the request's language)."""
    video = factories.make_video(corporation, title="Sound", status="failed", status_reason="sound_only")
    korean_admin = factories.make_admin(corporation, email="kim@initech.example.com")
    korean_admin.locale = "ko"
    db.session.commit()

    english = admin_client.get("/videos/").get_data(as_text=True)
    korean = log_in(app.test_client(), korean_admin).get("/videos/").get_data(as_text=True)
    assert "Failed: The file has sound only, no picture: add a video with a picture." in english
    assert KOREAN_SOUND_ONLY in korean and "The file has sound only" not in korean
    assert (fresh(video).status_reason, fresh(video).status_params) == ("sound_only", None)

