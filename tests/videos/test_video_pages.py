"""Video pages: add from a URL or by upload (streamed, sniffed, size-limited), edit, search, delete."""
import pytest
from sqlalchemy import select

from tests.factories import make_video
from tests.support.media import stored_keys, stored_object
from tests.support.pages import DEMO_MP4, post_page, post_upload, stored_files, upload_data
from webapp.core.extensions import db
from webapp.models import Video

ONE_MB = 1024 * 1024


def videos():
    db.session.expire_all()
    return db.session.scalars(select(Video).order_by(Video.id)).all()


def test_uploading_an_mp4_stores_it_under_media_root(app, admin_client):
    response = post_upload(admin_client, upload_data("Colour bars"))
    assert response.status_code == 302
    [video] = videos()
    assert (video.title, video.content_type, video.size_bytes) == ("Colour bars", "video/mp4",
                                                                    DEMO_MP4.stat().st_size)
    assert stored_object(video.file_key) == DEMO_MP4.read_bytes()
    assert stored_keys() == [video.file_key]
    assert "“<bdi>Colour bars</bdi>” was uploaded." in admin_client.get("/videos/").get_data(as_text=True)


def test_the_progress_bar_script_gets_a_location_to_go_to(admin_client):
    response = post_upload(admin_client, upload_data(),
                         headers={"X-Requested-With": "XMLHttpRequest"})
    assert response.status_code == 201
    assert response.get_json() == {"location": "/videos/"}
    assert len(videos()) == 1


def test_a_file_that_is_not_a_video_is_refused_and_nothing_is_stored(app, admin_client):
    data = upload_data("Not a video", b"%PDF-1.7 this is a document renamed to .mp4\n" * 50, "report.mp4")
    response = post_upload(admin_client, data)
    assert response.status_code == 400
    assert "That file is not an MP4 or WebM video." in response.get_data(as_text=True)
    assert videos() == []
    assert stored_files(app) == []


def test_an_upload_without_a_file_asks_for_one(admin_client):
    response = post_upload(admin_client, {"title": "Nothing"})
    assert response.status_code == 400
    assert "Choose a video file." in response.get_data(as_text=True)


def oversize_mp4():
    """A file that starts like an MP4 but is larger than a 1 MB limit."""
    return DEMO_MP4.read_bytes() + b"\0" * (ONE_MB + 1)


@pytest.mark.parametrize("app_config", [
    {"MAX_UPLOAD_MB": 1, "MAX_CONTENT_LENGTH": ONE_MB + 64 * 1024},  # refused before the body is read
    # The request limit is larger: the copy to MEDIA_ROOT stops at the limit.
    {"MAX_UPLOAD_MB": 1, "MAX_CONTENT_LENGTH": 8 * ONE_MB},
], indirect=True, ids=["request-limit", "storage-limit"])
def test_an_oversize_upload_gets_the_413_page_and_nothing_is_stored(app, admin_client):
    response = post_upload(admin_client, upload_data("Too big", oversize_mp4()))
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "The file is too large: the limit is 1 MB." in page
    assert 'class="skip-link"' in page  # the error page is in the site layout
    assert videos() == []
    assert stored_files(app) == []


@pytest.mark.parametrize("app_config", [{"MAX_UPLOAD_MB": 1}], indirect=True)
def test_a_lower_upload_limit_also_lowers_the_request_limit(app, admin_client):
    """A body over the limit is refused before it is read, even when it is not a video at all."""
    response = post_upload(admin_client, upload_data("Too big", b"not a video" * (ONE_MB // 5)))
    assert response.status_code == 413
    assert "The file is too large: the limit is 1 MB." in response.get_data(as_text=True)
    assert stored_files(app) == []


def test_the_upload_page_states_the_limit(admin_client):
    page = admin_client.get("/videos/upload").get_data(as_text=True)
    assert "MP4 or WebM, up to 512 MB." in page
    assert '<progress id="upload-progress"' in page
    assert "js/upload.js" in page


def test_adding_a_video_from_a_url(admin_client, origin):
    url = origin.add_file("talk.mp4", DEMO_MP4.read_bytes())
    response = post_page(admin_client, "/videos/new", {"title": "Talk", "source_url": url})
    assert response.status_code == 302
    [video] = videos()
    assert (video.title, video.source_url, video.file_key) == ("Talk", url, None)


@pytest.mark.parametrize("url, message", [
    ("ftp://example.com/a.mp4", "Use an http:// or https:// URL."),
    ("javascript:alert(1)", "Use an http:// or https:// URL."),
    ("http:///a.mp4", "The URL has no host."),
])
def test_a_bad_source_url_is_refused_with_a_message(admin_client, url, message):
    response = post_page(admin_client, "/videos/new", {"title": "Bad", "source_url": url})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert videos() == []


def test_editing_title_and_source(admin_client, corporation, origin):
    video = make_video(corporation, title="Old", source_url=origin.add_file("old.mp4", b"x"))
    new_url = origin.add_file("new.webm", b"y")
    response = post_page(admin_client, f"/videos/{video.id}/edit", {"title": "New", "source_url": new_url})
    assert response.status_code == 302
    [video] = videos()
    assert (video.title, video.source_url, video.content_type) == ("New", new_url, "video/webm")


def test_a_failed_edit_writes_nothing(admin_client, corporation, origin):
    video = make_video(corporation, title="Old", source_url=origin.add_file("old.mp4", b"x"))
    response = post_page(admin_client, f"/videos/{video.id}/edit",
                         {"title": "New", "source_url": "file:///etc/passwd"})
    assert response.status_code == 400
    assert "Use an http:// or https:// URL." in response.get_data(as_text=True)
    assert videos()[0].title == "Old"


def test_an_uploaded_video_has_no_source_to_edit(admin_client, corporation):
    video = make_video(corporation, title="Uploaded", file_key="abc.mp4", size_bytes=10)
    page = admin_client.get(f"/videos/{video.id}/edit").get_data(as_text=True)
    assert 'name="source_url"' not in page
    assert post_page(admin_client, f"/videos/{video.id}/edit", {"title": "Renamed"}).status_code == 302
    assert videos()[0].title == "Renamed"


def test_deleting_moves_the_video_to_the_trash(admin_client, admin, corporation):
    video = make_video(corporation, title="Doomed")
    assert post_page(admin_client, f"/videos/{video.id}/delete").status_code == 302
    [video] = videos()
    assert video.deleted_by_id == admin.id and video.deleted_at is not None
    assert f"/watch/{video.id}" not in admin_client.get("/library/").get_data(as_text=True)
    assert "Doomed" in admin_client.get("/trash/").get_data(as_text=True)
    assert admin_client.get(f"/videos/{video.id}/edit").status_code == 404


def test_videos_are_searched_by_title_and_paged(app, admin_client, corporation):
    app.config["PER_PAGE"] = 2
    for title in ("Onboarding 1", "Onboarding 2", "Onboarding 3", "Safety"):
        make_video(corporation, title=title)
    first = admin_client.get("/videos/?q=onboard").get_data(as_text=True)
    second = admin_client.get("/videos/?q=onboard&page=2").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Safety" not in first + second
    assert all(f"Onboarding {n}" in first + second for n in (1, 2, 3))
    assert "No video title contains “100%”." in admin_client.get("/videos/?q=100%25").get_data(as_text=True)
