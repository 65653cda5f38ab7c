"""Pages for every member: the library, and My account (points, watch history, password)."""
from tests.factories import PASSWORD, make_video
from tests.support.helpers import log_in
from tests.support.pages import post_page
from webapp.accounts.services import authenticate
from webapp.core.clock import utcnow
from webapp.core.extensions import db
from webapp.models import VideoView


def test_the_library_shows_live_videos_of_my_corporation_linking_to_the_player(
        guest_client, admin, corporation, other_admin):
    live = make_video(corporation, title="Welcome aboard")
    trashed = make_video(corporation, title="Retired talk", deleted_at=utcnow(), deleted_by_id=admin.id)
    make_video(other_admin.corporation, title="Umbrella secrets")
    page = guest_client.get("/library/").get_data(as_text=True)
    assert f'href="/watch/{live.id}"' in page and "Welcome aboard" in page
    assert "Retired talk" not in page and f"/watch/{trashed.id}" not in page
    assert "Umbrella secrets" not in page


def test_the_library_is_searched_by_title_and_paged(app, guest_client, corporation):
    app.config["PER_PAGE"] = 1
    make_video(corporation, title="Fire drill")
    make_video(corporation, title="Fire safety")
    make_video(corporation, title="Payroll")
    first = guest_client.get("/library/?q=FIRE").get_data(as_text=True)
    second = guest_client.get("/library/?q=fire&page=2").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert {"Fire drill", "Fire safety"} == {t for t in ("Fire drill", "Fire safety") if t in first + second}
    assert "Payroll" not in first + second


def test_my_account_shows_points_and_watch_history(app, guest_client, guest, corporation):
    app.config["PER_PAGE"] = 2
    guest.points = 30
    for title in ("First", "Second", "Third"):
        video = make_video(corporation, title=title)
        db.session.add(VideoView(user_id=guest.id, video_id=video.id, points_awarded=10))
    db.session.commit()
    page = guest_client.get("/account/").get_data(as_text=True)
    assert '<strong data-testid="account-points">30</strong>' in page
    assert "Page 1 of 2" in page and ">10</td>" in page
    both = page + guest_client.get("/account/?page=2").get_data(as_text=True)
    assert all(title in both for title in ("First", "Second", "Third"))


def test_changing_my_password_keeps_this_browser_and_ends_the_others(app, guest_client, guest):
    other_browser = log_in(app.test_client(), guest)
    response = post_page(guest_client, "/account/password", {
        "current_password": PASSWORD, "new_password": "a-new-long-password", "confirm": "a-new-long-password"})
    assert response.status_code == 302
    page = guest_client.get("/account/")
    assert page.status_code == 200 and "Your password was changed." in page.get_data(as_text=True)
    assert other_browser.get("/account/").status_code == 302
    assert authenticate(guest.email, "a-new-long-password") is not None


def test_a_wrong_current_password_changes_nothing(guest_client, guest):
    response = post_page(guest_client, "/account/password", {
        "current_password": "not-my-password", "new_password": "a-new-long-password",
        "confirm": "a-new-long-password"})
    assert response.status_code == 403
    assert "The current password is not correct." in response.get_data(as_text=True)
    assert authenticate(guest.email, PASSWORD) is not None
    assert guest_client.get("/account/").status_code == 200
