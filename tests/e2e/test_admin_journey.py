"""An admin's first day in a real browser: sign up, add a guest, add videos, trash, plan, restore.

Then the guest logs in and finds the videos in the library. Screenshots of the main pages are
saved under test-artifacts/ for reviewers.
"""
import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, days_from_today
from tests.support.mailbox import link_in, path_of
from tests.support.pages import DEMO_MP4, shown_day, stored_files

pytestmark = [pytest.mark.browser, pytest.mark.app_config("mail_settings")]

ADMIN_EMAIL = "founder@hooli.example.com"
GUEST_EMAIL = "intern@hooli.example.com"


def throttle_uploads(page, bytes_per_second):
    """Slow the browser's uploads down (DevTools network emulation) so progress can be seen."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": bytes_per_second})
    return cdp


def flash(page):
    return page.locator(".flash").first


def test_admin_journey(page, live_server, origin, big_mp4, screenshot, browser_login, mailbox, run_jobs):
    base = live_server.url
    # Sign up, confirm the address from the mail: the company starts on the free plan.
    page.goto(f"{base}/signup")
    page.get_by_label("Company name").fill("Hooli")
    page.get_by_label("Your email (admin login)").fill(ADMIN_EMAIL)
    page.get_by_label("Password", exact=True).fill("hooli-founder-password")
    page.get_by_label("Repeat the password").fill("hooli-founder-password")
    page.get_by_role("button", name="Create company").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    run_jobs()
    page.goto(base + path_of(link_in(mailbox.last(ADMIN_EMAIL))))
    page.get_by_role("button", name="Confirm and activate").click()
    expect(page.get_by_test_id("plan-badge")).to_have_text("Free")

    # Add a guest.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Members").click()
    page.get_by_role("link", name="Add a member").click()
    page.get_by_label("Email").fill(GUEST_EMAIL)
    page.get_by_label("Role").select_option("guest")
    page.get_by_label("Initial password").fill(PASSWORD)
    page.get_by_role("button", name="Add member").click()
    expect(flash(page)).to_contain_text(f"{GUEST_EMAIL} was added as guest, pending: we sent the address a link")
    expect(page.get_by_role("row", name=re.compile(GUEST_EMAIL))).to_contain_text("added with a password")
    run_jobs()  # the mail asking the guest to confirm the address (before any video job is queued)
    screenshot("members")

    # Upload a video: the progress bar follows the bytes.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Videos").click()
    page.get_by_role("link", name="Upload a video").click()
    page.get_by_label("Title").fill("All-hands recording")
    page.get_by_label("Video file (MP4 or WebM)").set_input_files(str(big_mp4))
    cdp = throttle_uploads(page, 2 * 1024 * 1024)
    page.get_by_role("button", name="Upload video").click()
    progress = page.locator("progress#upload-progress")
    expect(progress).to_be_visible()
    page.wait_for_function("() => document.querySelector('#upload-progress').value > 0")
    screenshot("upload-progress")
    page.wait_for_url(f"{base}/videos/")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    expect(flash(page)).to_have_text("“All-hands recording” was uploaded.")
    expect(page.get_by_role("row", name=re.compile("All-hands recording"))).to_contain_text("6.0 MB")

    # Add a video from a URL on the origin server.
    url = origin.add_file("safety.mp4", DEMO_MP4.read_bytes())
    page.get_by_role("link", name="Add from a URL").click()
    page.get_by_label("Title").fill("Safety briefing")
    page.get_by_label("Video URL").fill(url)
    page.get_by_role("button", name="Add video").click()
    expect(flash(page)).to_have_text("“Safety briefing” was added.")
    screenshot("videos")

    # Delete it (after confirming): it moves to the trash.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("row", name=re.compile("Safety briefing")).get_by_role("button", name="Delete").click()
    expect(flash(page).locator("p")).to_have_text("“Safety briefing” was moved to the trash.")

    # On the free plan, the trash explains why restore is unavailable.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Trash").click()
    row = page.get_by_role("row", name=re.compile("Safety briefing"))
    expect(row).to_contain_text(ADMIN_EMAIL)
    expect(row.get_by_role("button", name="Restore")).to_be_disabled()
    expect(page.get_by_test_id("restore-unavailable")).to_contain_text("Restoring videos needs a paid plan.")
    screenshot("trash-free-plan")

    # Upgrade on the plan page.
    page.get_by_role("link", name="Upgrade on the plan page").click()
    until_day = days_from_today(30)
    until = shown_day(until_day)
    page.get_by_label("Paid until").fill(until_day.isoformat())
    page.get_by_role("button", name="Upgrade to paid").click()
    expect(page.get_by_test_id("plan-badge")).to_have_text(f"Paid until {until}")
    expect(page.get_by_role("row", name=re.compile(ADMIN_EMAIL))).to_contain_text(f"Paid until {until}")
    screenshot("plan")

    # Now the video can be restored.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Trash").click()
    page.get_by_role("row", name=re.compile("Safety briefing")).get_by_role("button", name="Restore").click()
    expect(flash(page)).to_have_text("“Safety briefing” was restored to the library.")
    expect(page.get_by_text("The trash is empty.")).to_be_visible()
    screenshot("trash")

    # The admin's own account page.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My account").click()
    expect(page.get_by_role("heading", name="Change password")).to_be_visible()
    screenshot("account")

    # The guest confirms the address from the mail, logs in with the admin's password and sees both
    # videos in the library, and no admin pages.
    page.get_by_role("button", name="Log out", exact=True).click()
    page.goto(base + path_of(link_in(mailbox.last(GUEST_EMAIL))))
    page.get_by_role("button", name="Confirm my address").click()
    expect(flash(page)).to_contain_text("Log in with the password your admin gave you")
    browser_login(GUEST_EMAIL)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link")).to_have_text(["Library", "My account"])
    nav.get_by_role("link", name="Library").click()
    expect(page.get_by_role("link", name=re.compile("All-hands recording"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Safety briefing"))).to_have_attribute(
        "href", re.compile(r"^/watch/\d+$"))
    screenshot("library")
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_test_id("menu").get_by_text("Menu").click()  # on a phone the navigation sits behind Menu
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My account").click()
    screenshot("account-phone")


def test_upload_errors_are_shown_in_the_page(page, live_server, browser_login, admin, app, tmp_path, screenshot):
    """With JavaScript the form stays on the page and shows why a file was refused."""
    fake = tmp_path / "notes.mp4"
    fake.write_bytes(b"These are meeting notes, not a video.\n" * 100)
    browser_login(admin.email)
    page.goto(f"{live_server.url}/videos/upload")
    page.get_by_label("Title").fill("Meeting notes")
    page.get_by_label("Video file (MP4 or WebM)").set_input_files(str(fake))
    page.get_by_role("button", name="Upload video").click()
    error = page.locator("#file-errors")
    expect(error).to_have_text("That file is not an MP4 or WebM video.")
    expect(error).to_be_focused()
    assert page.url == f"{live_server.url}/videos/upload"
    assert stored_files(app) == []
    screenshot("upload-refused")

    # A file over the limit is stopped before a byte is sent.
    app.config["MAX_UPLOAD_MB"] = 1
    page.goto(f"{live_server.url}/videos/upload")
    big = tmp_path / "big.mp4"
    big.write_bytes(DEMO_MP4.read_bytes() + b"\0" * 1024 * 1024)
    page.get_by_label("Title").fill("Too big")
    page.get_by_label("Video file (MP4 or WebM)").set_input_files(str(big))
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    page.get_by_role("button", name="Upload video").click()
    expect(page.get_by_role("alert")).to_have_text("The file is too large: the limit is 1 MB.")
    expect(page.get_by_role("alert")).to_be_focused()
    assert posts == []
