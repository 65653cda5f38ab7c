"""Demoting oneself and removing a member ask first, with JavaScript (confirm.js) and without it
(a confirmation page that sends the same form again)."""
from tests.factories import make_admin
from tests.support.pages import post_page
from webapp.core.extensions import db


def test_demoting_myself_asks_first_and_keeps_the_chosen_role(admin_client, admin, corporation):
    make_admin(corporation, email="second@initech.example.com")
    page = admin_client.get("/members/").get_data(as_text=True)
    assert 'data-confirm="Make yourself a guest?' in page
    response = post_page(admin_client, f"/members/{admin.id}/role", {f"m{admin.id}-role": "guest"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Make yourself a guest?" in page
    assert f'<input type="hidden" name="m{admin.id}-role" value="guest">' in page
    db.session.refresh(admin)
    assert admin.role == "admin"
    response = post_page(admin_client, f"/members/{admin.id}/role", {f"m{admin.id}-role": "guest", "confirmed": "1"})
    assert response.status_code == 302 and response.location == "/library/"
    db.session.refresh(admin)
    assert admin.role == "guest"


def test_changing_someone_elses_role_needs_no_confirmation(admin_client, guest):
    response = post_page(admin_client, f"/members/{guest.id}/role", {f"m{guest.id}-role": "admin"})
    assert response.status_code == 302
    db.session.refresh(guest)
    assert guest.role == "admin"


def test_removing_a_member_asks_first(admin_client, guest):
    response = post_page(admin_client, f"/members/{guest.id}/remove")
    assert response.status_code == 200
    assert f"Remove {guest.email}? They will no longer be able to log in." in response.get_data(as_text=True)
    db.session.refresh(guest)
    assert guest.deleted_at is None
