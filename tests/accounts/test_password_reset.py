"""Password reset by mail: "Forgot password?" sends a single-use link; using it ends every session."""
import statistics
import time
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from tests import factories
from tests.support.helpers import api_session, post_form
from tests.support.mailbox import link_in, path_of, text_of
from webapp.accounts import links
from webapp.core.extensions import db
from webapp.models import User
from webapp.models_email import AccountToken

pytestmark = pytest.mark.app_config("mail_settings")
NEW_PASSWORD = "a-brand-new-password-7"


def ask(client, email, ip="192.0.2.10"):
    return post_form(client, "/password/forgot", {"email": email}, page="/password/forgot",
                     environ_base={"REMOTE_ADDR": ip})


def choose(client, link, password=NEW_PASSWORD):
    return post_form(client, path_of(link), {"password": password, "confirm": password}, page=path_of(link))


def test_the_login_page_offers_a_reset(client):
    assert 'href="/password/forgot"' in client.get("/login").get_data(as_text=True)


def test_a_reset_link_sets_the_password_once_and_ends_every_session(app, guest, guest_client, client, mailbox,
                                                                    run_jobs):
    access_token, _family = api_session(guest)
    refresh = client.post("/api/v1/auth/login", json={"email": guest.email, "password": factories.PASSWORD})
    assert ask(client, guest.email).status_code == 200
    run_jobs()
    message = mailbox.last(guest.email)
    assert message["Subject"] == "Choose a new Reelhouse password"
    assert "30 minutes" in text_of(message)
    link = link_in(message)
    assert choose(client, link).status_code == 302

    db.session.expire_all()
    assert db.session.get(User, guest.id).check_password(NEW_PASSWORD)
    assert guest_client.get("/account/").status_code == 302  # the old browser session has ended
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {access_token}"}).status_code == 401
    refreshed = client.post("/api/v1/auth/refresh", json={"refresh_token": refresh.get_json()["refresh_token"]})
    assert refreshed.status_code == 401
    reused = client.get(path_of(link))
    assert reused.status_code == 400 and "not valid" in reused.get_data(as_text=True)


def test_the_api_answers_202_for_every_address_with_the_same_body(app, guest, client, mailbox, run_jobs):
    known = client.post("/api/v1/auth/password-reset", json={"email": guest.email})
    unknown = client.post("/api/v1/auth/password-reset", json={"email": "nobody@nowhere.example.com"})
    assert known.status_code == unknown.status_code == 202
    assert known.get_json() == unknown.get_json()
    run_jobs()
    assert len(mailbox.to(guest.email)) == 1 and mailbox.to("nobody@nowhere.example.com") == []


def test_known_and_unknown_addresses_take_the_same_time(app, guest, client, redis_conn):
    """Same timing class: the request only queues the look-up, whatever the address."""
    app.config.update(PASSWORD_RESET_RATE_LIMIT_PER_ADDRESS="100 per hour",
                      PASSWORD_RESET_RATE_LIMIT_PER_IP="100 per hour")
    durations = {guest.email: [], "nobody@nowhere.example.com": []}
    for _ in range(7):  # interleaved, so a busy moment of the machine hits both
        for email, times in durations.items():
            start = time.perf_counter()
            assert client.post("/api/v1/auth/password-reset", json={"email": email}).status_code == 202
            times.append(time.perf_counter() - start)
    known, unknown = (statistics.median(times) for times in durations.values())
    assert max(known, unknown) < max(0.02, 2 * min(known, unknown)), (known, unknown)


def test_the_api_confirms_with_the_token_and_refuses_it_again(app, guest, client, mailbox, run_jobs):
    client.post("/api/v1/auth/password-reset", json={"email": guest.email})
    run_jobs()
    token = link_in(mailbox.last(guest.email)).split("token=")[1]
    weak = client.post("/api/v1/auth/password-reset/confirm", json={"token": token, "password": "password123"})
    assert weak.status_code == 400  # a common password; the link is still good
    done = client.post("/api/v1/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD})
    assert done.status_code == 204
    again = client.post("/api/v1/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD + "x"})
    assert again.status_code == 400 and again.get_json()["error"]["code"] == "invalid_token"
    login = client.post("/api/v1/auth/login", json={"email": guest.email, "password": NEW_PASSWORD})
    assert login.status_code == 200


def test_expired_tampered_removed_and_foreign_links_are_refused(app, admin, guest, other_admin, client, mailbox,
                                                                run_jobs):
    client.post("/api/v1/auth/password-reset", json={"email": guest.email})
    run_jobs()
    link = link_in(mailbox.last(guest.email))
    token = link.split("token=")[1]
    confirm = "/api/v1/auth/password-reset/confirm"

    with freeze_time(timedelta(minutes=31), tick=True):
        expired = client.post(confirm, json={"token": token, "password": NEW_PASSWORD})
    assert expired.status_code == 400 and expired.get_json()["error"]["code"] == "token_expired"

    tampered = client.post(confirm, json={"token": token[:-2] + "xx", "password": NEW_PASSWORD})
    assert tampered.get_json()["error"]["code"] == "invalid_token"

    claims = links._serializer("reset").loads(token)
    other_company = links.make_token("reset", claims["i"], claims["n"], u=guest.id, c=other_admin.corporation_id)
    other_user = links.make_token("reset", claims["i"], claims["n"], u=admin.id, c=admin.corporation_id)
    for forged in (other_company, other_user):
        assert client.post(confirm, json={"token": forged, "password": NEW_PASSWORD}).status_code == 400

    guest.deleted_at = db.func.now()  # the member was removed after asking
    db.session.commit()
    assert client.post(confirm, json={"token": token, "password": NEW_PASSWORD}).status_code == 400
    assert client.get(path_of(link)).status_code == 400
    db.session.expire_all()
    assert db.session.get(User, guest.id).check_password(factories.PASSWORD)


def test_a_new_request_ends_the_older_link(app, guest, client, mailbox, run_jobs):
    for _ in range(2):
        client.post("/api/v1/auth/password-reset", json={"email": guest.email})
    run_jobs()
    first, second = (link_in(m) for m in mailbox.to(guest.email))
    assert client.get(path_of(first)).status_code == 400
    assert client.get(path_of(second)).status_code == 200
    assert db.session.scalar(select(db.func.count(AccountToken.id)).where(AccountToken.used_at.is_(None))) == 1


def test_requests_are_throttled_per_address_and_per_ip(app, guest, client, redis_conn):
    app.config.update(PASSWORD_RESET_RATE_LIMIT_PER_ADDRESS="2 per hour", PASSWORD_RESET_RATE_LIMIT_PER_IP="3 per hour")
    # The page and the API count together, per address, from any client address.
    assert ask(client, guest.email, ip="192.0.2.1").status_code == 200
    api = client.post("/api/v1/auth/password-reset", json={"email": guest.email},
                      environ_base={"REMOTE_ADDR": "192.0.2.2"})
    assert api.status_code == 202
    third = client.post("/api/v1/auth/password-reset", json={"email": guest.email.upper()},
                        environ_base={"REMOTE_ADDR": "192.0.2.3"})
    assert third.status_code == 429 and "Retry-After" in third.headers
    # Per client address, whatever the addresses asked about.
    for n in range(3):
        assert ask(client, f"someone{n}@x.example.com", ip="192.0.2.9").status_code == 200
    assert ask(client, "someone9@x.example.com", ip="192.0.2.9").status_code == 429


def test_unknown_addresses_send_nothing_and_say_so_in_the_log(app, client, mailbox, run_jobs, caplog):
    ask(client, "ghost@nowhere.example.com")
    with caplog.at_level("INFO"):
        run_jobs()
    assert mailbox.all == []
    assert "no active account for g***@nowhere.example.com" in caplog.text
