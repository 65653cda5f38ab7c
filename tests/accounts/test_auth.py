"""Browser sessions: sign-up, login, logout, and who may stay logged in."""
import pytest

from tests.factories import PASSWORD
from tests.support.helpers import csrf_token, post_form, post_login_form
from tests.support.signup import confirm_sign_up_of
from webapp.core.clock import utcnow
from webapp.core.extensions import db
from webapp.models import Corporation, User


def test_sign_up_creates_a_free_corporation_and_its_admin(client):
    response = post_form(client, "/signup", {"name": "Hooli", "email": "Gavin@Hooli.example.com",
                                             "password": "a-good-long-password",
                                             "confirm": "a-good-long-password"}, page="/signup")
    assert response.status_code == 200 and "Check your e-mail" in response.get_data(as_text=True)
    corporation = db.session.query(Corporation).filter_by(name="Hooli").one()
    admin = corporation.members.one()
    assert (corporation.plan, admin.role, admin.email) == ("free", "admin", "gavin@hooli.example.com")
    confirm_sign_up_of("gavin@hooli.example.com")  # the mailed link: tests/accounts/test_verified_signup.py
    assert post_login_form(client, "gavin@hooli.example.com", "a-good-long-password").status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Hooli" in page and "Free" in page


@pytest.mark.parametrize("field, value, message", [
    ("name", "initech", "already registered"),
    ("password", "short", "at least 10 characters"),
])
def test_sign_up_refuses_bad_input_and_writes_nothing(client, admin, field, value, message):
    data = {"name": "Pied Piper", "email": "richard@pp.example.com", "password": "a-good-long-password",
            "confirm": "a-good-long-password"}
    data[field] = value
    if field == "password":
        data["confirm"] = value
    response = post_form(client, "/signup", data, page="/signup")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.query(Corporation).count() == 1


def test_login_then_logout(client, admin):
    response = post_login_form(client, "Boss@Initech.example.com")
    assert response.status_code == 302
    assert admin.email in client.get("/").get_data(as_text=True)
    response = post_form(client, "/logout", page="/")
    assert response.status_code == 302
    assert admin.email not in client.get("/").get_data(as_text=True)


def test_wrong_password_and_unknown_email_get_the_same_message(client, admin):
    wrong = post_login_form(client, admin.email, "not-the-password")
    unknown = post_login_form(client, "nobody@initech.example.com")
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong email or password." in wrong.get_data(as_text=True)
    assert "Wrong email or password." in unknown.get_data(as_text=True)


@pytest.mark.parametrize("target, expected", [
    ("/account", "/account"),
    ("https://evil.test/", "/"),
    ("//evil.test/", "/"),
    ("/\\evil.test", "/"),
])
def test_next_only_redirects_to_our_own_paths(client, admin, target, expected):
    response = post_login_form(client, admin.email, next_url=target)
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_deleted_users_cannot_log_in(client, admin):
    admin.deleted_at = utcnow()
    db.session.commit()
    assert post_login_form(client, admin.email).status_code == 401


def test_members_of_a_deleted_corporation_cannot_log_in(client, admin):
    admin.corporation.deleted_at = utcnow()
    db.session.commit()
    assert post_login_form(client, admin.email).status_code == 401


def test_a_deleted_user_loses_access_on_the_next_request(client, admin):
    post_login_form(client, admin.email)
    assert admin.email in client.get("/").get_data(as_text=True)
    db.session.get(User, admin.id).deleted_at = utcnow()
    db.session.commit()
    assert admin.email not in client.get("/").get_data(as_text=True)


def test_post_without_csrf_token_is_refused(client, admin):
    response = client.post("/login", data={"email": admin.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert admin.email not in client.get("/").get_data(as_text=True)


def test_login_starts_a_fresh_session(client, admin):
    csrf_token(client)
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    post_login_form(client, admin.email)
    with client.session_transaction() as session:
        assert "planted" not in session
