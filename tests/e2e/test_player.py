"""The watch page in real Chromium: plays, seeks, and shows the points a first view earns."""

import pytest

from tests import factories
from tests.support.helpers import points_of
from webapp.demo import DEMO_MEDIA

pytestmark = pytest.mark.browser

PLAYING = """() => { const v = document.getElementById('player');
  return v.readyState === 4 && v.currentTime > 0.5; }"""


def play_muted(page):
    page.evaluate("() => { const v = document.getElementById('player'); v.muted = true; return v.play(); }")
    page.wait_for_function(PLAYING, timeout=15000)


def test_a_video_plays_seeks_and_earns_points_once(page, live_server, browser_login, guest, colour_bars,
                                                   screenshot, request):
    browser_login(guest.email)
    page.goto(f"{live_server.url}/watch/{colour_bars.id}")
    assert page.get_by_role("heading", name="Colour bars").is_visible()
    play_muted(page)

    page.get_by_text("+10 points for your first viewing").wait_for(timeout=10000)
    assert page.get_by_text("Your first viewing of a video earns").is_hidden()
    assert page.locator("#user-points").inner_text() == "10"
    assert points_of(guest) == 10

    assert page.evaluate("() => document.getElementById('player').seekable.end(0)") > 7
    page.evaluate("""() => new Promise(resolve => { const v = document.getElementById('player');
        v.addEventListener('seeked', resolve, { once: true }); v.currentTime = 6; })""")
    page.wait_for_function("() => document.getElementById('player').currentTime >= 6.2", timeout=10000)
    screenshot(f"watch-{request.node.callspec.id}")

    page.reload()  # a second watch earns nothing
    play_muted(page)
    page.wait_for_timeout(1000)
    assert page.get_by_text("+10 points").count() == 0
    assert page.get_by_test_id("points-note").inner_text().startswith("You have watched this video before")
    assert page.get_by_text("Your first viewing of a video earns").count() == 0
    assert page.locator("#user-points").inner_text() == "10"
    assert points_of(guest) == 10


def test_the_player_works_from_the_keyboard(page, live_server, browser_login, guest, corporation, origin):
    video = factories.make_video(corporation, title="Keyboard clip", source_url=origin.add_file(
        "keyboard.mp4", (DEMO_MEDIA / "colour-bars.mp4").read_bytes()))
    browser_login(guest.email)
    page.goto(f"{live_server.url}/watch/{video.id}")
    page.evaluate("() => { document.getElementById('player').muted = true; }")
    page.locator("#player").focus()
    assert page.evaluate("() => document.activeElement.id") == "player"
    page.keyboard.press("Space")
    page.wait_for_function(PLAYING, timeout=15000)


def test_a_broken_source_says_so_and_earns_nothing(page, live_server, browser_login, guest, corporation):
    video = factories.make_video(corporation, title="Broken", source_url="http://10.255.0.1/clip.mp4")
    browser_login(guest.email)
    page.goto(f"{live_server.url}/watch/{video.id}")
    # preload="none": nothing is fetched before play (not awaited: a failing <source> never settles it)
    page.locator("#player").evaluate("video => { video.play().catch(() => {}); }")
    page.get_by_text("This video could not be loaded.").wait_for(timeout=10000)
    assert points_of(guest) == 0


def test_a_playable_video_never_says_it_could_not_be_loaded(page, live_server, browser_login, guest, corporation,
                                                           origin):
    """The failure message follows a real error event only, not a guess made while the browser is still
    choosing its source (which used to show it under a video that then played)."""
    video = factories.make_video(corporation, title="Reloaded clip", source_url=origin.add_file(
        "reloaded.mp4", (DEMO_MEDIA / "colour-bars.mp4").read_bytes()))
    browser_login(guest.email)
    for _ in range(5):
        page.goto(f"{live_server.url}/watch/{video.id}")
        # preload="none": the browser chooses and loads its source once playback is asked for
        page.evaluate("() => { const v = document.getElementById('player'); v.muted = true; "
                      "v.play().catch(() => {}); }")
        page.wait_for_function("() => document.getElementById('player').readyState >= 2", timeout=10000)
        assert "could not be loaded" not in page.get_by_test_id("points-note").inner_text()
