"""On a phone-sized screen no admin page is wider than the screen: wide tables scroll inside their box."""
import pytest

from tests import factories

pytestmark = pytest.mark.browser

PAGE_WIDTH = "() => document.documentElement.scrollWidth"


def test_admin_pages_fit_a_phone_screen(page, live_server, browser_login, admin, corporation, screenshot):
    factories.make_user(corporation, email="a-rather-long-address.for-testing@initech.example")
    factories.make_video(corporation, title="Quarterly safety briefing for the whole company",
                         source_url="https://videos.example.com/a/very/long/path/to/the/briefing.mp4")
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(admin.email)
    for path in ("/members/", "/videos/", "/activity", "/analytics/", "/analytics/members", "/plan/",
                 "/account/", "/trash/", "/library/"):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate(PAGE_WIDTH) <= 390, f"{path} is wider than a phone screen"
    page.goto(f"{live_server.url}/members/")
    screenshot("members-phone")
