"""What a new user meets: no "Welcome back" after sign-up, a first-run checklist, guests land on
their Library, empty states say what to do next, a page past the end says so, focus after a wrong
password, the Plan page says what paid brings, titles isolated against bidi overrides, fields that
are not announced as invalid, the API docs linked from every page."""
import re

import pytest

from tests.factories import PASSWORD, make_user, make_video
from tests.support.helpers import post_form, post_login_form
from tests.support.mailbox import link_in, path_of
from webapp.core.extensions import db
from webapp.models import VideoView

RLO_TITLE = "Quarterly \u202eresults briefing"


@pytest.mark.app_config("mail_settings")
def test_after_sign_up_the_home_page_welcomes_and_shows_the_first_steps(client, mailbox, run_jobs):
    post_form(client, "/signup", {"name": "Hooli", "email": "founder@hooli.example.com",
                                  "password": "hooli-founder-password",
                                  "confirm": "hooli-founder-password"}, page="/signup")
    run_jobs()  # the confirmation mail; confirming logs the new admin in
    confirm = path_of(link_in(mailbox.last("founder@hooli.example.com")))
    response = post_form(client, confirm, page=confirm)
    home = client.get(response.location).get_data(as_text=True)
    assert "Welcome, founder@hooli.example.com." in home and "Welcome back" not in home
    checklist = re.search(r'data-testid="first-run".*?</section>', home, re.S).group(0)
    assert [re.sub(r"<[^>]+>", "", item).split(":")[0].strip()
            for item in re.findall(r"<li>(.*?)</li>", checklist, re.S)] == \
        ["Add a video", "Invite a member", "Watch a video"]
    assert 'href="/videos/"' in checklist and 'href="/members/#invite-heading"' in checklist
    assert "Welcome back" in client.get("/").get_data(as_text=True)  # a later visit


def test_the_checklist_ticks_off_steps_and_goes_away_when_done(admin_client, corporation, guest):
    video = make_video(corporation)
    home = admin_client.get("/").get_data(as_text=True)
    assert home.count("(done)") == 2  # a video and a member; nobody has watched yet
    db.session.add(VideoView(user_id=guest.id, video_id=video.id, points_awarded=10))
    db.session.commit()
    assert 'data-testid="first-run"' not in admin_client.get("/").get_data(as_text=True)


def test_guests_land_on_their_library(guest_client):
    response = guest_client.get("/")
    assert response.status_code == 302 and response.location == "/library/"


def test_empty_states_say_what_to_do_next(admin_client, guest_client):
    videos = admin_client.get("/videos/").get_data(as_text=True)
    assert "Upload an MP4 or WebM file, or add a video from a URL" in videos
    library = admin_client.get("/library/").get_data(as_text=True)
    assert 'href="/videos/upload">Upload the first video</a>' in library
    assert "Your company’s admins add them" in guest_client.get("/library/").get_data(as_text=True)


def test_a_page_past_the_end_says_it_does_not_exist(admin_client, corporation):
    make_video(corporation)
    for path in ("/videos/", "/library/", "/members/", "/trash/", "/activity", "/analytics/"):
        page = admin_client.get(f"{path}?page=999").get_data(as_text=True)
        assert "Page 999 does not exist: this list has 1 pages." in page, path
        assert "No videos yet" not in page, path


def test_focus_goes_to_the_password_after_a_wrong_one(client, admin):
    page = client.get("/login").get_data(as_text=True)
    assert re.search(r'<input autocomplete="username" autofocus', page)
    page = post_login_form(client, admin.email, "not-the-password").get_data(as_text=True)
    assert re.search(r'<input autocomplete="current-password" autofocus id="password"', page)
    assert not re.search(r'autocomplete="username" autofocus', page)


def test_the_plan_page_says_what_paid_brings(admin_client):
    page = admin_client.get("/plan/").get_data(as_text=True)
    benefits = re.search(r'data-testid="paid-benefits">(.*?)</ul>', page, re.S).group(1)
    assert "Deleted videos can be restored from the trash at any time" in benefits


def test_titles_are_isolated_against_bidi_overrides(admin_client, guest_client, corporation, admin):
    video = make_video(corporation, title=RLO_TITLE)
    assert f"<bdi>{RLO_TITLE}</bdi>" in admin_client.get("/videos/").get_data(as_text=True)
    assert f"<bdi>{RLO_TITLE}</bdi>" in guest_client.get("/library/").get_data(as_text=True)
    watch = guest_client.get(f"/watch/{video.id}").get_data(as_text=True)
    assert f"<h1><bdi>{RLO_TITLE}</bdi></h1>" in watch
    assert f"<title>\u2068{RLO_TITLE}\u2069 · Reelhouse</title>" in watch


def test_fields_are_not_announced_invalid_until_they_are(client, admin_client):
    for page in (client.get("/signup"), client.get("/login"), admin_client.get("/members/new"),
                 admin_client.get("/plan/"), admin_client.get("/account/")):
        html = page.get_data(as_text=True)
        assert '"None"' not in html and "aria-invalid" not in html
    failed = post_form(client, "/signup", {"name": "", "email": "x"}, page="/signup").get_data(as_text=True)
    assert re.search(r'aria-describedby="name-errors" aria-invalid="true"', failed)
    assert re.search(r'aria-describedby="password-hint password-errors" aria-invalid="true"', failed)


def test_activity_names_the_company(admin_client, audit_history, corporation):
    assert "Company “Initech” (#" in admin_client.get("/activity").get_data(as_text=True)


def test_the_api_documentation_is_linked_from_every_page(client, admin_client):
    assert '<a href="/docs">API documentation</a>' in client.get("/login").get_data(as_text=True)
    assert '<a href="/docs">API documentation</a>' in admin_client.get("/videos/").get_data(as_text=True)


def test_the_apps_own_css_and_js_are_cached_for_a_year_under_hashed_urls(client):
    page = client.get("/login").get_data(as_text=True)
    for path in re.findall(r'(?:href|src)="(/static/[^"]+\?v=[0-9a-f]+)"', page):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable", path


def test_a_member_with_a_guest_login_is_not_sent_to_admin_pages(client, corporation):
    member = make_user(corporation, email="viewer@initech.example.com")
    response = post_login_form(client, member.email, PASSWORD)
    assert client.get(response.location).location == "/library/"
