"""Watching in the web pages: the player's position saves, Library progress, back/next, the captions page."""
import io
import re

import pytest

from tests import factories
from tests.support.helpers import csrf_token, log_in, post_form
from webapp.core.clock import utcnow
from webapp.core.extensions import db
from webapp.models_watching import Caption, WatchPosition
from webapp.videos.caption_services import add_caption

VTT = "WEBVTT\n\n00:00:00.500 --> 00:00:02.000\nFirst words\n"


@pytest.fixture
def shelf(corporation):
    """Three videos, oldest first (the Library shows the newest first): Third, Second, First."""
    return [factories.make_video(corporation, title=title, duration_seconds=100.0)
            for title in ("First", "Second", "Third")]


def put_position(client, video, value, token):
    return client.put(f"/watch/{video.id}/position", json={"position_seconds": value},
                      headers={"X-CSRFToken": token})


def test_the_player_saves_the_position_with_the_csrf_header_only(guest_client, guest, shelf):
    video = shelf[0]
    token = csrf_token(guest_client, f"/watch/{video.id}")
    assert guest_client.put(f"/watch/{video.id}/position", json={"position_seconds": 5}).status_code == 400
    assert WatchPosition.query.count() == 0
    assert put_position(guest_client, video, 42.5, token).status_code == 204
    assert put_position(guest_client, video, -3, token).status_code == 400
    saved = db.session.scalar(db.select(WatchPosition))
    assert (saved.user_id, saved.video_id, saved.position_seconds) == (guest.id, video.id, 42.5)


def test_the_watch_page_offers_to_resume_and_to_start_over(guest_client, guest, shelf):
    factories.make_watch(guest, shelf[1], position_seconds=192.0)
    shelf[1].duration_seconds = 600
    db.session.commit()
    html = guest_client.get(f"/watch/{shelf[1].id}").get_data(as_text=True)
    assert 'data-resume-at="192.0"' in html and "Resumed at 3:12" in html and "Start over" in html
    factories.make_watch(guest, shelf[2], position_seconds=99.0, completed=True)  # at the end: starts over
    assert 'data-resume-at="0.0"' in guest_client.get(f"/watch/{shelf[2].id}").get_data(as_text=True)


def test_back_to_the_library_and_next_video_follow_the_library_order(guest_client, shelf):
    first, second, third = shelf
    html = guest_client.get(f"/watch/{third.id}").get_data(as_text=True)
    assert 'href="/library/"' in html
    assert re.search(rf'href="/watch/{second.id}" rel="next"', html) and "Duration 1:40" in html
    assert f'href="/watch/{first.id}" rel="next"' in guest_client.get(f"/watch/{second.id}").get_data(as_text=True)
    assert 'rel="next"' not in guest_client.get(f"/watch/{first.id}").get_data(as_text=True)


def test_the_library_shows_progress_continue_watching_and_watched(guest_client, guest, admin, shelf):
    first, second, third = shelf
    factories.make_watch(guest, first, position_seconds=40.0)
    factories.make_watch(guest, second, position_seconds=100.0, completed=True)
    factories.make_watch(admin, third, position_seconds=50.0)  # someone else's progress shows nowhere
    html = guest_client.get("/library/").get_data(as_text=True)
    continuing = html.split('data-testid="continue-watching"')[1].split("</section>")[0]
    assert "First" in continuing and "Second" not in continuing and "Third" not in continuing
    everything = html.split('data-testid="library-videos"')[1]
    cards = re.findall(r"<li>(.*?)</li>", everything, re.S)
    assert [re.search(r"<bdi>(.*?)</bdi>", card).group(1) for card in cards] == ["Third", "Second", "First"]
    assert 'data-testid="progress"' not in cards[0] and 'data-testid="watched"' not in cards[0]
    assert 'value="100"' in cards[1] and "Watched" in cards[1]
    assert 'value="40"' in cards[2] and 'aria-label="40% watched"' in cards[2]
    assert "Continue watching" not in guest_client.get("/library/?q=first").get_data(as_text=True)


def test_a_caption_file_is_served_as_text_vtt_to_members_only(guest_client, admin, other_admin, shelf, client):
    video = shelf[0]
    caption = add_caption(admin, video, io.BytesIO(VTT.encode()), "en", "English", True)
    response = guest_client.get(f"/videos/{video.id}/captions/{caption.id}.vtt")
    assert response.status_code == 200 and response.mimetype == "text/vtt"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert "First words" in response.get_data(as_text=True)
    html = guest_client.get(f"/watch/{video.id}").get_data(as_text=True)
    assert re.search(rf'<track kind="subtitles" src="/videos/{video.id}/captions/{caption.id}.vtt" srclang="en" '
                     r'label="English" default>', html)
    assert log_in(client, other_admin).get(f"/videos/{video.id}/captions/{caption.id}.vtt").status_code == 404
    video.deleted_at, video.deleted_by_id = utcnow(), admin.id
    db.session.commit()
    assert guest_client.get(f"/videos/{video.id}/captions/{caption.id}.vtt").status_code == 404


def test_admins_add_and_remove_captions_on_the_captions_page(admin_client, shelf):
    video = shelf[0]
    page = f"/videos/{video.id}/captions"
    assert "No captions yet." in admin_client.get(page).get_data(as_text=True)
    srt = b"1\n00:00:01,000 --> 00:00:02,000\nHi\n\n2\n00:00:03,000 --> 00:00:02,000\nBackwards\n"
    refused = post_form(admin_client, page, {"file": (io.BytesIO(srt), "bad.srt"), "language": "en",
                                             "label": "English"}, page=page, content_type="multipart/form-data")
    assert refused.status_code == 400
    assert "Line 6: the cue ends before it starts." in refused.get_data(as_text=True)
    bad_tag = post_form(admin_client, page, {"file": (io.BytesIO(VTT.encode()), "a.vtt"), "language": "english",
                                             "label": "English"}, page=page, content_type="multipart/form-data")
    assert bad_tag.status_code == 400 and "is not a language tag" in bad_tag.get_data(as_text=True)
    assert Caption.query.count() == 0

    good = srt.replace(b"00:00:02,000\nBack", b"00:00:04,000\nBack")
    added = post_form(admin_client, page, {"file": (io.BytesIO(good), "ok.srt"), "language": "ko", "label": "한국어",
                                           "is_default": "y"},
                      page=page, content_type="multipart/form-data")
    assert added.status_code == 302 and added.headers["Location"] == page
    assert "Captions “한국어” were added." in admin_client.get(page).get_data(as_text=True)
    caption = db.session.scalar(db.select(Caption))
    assert caption.is_default and caption.language == "ko"
    assert post_form(admin_client, f"{page}/{caption.id}/delete", page=page).status_code == 302
    assert "Captions “한국어” were removed." in admin_client.get(page).get_data(as_text=True)
    assert Caption.query.count() == 0
