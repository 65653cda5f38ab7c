"""What people see of media processing: status badges and their poll endpoint, the poster page,
posters and durations in the Library, failed videos hidden from guests, the watch page's poster."""
import io
from datetime import timedelta

import pytest
from PIL import Image

from tests import factories
from tests.support.helpers import csrf_token
from tests.support.pages import post_page
from webapp.core.clock import utcnow
from webapp.core.extensions import db
from webapp.models import Video
from webapp.videos import processing

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
                                status_detail="H.265/HEVC video does not play in most browsers")


def test_the_videos_page_shows_each_status_with_its_facts(admin_client, corporation, ready, failed):
    waiting = factories.make_video(corporation, title="New one")
    warned = factories.make_video(corporation, title="No seeking", status="ready", supports_range=False,
                                  status_detail="Seeking will not work: no Range support.")
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
                                "facts": "1:15 · 1280 × 720 · 5.0 MB", "warning": ""}]}


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


def test_a_frame_of_a_ready_video_becomes_the_poster(app, admin, admin_client, corporation, clip_url):
    video = factories.make_video(corporation, title="Clip", source_url=clip_url("faststart.mp4"))
    processing.process_video(video.id, video.source_version)
    db.session.expire_all()
    before = db.session.get(Video, video.id).poster_key
    response = post_page(admin_client, f"/videos/{video.id}/poster/frame", {"at_seconds": "1.2"})
    assert response.status_code == 302
    db.session.expire_all()
    after = db.session.get(Video, video.id).poster_key
    assert after and after != before
    too_late = post_page(admin_client, f"/videos/{video.id}/poster/frame", {"at_seconds": "99"})
    assert too_late.status_code == 400 and "Enter a time between 0 and 1 seconds." in too_late.get_data(as_text=True)


def test_a_frame_cannot_be_picked_while_processing(admin_client, corporation):
    video = factories.make_video(corporation, title="Busy")
    page = admin_client.get(f"/videos/{video.id}/poster").get_data(as_text=True)
    assert "A frame can be picked once the video is ready." in page
    response = post_page(admin_client, f"/videos/{video.id}/poster/frame", {"at_seconds": "1"})
    assert response.status_code == 400


def test_another_companys_poster_and_poster_page_are_404(app, other_admin, ready):
    from tests.support.helpers import log_in

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
