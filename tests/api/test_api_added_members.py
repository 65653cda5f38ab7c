"""Adding a member with a password (page and POST /api/v1/users): nobody gets an account on an address
its owner has not confirmed, and the answer never tells whether an address has an account elsewhere.

Mail goes through a real SMTP server; the queued jobs run with rq's SimpleWorker against real Redis.
"""
import re
import statistics
import time

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.support.helpers import post_form, post_login_form
from tests.support.mailbox import link_in, path_of, text_of
from webapp.accounts import links
from webapp.core.clock import utcnow
from webapp.core.extensions import db
from webapp.models import User
from webapp.models_email import Invitation

pytestmark = pytest.mark.app_config("mail_settings")
CHOSEN = "admin-chosen-password-7"
NEWCOMER = "integration@initech.example.com"
USERS = "/api/v1/users"
CONFIRM = "/api/v1/invitations/confirm"


def add_on_page(admin_client, email=NEWCOMER, role="guest"):
    return post_form(admin_client, "/members/new", {"email": email, "role": role, "password": CHOSEN},
                     page="/members/new")


def add_by_api(client, headers, email=NEWCOMER, role="guest"):
    return client.post(USERS, headers=headers, json={"email": email, "password": CHOSEN, "role": role})


def users_named(email):
    return db.session.scalar(select(func.count(User.id)).where(User.email == email, User.deleted_at.is_(None)))


def flash_of(admin_client):
    return re.search(r'class="flash flash-success">([^<]*)<', admin_client.get("/members/").get_data(as_text=True))[1]


def test_the_member_exists_once_the_address_is_confirmed_and_logs_in_with_the_chosen_password(
        app, admin_client, client, mailbox, run_jobs):
    response = add_on_page(admin_client, role="admin")
    assert response.status_code == 302 and response.location == "/members/"
    page = admin_client.get("/members/").get_data(as_text=True)
    assert f"{NEWCOMER} was added as admin, pending: we sent the address a link to confirm it." in page
    pending = page.split("Pending invitations")[1].split("Current members")[0]
    assert NEWCOMER in pending and "(added with a password)" in pending
    assert users_named(NEWCOMER) == 0
    assert post_login_form(client, NEWCOMER, CHOSEN).status_code == 401

    run_jobs()
    message = mailbox.last(NEWCOMER)
    assert message["Subject"] == "You have been added to Initech on Reelhouse"
    assert "Confirm your address to activate the account" in text_of(message)
    assert "change it in My account" in text_of(message) and CHOSEN not in text_of(message)
    link = path_of(link_in(message))
    shown = client.get(link).get_data(as_text=True)  # GET changes nothing (mail scanners open links)
    assert "Confirm your address for Initech" in shown and 'type="password"' not in shown
    assert users_named(NEWCOMER) == 0

    confirmed = post_form(client, link, page=link)
    assert confirmed.status_code == 302 and confirmed.location.startswith("/login?email=")
    login_page = client.get(confirmed.location).get_data(as_text=True)
    assert "Log in with the password your admin gave you, then change it in My account." in login_page
    assert f'value="{NEWCOMER}"' in login_page
    user = db.session.scalar(select(User).where(User.email == NEWCOMER))
    assert (user.role, user.corporation.name) == ("admin", "Initech")
    assert post_login_form(client, NEWCOMER, CHOSEN).status_code == 302
    assert db.session.scalar(select(Invitation.password_hash)) is None  # the member keeps the only copy

    again = app.test_client().get(link)
    assert again.status_code == 400 and "not valid" in again.get_data(as_text=True)
    assert NEWCOMER not in admin_client.get("/members/").get_data(as_text=True).split("Current members")[0]


def test_the_page_answers_the_same_for_a_free_and_a_taken_address_and_tells_the_owner(
        app, admin_client, other_admin, mailbox, run_jobs):
    free = add_on_page(admin_client)
    free_flash = flash_of(admin_client)
    taken = add_on_page(admin_client, email=other_admin.email.upper())
    taken_flash = flash_of(admin_client)
    assert (free.status_code, free.location) == (taken.status_code, taken.location) == (302, "/members/")
    assert free_flash.replace(NEWCOMER, "EMAIL") == taken_flash.replace(other_admin.email, "EMAIL")
    pending = admin_client.get("/members/").get_data(as_text=True).split("Current members")[0]
    assert NEWCOMER in pending and other_admin.email in pending
    assert users_named(other_admin.email) == 1 and users_named(NEWCOMER) == 0

    run_jobs()
    warning = mailbox.last(other_admin.email)
    assert warning["Subject"] == "Someone tried to use your address on Reelhouse"
    assert "Initech" in text_of(warning) and "token=" not in text_of(warning)
    assert "token=" in text_of(mailbox.last(NEWCOMER))


def test_the_api_answers_the_same_202_for_a_free_and_a_taken_address(client, admin, other_admin, bearer, mailbox,
                                                                     run_jobs):
    headers = bearer(admin)
    free = add_by_api(client, headers)
    taken = add_by_api(client, headers, email=other_admin.email)
    assert free.status_code == taken.status_code == 202

    def same_shape(response, email):
        body = response.get_json()
        for key in ("id", "sent_at", "expires_at", "created_at"):
            body["invitation"].pop(key)
        return str(body).replace(email, "EMAIL")

    assert same_shape(free, NEWCOMER) == same_shape(taken, other_admin.email)
    listed = client.get("/api/v1/invitations", headers=headers).get_json()["items"]
    assert {item["email"]: item["password_preset"] for item in listed} == {NEWCOMER: True, other_admin.email: True}
    run_jobs()
    assert mailbox.last(other_admin.email)["Subject"] == "Someone tried to use your address on Reelhouse"
    assert users_named(other_admin.email) == 1


def test_free_and_taken_addresses_take_the_same_time(client, admin, other_admin, bearer):
    """Same timing class: both paths hash the password, look the address up once and queue one mail."""
    headers = bearer(admin)
    durations = {"free": [], "taken": []}
    for n in range(5):  # interleaved, so a busy moment of the machine hits both
        for kind, email in (("free", f"new{n}@timing.example.com"), ("taken", other_admin.email)):
            start = time.perf_counter()
            assert add_by_api(client, headers, email=email).status_code == 202
            durations[kind].append(time.perf_counter() - start)
    free, taken = statistics.median(durations["free"]), statistics.median(durations["taken"])
    assert max(free, taken) < 2.5 * min(free, taken), (free, taken)


def test_confirming_through_the_api_creates_the_member_once(client, admin, bearer, mailbox, run_jobs):
    add_by_api(client, bearer(admin), role="admin")
    run_jobs()
    token = link_in(mailbox.last(NEWCOMER)).split("token=")[1]
    with_password = client.post("/api/v1/invitations/accept", json={"token": token, "password": "my-own-choice-99"})
    assert with_password.status_code == 400 and "password" in with_password.get_json()["error"]["fields"]
    confirmed = client.post(CONFIRM, json={"token": token})
    assert confirmed.status_code == 201
    assert (confirmed.get_json()["email"], confirmed.get_json()["role"]) == (NEWCOMER, "admin")
    assert client.post("/api/v1/auth/login", json={"email": NEWCOMER, "password": CHOSEN}).status_code == 200
    again = client.post(CONFIRM, json={"token": token})
    assert again.status_code == 400 and again.get_json()["error"]["code"] == "invalid_token"


def test_expired_tampered_foreign_and_replaced_links_are_refused(client, admin, other_admin, bearer, mailbox,
                                                                 run_jobs):
    headers = bearer(admin)
    add_by_api(client, headers)
    run_jobs()
    first = link_in(mailbox.last(NEWCOMER)).split("token=")[1]
    invitation = db.session.scalar(select(Invitation))

    tampered = client.post(CONFIRM, json={"token": first[:-2] + ("xx" if not first.endswith("xx") else "yy")})
    assert tampered.get_json()["error"]["code"] == "invalid_token"
    claims = links._serializer("invitation").loads(first)
    foreign = links.make_token("invitation", invitation.id, claims["n"], c=other_admin.corporation_id)
    assert client.post(CONFIRM, json={"token": foreign}).get_json()["error"]["code"] == "invalid_token"

    # Resent: a new link, the older one stops working; revoked: no link works.
    resent = client.post(f"/api/v1/invitations/{invitation.id}/resend", headers=headers)
    assert resent.status_code == 200 and resent.get_json()["password_preset"] is True
    run_jobs()
    second = link_in(mailbox.last(NEWCOMER)).split("token=")[1]
    assert mailbox.last(NEWCOMER)["Subject"] == "You have been added to Initech on Reelhouse"
    assert client.post(CONFIRM, json={"token": first}).status_code == 400

    invitation.expires_at = utcnow()
    db.session.commit()
    expired = client.post(CONFIRM, json={"token": second})
    assert expired.status_code == 400 and expired.get_json()["error"]["code"] == "token_expired"
    assert client.delete(f"/api/v1/invitations/{invitation.id}", headers=headers).status_code == 204
    assert client.post(CONFIRM, json={"token": second}).status_code == 400
    assert users_named(NEWCOMER) == 0
    # Another company cannot see, resend or revoke it.
    other = bearer(other_admin)
    assert client.post(f"/api/v1/invitations/{invitation.id}/resend", headers=other).status_code == 404


def test_an_address_taken_meanwhile_is_refused_with_a_clear_message(app, client, admin, other_admin, admin_client,
                                                                    bearer, mailbox, run_jobs):
    add_on_page(admin_client)
    run_jobs()
    link = path_of(link_in(mailbox.last(NEWCOMER)))
    factories.make_user(other_admin.corporation, email=NEWCOMER)  # joined another company since
    refused = post_form(client, link, page=link)
    assert refused.status_code == 409
    assert "This address already has an account: log in, or reset its password." in refused.get_data(as_text=True)
    token = link.split("token=")[1]
    api = client.post(CONFIRM, json={"token": token})
    assert api.status_code == 409 and api.get_json()["error"]["code"] == "email_in_use"
    assert db.session.scalar(select(User.corporation_id).where(User.email == NEWCOMER)) == other_admin.corporation_id


def test_the_mail_is_in_the_companys_language(client, admin, bearer, mailbox, run_jobs):
    admin.corporation.locale = "ko"
    db.session.commit()
    add_by_api(client, bearer(admin))
    run_jobs()
    message = mailbox.last(NEWCOMER)
    assert message["Subject"].strip() == "Reelhouse의 Initech에 추가되었습니다"
    assert "주소를 확인하세요" in text_of(message) and "내 계정에서 비밀번호를 바꾸세요" in text_of(message)
