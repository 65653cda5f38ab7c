"""The app in a real browser: login works and the layout shows who and what plan."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_admin_logs_in_and_sees_the_layout(page, live_server, browser_login, admin, screenshot):
    browser_login(admin.email)
    assert page.get_by_test_id("plan-badge").inner_text() == "Free"
    expect(page.locator("header")).to_contain_text("Plan: Free")  # what a screen reader announces
    assert page.get_by_test_id("user-points").inner_text() == "0 points"
    assert "Initech" in page.locator("header").inner_text()
    screenshot("home-admin")


def test_wrong_password_shows_one_message(page, live_server, admin):
    page.goto(f"{live_server.url}/login")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill("wrong-password-123")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Wrong email or password.")).to_be_visible()
