"""The whole first day by keyboard alone, with a visible focus ring at every stop: sign up, add a
member, upload (the button visibly disabled, speed and time left shown, each quarter announced,
leaving the page asks first), watch, delete, Undo, and on a paid plan delete again and Restore."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.test_admin_journey import throttle_uploads
from tests.factories import days_from_today
from tests.support.mailbox import link_in, path_of
from tests.support.pages import DEMO_MP4
from webapp.core.extensions import db
from webapp.models import Corporation

pytestmark = [pytest.mark.browser, pytest.mark.app_config("mail_settings")]

PASSWORD = "hooli-founder-password"
FOCUSED = r"""() => { const e = document.activeElement; const s = getComputedStyle(e);
  return {tag: e.tagName,
          text: (e.innerText || e.value || e.getAttribute('aria-label') || e.name || '')
            .replace(/[\u2066-\u2069]/g, '').replace(/\s+/g, ' ').trim(),
          ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2}; }"""


class Keyboard:
    """Moves focus with Tab only and checks that every element it stops on shows a focus ring."""

    def __init__(self, page):
        self.page = page
        self.stops = 0
        self.without_ring = []

    def focused(self):
        state = self.page.evaluate(FOCUSED)
        self.stops += 1
        if not state["ring"] and state["tag"] != "BODY":  # BODY: Tab went past the page's last stop
            self.without_ring.append(f'{state["tag"]}: {state["text"][:40]} ({self.page.url})')
        return f'{state["tag"]}: {state["text"]}'

    def tab_to(self, pattern, limit=40):
        """Press Tab until the focused element's text matches `pattern`."""
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            current = self.focused()  # "TAG: text"; patterns may name the text alone or both
            if re.search(pattern, current.split(": ", 1)[1]) or re.search(pattern, current):
                return
        raise AssertionError(f"Tab never reached {pattern!r}")

    def go(self, key="Enter"):
        """Press a key that follows a link or sends a form, and wait for the next page."""
        with self.page.expect_navigation():
            self.page.keyboard.press(key)

    def type(self, text):
        self.focused()
        self.page.keyboard.type(text)


def test_first_day_by_keyboard_alone(page, live_server, app, mailbox, run_jobs):
    base = live_server.url
    keys = Keyboard(page)
    page.on("dialog", lambda dialog: dialog.accept())
    # Listening from the start: Playwright then intercepts the file chooser before any key opens it.
    page.on("filechooser", lambda chooser: chooser.set_files(str(DEMO_MP4)))

    # Sign up: the company name field has the focus.
    page.goto(f"{base}/signup")
    keys.type("Hooli")
    for text in ("founder@hooli.example.com", PASSWORD, PASSWORD):
        page.keyboard.press("Tab")
        keys.type(text)
    keys.go()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    run_jobs()  # the confirmation mail, through the test SMTP server
    page.goto(base + path_of(link_in(mailbox.last("founder@hooli.example.com"))))
    keys.tab_to("^Confirm and activate$")
    keys.go()
    expect(page.get_by_test_id("first-run")).to_be_visible()
    expect(page.get_by_text("Welcome back")).to_have_count(0)

    # Invite a member from the checklist: the link leads to the invitation form.
    keys.tab_to("^Invite a member$")
    keys.go()
    keys.tab_to("^INPUT: email$")  # the invitation's Email field
    keys.type("intern@hooli.example.com")
    page.keyboard.press("Tab")  # role: guest
    keys.focused()
    keys.tab_to("^Send invitation$")
    keys.go()
    expect(page.locator(".flash").first).to_have_text(
        "An invitation to join as guest was sent to intern@hooli.example.com.")

    # Upload: choose the file from the keyboard, then watch the progress.
    keys.tab_to("^Videos$")
    keys.go()
    keys.tab_to("^Upload a video$")
    keys.go()
    keys.type("All-hands recording")
    page.keyboard.press("Tab")
    assert keys.focused() == "INPUT: file"
    page.keyboard.press("Enter")  # opens the file chooser (answered by the listener set up above)
    page.wait_for_function("() => document.querySelector('input[type=file]').files.length === 1")
    keys.tab_to("^Upload video$")
    # What the live region says is recorded in sessionStorage: it outlives the page the upload leaves.
    page.evaluate("""() => { const box = document.querySelector('.upload-announce'); const said = [];
        new MutationObserver(() => { said.push(box.textContent);
            sessionStorage.setItem('announced', JSON.stringify(said)); }).observe(box, {childList: true}); }""")
    cdp = throttle_uploads(page, DEMO_MP4.stat().st_size // 4)  # about four seconds
    page.keyboard.press("Enter")
    button = page.get_by_role("button", name="Uploading…")
    expect(button).to_be_disabled()
    assert button.evaluate("b => getComputedStyle(b).borderStyle") == "dashed"
    expect(page.get_by_test_id("upload-stats")).to_have_text(
        re.compile(r"^\d+% sent · \d+\.\d MB/s · about \d+:\d\d left$"), timeout=10000)
    left_mid_upload = page.evaluate("""() => { const e = new Event('beforeunload', {cancelable: true});
        window.dispatchEvent(e); return e.defaultPrevented; }""")
    page.wait_for_url(f"{base}/videos/", timeout=30000)
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                   "uploadThroughput": -1})
    assert left_mid_upload, "leaving the page during an upload must ask first"
    expect(page.locator(".flash").first).to_have_text("“All-hands recording” was uploaded.")
    announced = page.evaluate("() => JSON.parse(sessionStorage.getItem('announced') || '[]')")
    assert announced and announced == sorted(set(announced), key=announced.index)  # each said once
    assert set(announced) <= {"25% uploaded", "50% uploaded", "75% uploaded", "100% uploaded"}, announced

    # Watch it: Space on the focused player plays it and earns the points.
    keys.tab_to("^All-hands recording$")
    keys.go()
    keys.tab_to("^VIDEO: All-hands recording$")  # the player, named by its title
    page.keyboard.press("Space")
    expect(page.get_by_test_id("points-note")).to_have_text(re.compile(r"^\+10 points"), timeout=15000)

    # Delete, then Undo from the flash.
    keys.tab_to("^Videos$")
    keys.go()
    keys.tab_to("^Delete All-hands recording$")
    keys.go()
    expect(page.get_by_test_id("flash-undo")).to_contain_text("“All-hands recording” was moved to the trash.")
    keys.tab_to("^Undo All-hands recording$")
    keys.go()
    expect(page.locator(".flash").first).to_have_text("“All-hands recording” is back in the library.")

    # On a paid plan a deleted video is restored from the Trash.
    company = db.session.scalar(select(Corporation).where(Corporation.name == "Hooli"))
    company.plan, company.plan_expires_at = "paid", days_from_today(30)
    db.session.commit()
    page.reload()
    keys.tab_to("^Delete All-hands recording$")
    keys.go()
    keys.tab_to("^Trash$")
    keys.go()
    keys.tab_to("^Restore All-hands recording$")
    keys.go()
    expect(page.locator(".flash").first).to_have_text("“All-hands recording” was restored to the library.")

    assert keys.stops > 30
    assert keys.without_ring == []
