"""In Chromium: logging out other sessions ends them, and the Activity page shows it."""
import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_log_out_other_sessions_then_see_it_in_the_activity(page, browser, browser_login, admin, live_server,
                                                             screenshot):
    other = browser.new_context().new_page()
    other.goto(f"{live_server.url}/login")
    other.get_by_label("Email").fill(admin.email)
    other.get_by_label("Password").fill(PASSWORD)
    other.get_by_role("button", name="Log in").click()
    other.wait_for_url(lambda url: "/login" not in url)

    browser_login(admin.email)
    page.get_by_role("link", name="My account").click()
    page.once("dialog", lambda dialog: dialog.accept())  # confirm.js asks first
    page.get_by_role("button", name="Log out other sessions").click()
    expect(page.get_by_text("Your other sessions have been logged out")).to_be_visible()

    other.reload()
    assert admin.email not in other.locator("header").inner_text()
    other.context.close()

    page.get_by_role("link", name="Activity").click()
    row = page.get_by_test_id("activity").locator("tbody tr").first
    assert "Sessions logged out" in row.inner_text() and admin.email in row.inner_text()
    page.get_by_label("Action").select_option("member.added")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("No activity matches these filters.")).to_be_visible()
    page.get_by_label("Action").select_option("sessions.revoked")
    page.get_by_role("button", name="Filter").click()
    # expect() waits for the filtered page: a bare count() could still read the previous one.
    expect(page.get_by_test_id("activity").locator("tbody tr")).to_have_count(1)
    assert "Sessions logged out" in page.get_by_test_id("activity").locator("tbody tr").inner_text()
    screenshot("activity")
