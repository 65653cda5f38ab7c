"""The main pages in Korean in a real browser: Hangul renders (fonts-noto-cjk), nothing is wider than
a 390 px phone screen, no button or label spills out of its box, and the footer switch works from
the keyboard. Screenshots at desktop and phone widths go to test-artifacts/ for reviewers."""
import pytest

from tests import factories
from webapp.core.extensions import db

pytestmark = pytest.mark.browser

PAGES = {"library": "/library/", "videos": "/videos/", "members": "/members/", "analytics": "/analytics/",
         "activity": "/activity", "plan": "/plan/", "account": "/account/", "trash": "/trash/",
         "upload": "/videos/upload"}
# Elements whose content is wider than their box (a word pushed out of a button or cell).
SPILLED = """() => [...document.querySelectorAll('button, .button, th, td, label, nav a, svg text')]
  .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible'
               && !e.closest('.table-wrap'))
  .map(e => e.tagName + ': ' + e.textContent.trim().slice(0, 40))"""


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A browser that asks for Korean (Accept-Language: ko-KR)."""
    return {**browser_context_args, "locale": "ko-KR"}


def korean_company(corporation, admin):
    corporation.timezone = "Asia/Seoul"
    db.session.commit()
    factories.make_user(corporation, email="kim.minjun.long-address@initech.example")
    videos = []
    for title in ["신입사원을 위한 정보보안 및 개인정보 보호 필수 교육 과정", "분기 실적 발표", "Fire drill"]:
        video = factories.make_video(corporation, title=title)
        factories.make_audit_event(corporation, admin, "video.added", video, title=title)
        videos.append(video)
    videos[1].status, videos[1].status_reason = "failed", "matroska"
    videos[2].status, videos[2].duration_seconds, videos[2].width, videos[2].height = "ready", 3723, 1920, 1080
    db.session.commit()
    return videos


@pytest.mark.parametrize("width", [1280, 390])
def test_main_pages_in_korean_hold_their_layout(page, live_server, admin, corporation, screenshot, width):
    videos = korean_company(corporation, admin)
    pages = {**PAGES, "poster": f"/videos/{videos[2].id}/poster"}
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/login")
    page.get_by_label("이메일").fill(admin.email)
    page.get_by_label("비밀번호").fill(factories.PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(lambda url: "/login" not in url)
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        assert page.locator("html").get_attribute("lang") == "ko", path
        if width == 390:  # on a phone the navigation sits behind the Menu button
            page.get_by_test_id("menu").get_by_text("메뉴").click()
        assert page.get_by_role("link", name="내 계정").count() == 1, path
        if width == 390:
            assert page.evaluate("() => document.documentElement.scrollWidth") <= 390, path
        assert page.evaluate(SPILLED) == [], path
        screenshot(f"ko-{name}-{'phone' if width == 390 else 'desktop'}")


def test_hangul_is_drawn_with_a_cjk_font(page, live_server):
    """Without a CJK font Chromium draws Hangul as same-width boxes ("tofu")."""
    page.goto(f"{live_server.url}/login")
    widths = page.evaluate("""() => ['가', '한', 'ㅎ', '정보보안'].map(text => {
        const c = document.createElement('canvas').getContext('2d'); c.font = '16px sans-serif';
        return c.measureText(text).width; })""")
    assert widths[0] > 10 and abs(widths[3] - 4 * widths[0]) < 1
    tofu = page.evaluate("""() => { const c = document.createElement('canvas').getContext('2d');
        c.font = '16px sans-serif'; return c.measureText('\\u{10FFFD}').width; }""")
    assert widths[0] != tofu


def test_the_footer_language_switch_works_from_the_keyboard(page, live_server):
    page.goto(f"{live_server.url}/login")
    assert page.locator("html").get_attribute("lang") == "ko"
    english = page.get_by_role("button", name="English")
    english.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert page.get_by_role("heading", name="Log in").is_visible()
    assert page.get_by_role("button", name="English").get_attribute("aria-pressed") == "true"
