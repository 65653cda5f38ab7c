"""Users: list and search, add, read, change role or password, remove, views."""
import pytest
from sqlalchemy import select

from tests import factories
from tests.api.conftest import assert_error
from webapp.core.extensions import db
from webapp.models import User, VideoView


def test_list_members_paginated_and_searched_by_email(client, admin, guest, bearer):
    for number in range(3):
        factories.make_user(admin.corporation, email=f"viewer{number}@initech.example.com")
    body = client.get("/api/v1/users?per_page=2&page=2", headers=bearer(admin)).get_json()
    assert (body["page"], body["per_page"], body["total"]) == (2, 2, 5)
    assert len(body["items"]) == 2
    found = client.get("/api/v1/users?email=VIEWER1", headers=bearer(admin)).get_json()
    assert [u["email"] for u in found["items"]] == ["viewer1@initech.example.com"]


def test_add_member_answers_with_the_pending_invitation(client, admin, bearer):
    response = client.post("/api/v1/users", headers=bearer(admin),
                           json={"email": "New@Initech.example.com", "password": "long-enough-pw", "role": "admin"})
    assert response.status_code == 202
    body = response.get_json()
    assert "pending" in body["message"]
    assert (body["invitation"]["email"], body["invitation"]["role"], body["invitation"]["password_preset"]) == \
        ("new@initech.example.com", "admin", True)
    assert db.session.scalar(select(User).where(User.email == "new@initech.example.com")) is None


def test_add_member_of_ones_own_company_is_409(client, admin, guest, bearer):
    response = client.post("/api/v1/users", headers=bearer(admin),
                           json={"email": "GUEST@initech.example.com", "password": "long-enough-pw", "role": "guest"})
    assert_error(response, 409, "conflict")


@pytest.mark.parametrize("body,field", [
    ({"email": "nope", "password": "long-enough-pw"}, "email"),
    ({"email": "a@initech.example.com", "password": "short"}, "password"),
    ({"email": "a@initech.example.com", "password": "long-enough-pw", "role": "owner"}, "role"),
    ({"password": "long-enough-pw"}, "email"),
])
def test_add_member_validation(client, admin, bearer, body, field):
    error = assert_error(client.post("/api/v1/users", headers=bearer(admin), json=body), 400)
    assert field in error["fields"]


def test_admin_changes_a_role(client, admin, guest, bearer):
    response = client.patch(f"/api/v1/users/{guest.id}", headers=bearer(admin), json={"role": "admin"})
    assert response.status_code == 200 and response.get_json()["role"] == "admin"


def test_the_last_admin_cannot_be_demoted_or_removed(client, admin, bearer):
    assert_error(client.patch(f"/api/v1/users/{admin.id}", headers=bearer(admin), json={"role": "guest"}),
                 409, "last_admin")
    assert_error(client.delete(f"/api/v1/users/{admin.id}", headers=bearer(admin)), 409, "last_admin")


def test_a_guest_cannot_change_its_own_role(client, guest, bearer):
    assert_error(client.patch(f"/api/v1/users/{guest.id}", headers=bearer(guest), json={"role": "admin"}), 403)
    db.session.expire_all()
    assert db.session.get(User, guest.id).role == "guest"


def test_own_password_change_needs_the_current_password(client, guest, bearer, api_login):
    response = client.patch(f"/api/v1/users/{guest.id}", headers=bearer(guest),
                            json={"password": "a-new-password-42", "current_password": "wrong-password"})
    assert_error(response, 403, "invalid_current_password")
    assert api_login(guest.email)  # the old password still works


def test_role_and_password_change_is_all_or_nothing(client, admin, bearer):
    other = factories.make_admin(admin.corporation, email="second@initech.example.com")
    response = client.patch(f"/api/v1/users/{other.id}", headers=bearer(admin),
                            json={"role": "guest", "password": "short"})
    assert_error(response, 400, "validation_error")
    db.session.expire_all()
    assert db.session.get(User, other.id).role == "admin"


def test_members_can_remove_themselves(client, guest, bearer):
    assert client.delete(f"/api/v1/users/{guest.id}", headers=bearer(guest)).status_code == 204
    db.session.expire_all()
    assert db.session.get(User, guest.id).deleted_at is not None


def test_views_of_a_user(client, admin, guest, bearer):
    video = factories.make_video(admin.corporation)
    db.session.add(VideoView(user_id=guest.id, video_id=video.id, points_awarded=10))
    db.session.commit()
    body = client.get(f"/api/v1/users/{guest.id}/views", headers=bearer(guest)).get_json()
    assert body["total"] == 1
    view = body["items"][0]
    assert (view["user_id"], view["video_id"], view["points_awarded"]) == (guest.id, video.id, 10)
    assert "created_at" in view


def test_removed_member_is_404(client, admin, guest, bearer):
    client.delete(f"/api/v1/users/{guest.id}", headers=bearer(admin))
    assert_error(client.get(f"/api/v1/users/{guest.id}", headers=bearer(admin)), 404)
    assert db.session.scalar(select(User.deleted_at).where(User.id == guest.id)) is not None
