"""Every page state of the app, walked in real Chromium: 0 axe-core violations (WCAG 2.1 A/AA) at
desktop and phone width, light and dark; on a 390 x 844 phone nothing is wider than the screen, no
control is off-screen, every control is at least 44 x 44 px, no text is under 12 px and the Menu
opens. Screenshots of every state at phone width go to test-artifacts/phone/.

Swagger UI's own page (/docs) is held to the same rules except those its bundled markup breaks by
itself (SWAGGER_UI_FAULTS below); our page around it adds nothing that fails.
"""
import io
import json
import re
import shutil
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests import factories
from tests.conftest import ARTIFACTS
from tests.support.a11y import DESKTOP, PHONE, axe_violations, phone_problems
from tests.support.helpers import session_cookie
from webapp.accounts import links
from webapp.core.extensions import db
from webapp.demo import DEMO_MEDIA
from webapp.media.reasons import Reason
from webapp.models import User, Video, VideoView, hash_password
from webapp.models_email import AccountToken
from webapp.videos import poster_services, processing
from webapp.videos.caption_services import add_caption

pytestmark = pytest.mark.browser

PHONE_SHOTS = ARTIFACTS / "phone"
# Faults inside the bundled Swagger UI 4.15.5 markup itself (not in our template around it).
# Its operation buttons carry an aria-label that leaves out their visible text and hold the
# focusable copy-link inside them; its version badges and URLs are light on white.
SWAGGER_UI_FAULTS = ("label-content-name-mismatch", "nested-interactive", "color-contrast")
RTL_TITLE = "Quarterly \u202eresults\u202c briefing"


@pytest.fixture
def walk_data(corporation, admin, guest, origin):
    """Initech on the free plan with members, videos (one playable, one with a right-to-left override
    in its title), a deleted one, views and activity; and Newco, a company signed up a minute ago."""
    factories.make_user(corporation, email="a-rather-long-address.for-testing@initech.example.com")
    clip = (DEMO_MEDIA / "colour-bars.mp4").read_bytes()
    playable = factories.make_video(corporation, title="Colour bars", source_url=origin.add_file("colour.mp4", clip))
    processing.process_video(playable.id, playable.source_version)  # ready, with its facts and a poster
    add_caption(admin, playable, io.BytesIO(b"WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nColour bars\n"), "en",
                "English", True)
    factories.make_watch(guest, playable, seconds_watched=3.0, position_seconds=3.2)
    finished = factories.make_video(corporation, title="Watched to the end", duration_seconds=60.0, status="ready")
    factories.make_watch(guest, finished, seconds_watched=60.0, position_seconds=60.0, completed=True)
    factories.make_video(corporation, title=RTL_TITLE,
                         source_url="https://videos.example.com/a/very/long/path/to/the/briefing.mp4")
    factories.make_video(corporation, title="Sound only", status="failed",
                         status_reason="sound_only")
    factories.make_video(corporation, title="No seeking", status="ready", supports_range=False,
                         status_reason="no_seeking")
    factories.make_video(corporation, title="Old onboarding", deleted_at=datetime.now(UTC) - timedelta(days=2),
                         deleted_by_id=admin.id)
    db.session.add(VideoView(user_id=guest.id, video_id=playable.id, points_awarded=10))
    db.session.commit()
    factories.make_audit_event(corporation, admin, "video.added", playable, title=playable.title)
    factories.make_audit_event(corporation, None, "plan.expired", corporation, ip=None, expired_on="2026-03-04")
    newco_admin = factories.make_admin(factories.make_corporation(name="Newco"), email="founder@newco.example.com")
    factories.make_invitation(corporation, email="pending@initech.example.com", invited_by=admin)
    invitation = factories.make_invitation(corporation, email="invitee@initech.example.com", invited_by=admin)
    nonce, invitation.nonce_hash = links.new_nonce()
    added = factories.make_invitation(corporation, email="integration@initech.example.com", invited_by=admin)
    added.password_hash = hash_password("admin-chosen-password")  # added with a password: confirm only
    added_nonce, added.nonce_hash = links.new_nonce()
    db.session.commit()
    token = links.make_token("invitation", invitation.id, nonce, c=corporation.id)
    added_token = links.make_token("invitation", added.id, added_nonce, c=corporation.id)
    return {"video": playable, "newco_admin": newco_admin, "invitation_token": token, "added_token": added_token}


def signup_token(app):
    """A working confirmation link for the sign-up the walk just sent (its mail is not read here)."""
    db.session.expire_all()
    admin = db.session.scalar(select(User).where(User.email == "founder@walkco.example.com"))
    row = db.session.scalar(select(AccountToken).where(AccountToken.user_id == admin.id, AccountToken.used_at.is_(None))
                            .order_by(AccountToken.id.desc()))
    nonce, row.nonce_hash = links.new_nonce()
    db.session.commit()
    return links.make_token("confirm", row.id, nonce, u=admin.id, c=admin.corporation_id)


def context_for(browser, live_server, app, user=None):
    """A browser context (CSP bypassed so axe can be injected), logged in as `user` when given."""
    context = browser.new_context(bypass_csp=True, viewport=DESKTOP)
    if user is not None:
        name, value = next(iter(session_cookie(app, user).items()))
        context.add_cookies([{"name": name, "value": value, "url": live_server.url}])
    return context


def submit_without_javascript_confirm(page, form_selector, select=None):
    """Send a confirm-first form as a browser without JavaScript would (the server asks instead)."""
    with page.expect_navigation():
        page.evaluate("""([selector, value]) => { const form = document.querySelector(selector);
            form.removeAttribute('data-confirm'); if (value) { form.querySelector('select').value = value; }
            form.submit(); }""", [form_selector, select])


class Walk:
    """Runs every check on each page state and collects what fails, so one run reports everything."""

    def __init__(self):
        self.failures = {}
        self.states = 0
        shutil.rmtree(PHONE_SHOTS, ignore_errors=True)
        PHONE_SHOTS.mkdir(parents=True)

    def check(self, page, name, exclude_rules=(), open_menu=False):
        self.states += 1
        found = {}
        found["desktop"] = axe_violations(page, exclude_rules=exclude_rules)
        page.emulate_media(color_scheme="dark")
        found["desktop dark"] = axe_violations(page, rules=["color-contrast"], exclude_rules=exclude_rules)
        page.set_viewport_size(PHONE)
        found["phone dark"] = axe_violations(page, rules=["color-contrast"], exclude_rules=exclude_rules)
        page.emulate_media(color_scheme="light")
        found["phone"] = axe_violations(page, exclude_rules=exclude_rules)
        if not exclude_rules:  # Swagger UI's own layout is not ours to fix
            found["phone layout"] = phone_problems(page)
        if open_menu:
            menu = page.get_by_test_id("menu")
            menu.locator("summary").click()
            expect(menu.get_by_role("navigation")).to_be_visible()
            found["phone, menu open"] = phone_problems(page) + [
                v["id"] for v in axe_violations(page, rules=["color-contrast", "target-size"])]
            page.screenshot(path=str(PHONE_SHOTS / f"{name}-menu.png"), full_page=True)
            menu.locator("summary").click()
        page.screenshot(path=str(PHONE_SHOTS / f"{name}.png"), full_page=True)
        page.set_viewport_size(DESKTOP)
        found = {mode: problems for mode, problems in found.items() if problems}
        if found:
            self.failures[name] = found


def test_every_page_state_passes_axe_and_the_phone_rules(browser, live_server, app, admin, guest, walk_data):
    base = live_server.url
    walk = Walk()
    video = walk_data["video"]

    # Logged out. First a planted fault: the checks would notice one.
    anonymous = context_for(browser, live_server, app)
    page = anonymous.new_page()
    page.goto(f"{base}/login")
    page.evaluate("""() => { document.querySelector('label[for=password]').remove();
        document.querySelector('h1').style.color = '#ccc';
        document.querySelector('main').style.minWidth = '600px'; }""")
    assert {v["id"] for v in axe_violations(page)} == {"label", "color-contrast"}
    page.set_viewport_size(PHONE)
    assert any("wide" in problem for problem in phone_problems(page))
    page.set_viewport_size(DESKTOP)
    page.goto(f"{base}/")
    walk.check(page, "home-logged-out")
    page.goto(f"{base}/login")
    walk.check(page, "login")
    page.get_by_role("button", name="Log in").click()
    walk.check(page, "login-failed")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    walk.check(page, "login-wrong-password")
    page.goto(f"{base}/signup")
    walk.check(page, "signup")
    page.get_by_role("button", name="Create company").click()
    walk.check(page, "signup-failed")
    page.get_by_label("Company name").fill("Walkco")
    page.get_by_label("Your email (admin login)").fill("founder@walkco.example.com")
    page.get_by_label("Password", exact=True).fill("walkco-founder-password")
    page.get_by_label("Repeat the password").fill("walkco-founder-password")
    page.get_by_role("button", name="Create company").click()
    walk.check(page, "signup-sent")
    page.get_by_role("link", name="Didn't get the mail?").click()
    walk.check(page, "resend-confirmation")
    page.get_by_label("Email").fill("")
    page.get_by_role("button", name="Send me a new link").click()
    walk.check(page, "resend-confirmation-failed")
    page.get_by_label("Email").fill("founder@walkco.example.com")
    page.get_by_role("button", name="Send me a new link").click()
    walk.check(page, "resend-confirmation-sent")
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill("founder@walkco.example.com")
    page.get_by_label("Password").fill("walkco-founder-password")
    page.get_by_role("button", name="Log in").click()
    walk.check(page, "login-unconfirmed")
    page.goto(f"{base}/signup/confirm?token={signup_token(app)}")
    walk.check(page, "confirm-signup")
    page.goto(f"{base}/no-such-page")
    walk.check(page, "error-404")
    page.goto(f"{base}/password/forgot")
    walk.check(page, "forgot-password")
    page.get_by_role("button", name="Send me a link").click()
    walk.check(page, "forgot-password-failed")
    page.get_by_label("Email").fill(guest.email)
    page.get_by_role("button", name="Send me a link").click()
    walk.check(page, "forgot-password-sent")
    page.goto(f"{base}/password/reset?token=not-a-real-token")
    walk.check(page, "link-refused")
    page.goto(f"{base}/invitations/accept?token={walk_data['invitation_token']}")
    walk.check(page, "accept-invitation")
    page.locator("main form [type=submit]").click()
    walk.check(page, "accept-invitation-failed")
    page.goto(f"{base}/invitations/accept?token={walk_data['added_token']}")
    walk.check(page, "confirm-added-member")
    page.goto(f"{base}/docs")
    page.locator(".swagger-ui .info").wait_for()
    walk.check(page, "api-docs", exclude_rules=SWAGGER_UI_FAULTS)
    anonymous.close()

    # An admin of a company with everything in it (free plan).
    context = context_for(browser, live_server, app, admin)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{base}/")
    walk.check(page, "home-admin", open_menu=True)
    for name, path in [("library", "/library/"), ("library-no-match", "/library/?q=zzzz"),
                       ("library-past-end", "/library/?page=999"), ("videos", "/videos/"),
                       ("videos-past-end", "/videos/?page=999"), ("members", "/members/"),
                       ("trash-free-plan", "/trash/"), ("analytics", "/analytics/"),
                       ("analytics-members", "/analytics/members"), ("activity", "/activity"),
                       ("activity-no-match", "/activity?action=video.purged"), ("plan", "/plan/"),
                       ("account", "/account/"), ("watch", f"/watch/{video.id}"),
                       ("poster", f"/videos/{video.id}/poster")]:
        page.goto(f"{base}{path}")
        walk.check(page, name)
    for name, path, button in [("add-url", "/videos/new", "Add video"), ("upload", "/videos/upload", "Upload video"),
                               ("edit", f"/videos/{video.id}/edit", "Save changes"),
                               ("add-member", "/members/new", "Add member"),
                               ("captions", f"/videos/{video.id}/captions", "Add captions"),
                               ("reset-password", f"/members/{guest.id}/password", "Set the new password")]:
        page.goto(f"{base}{path}")
        walk.check(page, name)
        if name == "edit":
            page.get_by_label("Title").fill("")
        page.get_by_role("button", name=button).click()
        page.locator(".errors").first.wait_for()
        walk.check(page, f"{name}-failed")
    page.goto(f"{base}/videos/{video.id}/poster")
    svg = {"name": "logo.svg", "mimeType": "image/svg+xml", "buffer": b"<svg xmlns='http://www.w3.org/2000/svg'/>"}
    page.get_by_label("Image (JPEG, PNG or WebP)").set_input_files(files=[svg])
    page.get_by_role("button", name="Upload poster").click()
    page.locator(".errors").first.wait_for()
    walk.check(page, "poster-failed")
    page.get_by_label("Time in the video (seconds)").fill("1")
    page.get_by_role("button", name="Use this frame").click()
    page.get_by_test_id("poster-state").get_by_text("Making the poster from 0:01…").wait_for()
    walk.check(page, "poster-pending")  # no worker here: it stays pending
    db.session.expire_all()
    poster_services.fail_request(video.id, db.session.get(Video, video.id).poster_request,
                                 Reason("no_frame_at", seconds=1.0))
    page.reload()
    page.get_by_test_id("poster-state").get_by_text("The poster could not be made from 0:01").wait_for()
    walk.check(page, "poster-frame-failed")
    page.goto(f"{base}/members/")
    page.get_by_role("button", name="Send invitation").click()
    walk.check(page, "invite-failed")
    page.goto(f"{base}/plan/")
    page.get_by_role("textbox", name="Company name").fill("")
    page.get_by_role("button", name="Rename").click()
    walk.check(page, "plan-failed")
    page.goto(f"{base}/account/")
    page.get_by_label("Current password").fill("not-the-password")
    page.get_by_role("button", name="Change password").click()
    walk.check(page, "account-failed")
    page.goto(f"{base}/trash/")
    submit_without_javascript_confirm(page, "form[action$='/purge']")
    walk.check(page, "confirm-delete-forever")
    page.goto(f"{base}/members/")
    submit_without_javascript_confirm(page, f"form[action='/members/{admin.id}/role']", "guest")
    walk.check(page, "confirm-self-demotion")
    page.goto(f"{base}/videos/")
    page.get_by_role("row", name=re.compile("Colour bars")).get_by_role("button", name="Delete").click()
    walk.check(page, "deleted-with-undo")
    page.get_by_test_id("undo").click()
    walk.check(page, "undone")
    context.close()

    # A guest.
    context = context_for(browser, live_server, app, guest)
    page = context.new_page()
    page.goto(f"{base}/")
    expect(page).to_have_url(f"{base}/library/")
    walk.check(page, "guest-library", open_menu=True)
    for name, path in [("guest-watch", f"/watch/{video.id}"), ("guest-account", "/account/"),
                       ("error-403", "/members/")]:
        page.goto(f"{base}{path}")
        walk.check(page, name)
    page.goto(f"{base}/watch/{video.id}")
    expect(page.get_by_test_id("resume-note")).to_be_visible()  # the guest left it at 0:03
    page.locator("body").press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    walk.check(page, "guest-watch-shortcuts")
    context.close()

    # A company signed up a minute ago: the first-run checklist and every empty state.
    context = context_for(browser, live_server, app, walk_data["newco_admin"])
    page = context.new_page()
    for name, path in [("first-run", "/"), ("empty-library", "/library/"), ("empty-videos", "/videos/"),
                       ("empty-trash", "/trash/"), ("empty-analytics", "/analytics/"), ("empty-activity", "/activity"),
                       ("empty-account", "/account/")]:
        page.goto(f"{base}{path}")
        walk.check(page, name)
    context.close()

    assert walk.states >= 50
    assert walk.failures == {}, json.dumps(walk.failures, indent=1, ensure_ascii=False)
