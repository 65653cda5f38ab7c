"""Members pages: an admin lists, searches, adds, re-roles, resets and removes members."""

from tests.factories import PASSWORD, make_admin, make_user
from tests.support.helpers import log_in
from tests.support.pages import post_page
from webapp.accounts.services import authenticate
from webapp.core.extensions import db
from webapp.models import User


def member_count():
    return db.session.query(User).filter(User.deleted_at.is_(None)).count()


def test_an_email_of_a_member_of_ones_own_company_is_refused_in_any_letter_case(admin_client, admin):
    before = member_count()
    response = post_page(admin_client, "/members/new", {"email": "BOSS@initech.example.com", "role": "guest",
                                                        "password": PASSWORD})
    assert response.status_code == 409
    assert "boss@initech.example.com is already a member of your company." in response.get_data(as_text=True)
    assert member_count() == before


def test_a_short_initial_password_is_refused(admin_client, admin):
    response = post_page(admin_client, "/members/new",
                         {"email": "x@initech.example.com", "role": "guest", "password": "short"})
    assert response.status_code == 400
    assert "Use at least 10 characters." in response.get_data(as_text=True)
    assert member_count() == 1


def test_the_last_admin_cannot_be_demoted(admin_client, admin):
    response = post_page(admin_client, f"/members/{admin.id}/role", {f"m{admin.id}-role": "guest", "confirmed": "1"})
    assert response.status_code == 302
    assert "A company must keep at least one admin." in admin_client.get("/members/").get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.role == "admin"


def test_the_last_admin_cannot_be_removed(admin_client, admin, guest):
    response = post_page(admin_client, f"/members/{admin.id}/remove", {"confirmed": "1"})
    assert response.status_code == 302
    assert "A company must keep at least one admin." in admin_client.get("/members/").get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.deleted_at is None


def test_with_two_admins_one_can_be_demoted_and_then_the_other_cannot(admin_client, admin, corporation):
    second = make_admin(corporation, email="second@initech.example.com")
    post_page(admin_client, f"/members/{second.id}/role", {f"m{second.id}-role": "guest"})
    db.session.refresh(second)
    assert second.role == "guest"
    post_page(admin_client, f"/members/{admin.id}/role", {f"m{admin.id}-role": "guest", "confirmed": "1"})
    db.session.refresh(admin)
    assert admin.role == "admin"


def test_a_removed_member_can_no_longer_log_in(admin_client, guest):
    assert post_page(admin_client, f"/members/{guest.id}/remove", {"confirmed": "1"}).status_code == 302
    assert authenticate(guest.email, PASSWORD) is None
    page = admin_client.get("/members/").get_data(as_text=True)
    assert f"{guest.email} was removed." in page
    assert f"<th scope=\"row\">{guest.email}" not in page


def test_reset_password_sets_the_new_one_and_ends_their_sessions(app, admin_client, guest):
    guest_browser = log_in(app.test_client(), guest)
    assert guest_browser.get("/library/").status_code == 200
    response = post_page(admin_client, f"/members/{guest.id}/password",
                         {"password": "brand-new-password", "confirm": "brand-new-password"})
    assert response.status_code == 302
    assert authenticate(guest.email, "brand-new-password") is not None
    assert authenticate(guest.email, PASSWORD) is None
    assert guest_browser.get("/library/").status_code == 302


def test_members_are_searched_by_email_and_paged(app, admin_client, corporation):
    app.config["PER_PAGE"] = 2
    for name in ("alice", "albert", "alfred", "bob"):
        make_user(corporation, email=f"{name}@initech.example.com")
    first = admin_client.get("/members/?q=AL").get_data(as_text=True)
    assert "Page 1 of 2" in first and "bob@" not in first
    second = admin_client.get("/members/?q=al&page=2").get_data(as_text=True)
    shown = [n for n in ("alice", "albert", "alfred") if f"{n}@initech" in first + second]
    assert sorted(shown) == ["albert", "alfred", "alice"]
    assert "No member's email contains “zed”." in admin_client.get("/members/?q=zed").get_data(as_text=True)
