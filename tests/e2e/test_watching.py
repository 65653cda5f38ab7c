"""Watching in real Chromium: resume where you left, restart after the end, captions at the right time,
keyboard shortcuts, and the Library's progress bars."""
import io
import time

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.support.media import store_object, stored_object
from webapp.core.extensions import db
from webapp.demo import DEMO_MEDIA
from webapp.models_watching import WatchPosition
from webapp.videos.caption_services import add_caption

pytestmark = pytest.mark.browser

VTT = ("WEBVTT\n\n00:00:01.000 --> 00:00:02.500\nFirst <b>words</b>\n\n"
       "00:00:04.000 --> 00:00:05.500\nSecond words\n")
CURRENT = "() => document.getElementById('player').currentTime"


@pytest.fixture
def clip(corporation):
    """The 8-second demo clip as an uploaded, probed video."""
    key = store_object("watching.mp4", (DEMO_MEDIA / "colour-bars.mp4").read_bytes())
    return factories.make_video(corporation, title="Colour bars", file_key=key, status="ready",
                                duration_seconds=8.0, size_bytes=len(stored_object(key)))


def saved(user, video):
    db.session.expire_all()
    return db.session.scalar(db.select(WatchPosition).filter_by(user_id=user.id, video_id=video.id))


def wait_saved(user, video, check, timeout=5.0):
    """The saved position once `check` accepts it (the save on leaving a page arrives a moment later)."""
    deadline = time.monotonic() + timeout
    while True:
        row = saved(user, video)
        if row is not None and check(row):
            return row
        assert time.monotonic() < deadline, f"not saved as expected: {row and row.position_seconds}"
        time.sleep(0.1)


def play_until(page, seconds):
    page.evaluate("() => { const v = document.getElementById('player'); v.muted = true; return v.play(); }")
    page.wait_for_function(f"() => document.getElementById('player').currentTime >= {seconds}", timeout=15000)


def test_leaving_and_coming_back_resumes_and_the_end_starts_over(page, live_server, browser_login, guest, clip):
    browser_login(guest.email)
    page.goto(f"{live_server.url}/watch/{clip.id}")
    assert page.get_by_test_id("resume-note").is_hidden()
    play_until(page, 3.2)
    page.get_by_role("link", name="Back to the Library").click()  # leaving saves the position
    page.wait_for_url("**/library/")
    position = wait_saved(guest, clip, lambda row: row.position_seconds >= 3.2).position_seconds
    page.reload()
    assert 30 <= int(page.get_by_test_id("progress").first.get_attribute("value")) <= 100
    assert page.get_by_test_id("continue-watching").get_by_text("Colour bars").is_visible()

    page.get_by_test_id("continue-watching").get_by_role("link").click()
    note = page.get_by_test_id("resume-note")
    expect(note).to_contain_text(f"Resumed at 0:0{round(position)}")
    assert note.inner_text().startswith(f"Resumed at 0:0{round(position)}")
    play_until(page, position)
    assert page.evaluate(CURRENT) < position + 2  # started at the saved place, not from 0

    page.get_by_role("button", name="Start over").click()
    page.wait_for_function("() => document.getElementById('player').currentTime < 1", timeout=5000)
    assert note.is_hidden()

    page.evaluate("() => { const v = document.getElementById('player'); v.currentTime = 7.5; }")
    page.wait_for_function("() => document.getElementById('player').ended", timeout=15000)
    wait_saved(guest, clip, lambda row: row.completed)
    page.reload()
    assert page.get_by_test_id("resume-note").is_hidden()  # completed: starts from the beginning
    assert page.evaluate(CURRENT) == 0


def test_captions_show_at_the_right_time_and_the_menu_switches_them(page, live_server, browser_login, admin, guest,
                                                                    clip):
    add_caption(admin, clip, io.BytesIO(VTT.encode()), "en", "English", True)
    add_caption(admin, clip, io.BytesIO(b"1\n00:00:01,000 --> 00:00:02,500\n\xec\xb2\xab\n"), "ko", "Korean", False)
    browser_login(guest.email)
    page.goto(f"{live_server.url}/watch/{clip.id}")
    play_until(page, 0.1)  # preload="none": nothing (video or captions) loads before playing
    page.evaluate("() => { const v = document.getElementById('player'); v.pause(); v.currentTime = 1.5; }")
    active = """() => { const v = document.getElementById('player');
      const t = Array.from(v.textTracks).find(t => t.mode === 'showing');
      return t && t.activeCues && t.activeCues.length ? t.label + ':' + t.activeCues[0].text : null; }"""
    page.wait_for_function(f"() => ({active})() === 'English:First <b>words</b>'", timeout=10000)
    page.evaluate("() => { document.getElementById('player').currentTime = 3; }")
    page.wait_for_function(f"() => ({active})() === null", timeout=5000)  # between cues: nothing shown
    page.evaluate("() => { document.getElementById('player').currentTime = 4.2; }")
    page.wait_for_function(f"() => ({active})() === 'English:Second words'", timeout=5000)

    page.get_by_label("Captions").select_option(label="Korean")
    page.evaluate("() => { document.getElementById('player').currentTime = 1.2; }")
    page.wait_for_function(f"() => ({active})() === 'Korean:첫'", timeout=5000)
    page.locator("body").press("c")  # C: captions off, and on again with the last choice
    assert page.evaluate(active) is None and page.get_by_label("Captions").input_value() == ""
    page.locator("body").press("c")
    page.wait_for_function(f"() => ({active})() === 'Korean:첫'", timeout=5000)
    # Cue text is drawn as text by the browser: the <b> of the English cue is never HTML of the page.
    assert page.locator("b", has_text="words").count() == 0


def test_keyboard_shortcuts_and_their_list(page, live_server, browser_login, guest, clip, corporation):
    newer = factories.make_video(corporation, title="Newer clip", duration_seconds=60.0)
    browser_login(guest.email)
    page.goto(f"{live_server.url}/watch/{newer.id}")
    assert page.get_by_test_id("next-video").inner_text() == "Next video: Colour bars"
    page.get_by_test_id("next-video").click()
    page.wait_for_url(f"**/watch/{clip.id}")
    assert page.get_by_role("heading", name="Colour bars").is_visible()
    assert page.get_by_test_id("player-duration").inner_text() == "Duration 0:08"
    page.evaluate("() => { document.getElementById('player').muted = true; }")
    body = page.locator("body")
    paused = "() => document.getElementById('player').paused"

    body.press("k")
    page.wait_for_function("() => !document.getElementById('player').paused", timeout=15000)
    body.press(" ")
    page.wait_for_function(paused, timeout=5000)
    page.evaluate("() => { document.getElementById('player').currentTime = 1; }")
    body.press("ArrowRight")
    page.wait_for_function("() => Math.abs(document.getElementById('player').currentTime - 6) < 0.3", timeout=5000)
    body.press("j")
    page.wait_for_function("() => document.getElementById('player').currentTime === 0", timeout=5000)
    body.press("l")
    page.wait_for_function("() => document.getElementById('player').currentTime >= 7.9", timeout=5000)  # the end
    body.press("ArrowLeft")
    page.wait_for_function("() => Math.abs(document.getElementById('player').currentTime - 3) < 0.3", timeout=5000)
    page.evaluate("() => { const v = document.getElementById('player'); v.muted = false; v.volume = 0.5; }")
    body.press("ArrowDown")
    assert page.evaluate("() => document.getElementById('player').volume") == pytest.approx(0.4)
    assert page.locator("#player-announce").inner_text() == "Volume 40%"
    body.press("m")
    assert page.evaluate("() => document.getElementById('player').muted") is True

    # Never while typing in a field: letters typed in the language box do not play the video.
    field = page.locator("input[type=text], input[type=search], input:not([type])").first
    if field.count():
        field.focus()
        field.press("k")
        assert page.evaluate(paused)

    body.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    assert dialog.is_visible() and dialog.get_by_text("Back or forward 10 seconds").is_visible()
    body.press("k")  # shortcuts rest while the list is open
    assert page.evaluate(paused)
    page.keyboard.press("Escape")
    assert dialog.is_hidden()
    page.get_by_role("button", name="Keyboard shortcuts").click()
    assert dialog.is_visible()
    page.get_by_role("button", name="Close").click()
    assert dialog.is_hidden()
