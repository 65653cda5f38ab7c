"""Media processing in real Chromium: posters in the Library, a watch page that fetches no video
bytes (and credits nothing) until play, and status badges and a poster being made from a frame that
change without a reload."""
import pytest

from tests import factories
from tests.support.helpers import points_of
from webapp.core.extensions import db
from webapp.models import Video
from webapp.videos import poster_services, processing

pytestmark = pytest.mark.browser

POSTERS_LOADED = """() => { const images = [...document.querySelectorAll('.thumb img')];
  return images.length > 0 && images.every(img => img.complete && img.naturalWidth > 0); }"""


def test_the_library_shows_posters_and_a_watch_page_credits_nothing_until_play(
        page, live_server, browser_login, guest, corporation, origin, clip_url, screenshot):
    video = factories.make_video(corporation, title="Product tour", source_url=clip_url("faststart.mp4", "tour.mp4"))
    processing.process_video(video.id, video.source_version)
    factories.make_video(corporation, title="Still processing", source_url=clip_url("vp9.webm", "later.webm"))
    browser_login(guest.email)

    page.goto(f"{live_server.url}/library/")
    page.wait_for_function(POSTERS_LOADED, timeout=10000)
    card = page.get_by_role("link", name="Product tour")
    assert "0:02" in card.inner_text()
    assert page.get_by_role("link", name="Still processing").get_by_text("Processing…").is_visible()
    screenshot("library-posters")

    origin.requests.clear()
    card.click()
    page.wait_for_load_state("load")
    page.wait_for_timeout(1000)
    assert [entry for entry in origin.requests if entry[1] == "/tour.mp4"] == []
    assert points_of(guest) == 0
    assert page.locator("#player").get_attribute("preload") == "none"
    assert "/poster.jpg" in page.locator("#player").get_attribute("poster")

    page.evaluate("() => { const v = document.getElementById('player'); v.muted = true; return v.play(); }")
    page.get_by_text("+10 points for your first viewing").wait_for(timeout=15000)
    assert points_of(guest) == 10


def test_status_badges_change_without_a_reload_and_the_poster_page_fits_a_phone(
        page, live_server, browser_login, admin, corporation, clip_url):
    video = factories.make_video(corporation, title="Fresh upload", source_url=clip_url("faststart.mp4", "new.mp4"))
    browser_login(admin.email)
    page.goto(f"{live_server.url}/videos/")
    cell = page.locator(f'[data-video-id="{video.id}"]')
    assert cell.get_by_text("Processing…").is_visible()
    page.evaluate("() => { window.notReloaded = true; }")

    processing.process_video(video.id, video.source_version)
    cell.get_by_text("Ready").wait_for(timeout=10000)
    assert "0:02 · 160 × 120" in cell.inner_text()
    assert page.evaluate("() => window.notReloaded === true")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/videos/{video.id}/poster")
    assert page.get_by_role("img", name="Current poster of Fresh upload").is_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    image = page.get_by_role("img", name="Current poster of Fresh upload")
    automatic = image.get_attribute("src")
    page.get_by_label("Time in the video (seconds)").fill("1")
    page.get_by_role("button", name="Use this frame").click()
    state = page.get_by_test_id("poster-state")
    state.get_by_text("Making the poster from 0:01…").wait_for()
    page.evaluate("() => { window.notReloaded = true; }")

    db.session.expire_all()
    request = db.session.get(Video, video.id).poster_request
    assert poster_services.make_frame_poster(video.id, video.source_version, request)["outcome"] == "made"
    state.wait_for(state="hidden", timeout=10000)  # the page learns it by itself
    page.wait_for_function("([img, old]) => img.getAttribute('src') !== old && img.complete && img.naturalWidth > 0",
                           arg=[image.element_handle(), automatic], timeout=10000)
    assert page.evaluate("() => window.notReloaded === true")
