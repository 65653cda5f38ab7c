"""Verified sign-up: the company is inactive until its first admin confirms the address; sign-up tells
no one whether an address has an account; unconfirmed sign-ups are removed after 48 hours."""
import re
import statistics
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.support.helpers import post_form, post_login_form
from tests.support.mailbox import link_in, path_of, text_of
from webapp.accounts import links, signup
from webapp.core import mail
from webapp.core.clock import utcnow
from webapp.core.extensions import db
from webapp.models import Corporation, User
from worker import jobs

pytestmark = pytest.mark.app_config("mail_settings")
SIGN_UP = "/api/v1/corporations"
PASSWORD = "a-good-long-password"


def page_sign_up(client, name="Hooli", email="gavin@hooli.example.com"):
    return post_form(client, "/signup", {"name": name, "email": email, "password": PASSWORD, "confirm": PASSWORD},
                     page="/signup")


def api_body(name="Hooli", email="gavin@hooli.example.com"):
    return {"name": name, "admin_email": email, "admin_password": PASSWORD}


def test_the_company_is_active_once_the_admin_confirms(app, client, mailbox, run_jobs):
    response = page_sign_up(client)
    assert response.status_code == 200 and "Check your e-mail" in response.get_data(as_text=True)
    corporation = db.session.scalar(select(Corporation).where(Corporation.name == "Hooli"))
    assert corporation.activated_at is None
    assert post_login_form(client, "gavin@hooli.example.com", PASSWORD).status_code == 403  # not yet: confirm first

    run_jobs()
    message = mailbox.last("gavin@hooli.example.com")
    assert message["Subject"] == "Confirm the sign-up of Hooli on Reelhouse"
    link = link_in(message)
    assert "Confirm" in client.get(path_of(link)).get_data(as_text=True)  # GET changes nothing (mail scanners)
    db.session.expire_all()
    assert db.session.get(Corporation, corporation.id).activated_at is None
    confirmed = post_form(client, path_of(link), page=path_of(link))
    assert confirmed.status_code == 302
    assert "Hooli" in client.get("/").get_data(as_text=True)  # logged in as its admin
    db.session.expire_all()
    assert db.session.get(Corporation, corporation.id).activated_at is not None
    assert app.test_client().get(path_of(link)).status_code == 400  # once


def test_the_api_answers_the_same_for_a_new_and_a_taken_address(app, admin, client, mailbox, run_jobs):
    fresh = client.post(SIGN_UP, json=api_body())
    taken = client.post(SIGN_UP, json=api_body(name="Hooli Two", email=admin.email.upper()))
    assert fresh.status_code == taken.status_code == 202
    assert fresh.get_json() == taken.get_json()
    assert db.session.scalar(select(func.count(Corporation.id))) == 2  # Initech and the pending Hooli
    run_jobs()
    warning = mailbox.last(admin.email)
    assert warning["Subject"] == "Someone tried to use your address on Reelhouse" and "token=" not in text_of(warning)
    token = link_in(mailbox.last("gavin@hooli.example.com")).split("token=")[1]
    confirmed = client.post(f"{SIGN_UP}/confirm", json={"token": token})
    assert confirmed.status_code == 200
    assert confirmed.get_json()["corporation"]["name"] == "Hooli"
    login = client.post("/api/v1/auth/login", json={"email": "gavin@hooli.example.com", "password": PASSWORD})
    assert login.status_code == 200
    assert client.post(f"{SIGN_UP}/confirm", json={"token": token}).status_code == 400


def test_the_page_answers_the_same_for_a_new_and_a_taken_address(app, admin, client):
    fresh = page_sign_up(client)
    taken = page_sign_up(app.test_client(), name="Hooli Two", email=admin.email)
    assert fresh.status_code == taken.status_code == 200
    def shown(response, email):
        main = response.get_data(as_text=True).split("<main")[1].split("</main>")[0]
        return re.sub(r'name="csrf_token"[^>]*', "", main).replace(email, "EMAIL")

    assert shown(fresh, "gavin@hooli.example.com") == shown(taken, admin.email)


def test_known_and_unknown_addresses_take_the_same_time(app, admin, client):
    """Same timing class: both paths hash one password and queue one mail (no fast "taken" answer)."""
    app.config.update(SIGNUP_RATE_LIMIT="100 per hour")
    durations = {"known": [], "unknown": []}
    for n in range(6):  # interleaved, so a busy moment of the machine hits both
        for kind, email in (("unknown", f"new{n}@timing.example.com"), ("known", admin.email)):
            start = time.perf_counter()
            response = client.post(SIGN_UP, json=api_body(name=f"Timing {kind} {n}", email=email))
            durations[kind].append(time.perf_counter() - start)
            assert response.status_code == 202
    known, unknown = statistics.median(durations["known"]), statistics.median(durations["unknown"])
    assert max(known, unknown) < 2.5 * min(known, unknown), (known, unknown)


def test_a_new_sign_up_replaces_an_unconfirmed_one_with_the_same_address(app, client, mailbox, run_jobs):
    client.post(SIGN_UP, json=api_body(name="Squatter"))
    client.post(SIGN_UP, json=api_body(name="Hooli"))
    names = db.session.scalars(select(Corporation.name)).all()
    assert names == ["Hooli"]
    run_jobs()
    first, second = (link_in(m).split("token=")[1] for m in mailbox.to("gavin@hooli.example.com"))
    assert client.post(f"{SIGN_UP}/confirm", json={"token": first}).status_code == 400
    assert client.post(f"{SIGN_UP}/confirm", json={"token": second}).status_code == 200


def test_unconfirmed_sign_ups_are_removed_after_48_hours_freeing_the_address(app, admin, client, mailbox, run_jobs):
    client.post(SIGN_UP, json=api_body())
    client.post(SIGN_UP, json=api_body(name="Recent", email="recent@hooli.example.com"))
    old = db.session.scalar(select(Corporation).where(Corporation.name == "Hooli"))
    old.created_at = utcnow() - timedelta(hours=49)
    db.session.commit()
    result = jobs.purge_unconfirmed_signups()
    assert [c["name"] for c in result["corporations"]] == ["Hooli"]
    assert jobs.purge_unconfirmed_signups()["removed"] == 0  # a rerun finds nothing
    assert sorted(db.session.scalars(select(Corporation.name))) == ["Initech", "Recent"]
    assert db.session.scalar(select(User).where(User.email == "gavin@hooli.example.com")) is None
    run_jobs()
    token = link_in(mailbox.to("gavin@hooli.example.com")[0]).split("token=")[1]
    assert client.post(f"{SIGN_UP}/confirm", json={"token": token}).status_code == 400
    assert client.post(SIGN_UP, json=api_body(name="Hooli")).status_code == 202  # name and address free again


def test_expired_and_tampered_confirmation_links_are_refused(app, client, mailbox, run_jobs):
    client.post(SIGN_UP, json=api_body())
    run_jobs()
    token = link_in(mailbox.last("gavin@hooli.example.com")).split("token=")[1]
    tampered = client.post(f"{SIGN_UP}/confirm", json={"token": token[:-2] + "zz"})
    assert tampered.get_json()["error"]["code"] == "invalid_token"
    row = signup.check_confirmation(token)
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.post(f"{SIGN_UP}/confirm", json={"token": token}).get_json()["error"]["code"] == "token_expired"


def test_the_right_password_of_an_unconfirmed_sign_up_says_to_confirm_and_offers_a_new_link(
        app, client, mailbox, run_jobs):
    client.post(SIGN_UP, json=api_body())
    wrong = post_login_form(client, "gavin@hooli.example.com", "not-the-password-at-all")
    assert wrong.status_code == 401 and "Wrong email or password." in wrong.get_data(as_text=True)
    right = post_login_form(client, "gavin@hooli.example.com", PASSWORD)
    page = right.get_data(as_text=True)
    assert right.status_code == 403
    assert "Confirm your address first: we sent a link to gavin@hooli.example.com." in page
    assert 'action="/signup/resend"' in page and "Send the link again" in page
    api = client.post("/api/v1/auth/login", json={"email": "gavin@hooli.example.com", "password": PASSWORD})
    assert api.status_code == 403 and api.get_json()["error"]["code"] == "address_unconfirmed"
    api_wrong = client.post("/api/v1/auth/login", json={"email": "gavin@hooli.example.com", "password": "nope-nope"})
    assert api_wrong.status_code == 401

    run_jobs()
    first = link_in(mailbox.last("gavin@hooli.example.com"))
    resent = post_form(client, "/signup/resend", {"email": "gavin@hooli.example.com"})  # the login page's button
    assert resent.status_code == 200 and "a new link is on its way" in resent.get_data(as_text=True)
    run_jobs()
    second = link_in(mailbox.last("gavin@hooli.example.com"))
    assert mailbox.last("gavin@hooli.example.com")["Subject"] == "Confirm the sign-up of Hooli on Reelhouse"
    assert client.get(path_of(first)).status_code == 400  # the older link stops working
    assert post_form(client, path_of(second), page=path_of(second)).status_code == 302
    assert "Hooli" in client.get("/").get_data(as_text=True)


def test_asking_for_a_new_link_answers_the_same_for_every_address(app, admin, client, mailbox, run_jobs, caplog):
    assert "Didn't get the mail?" in page_sign_up(client).get_data(as_text=True)
    assert 'value="gavin@hooli.example.com"' in client.get(
        "/signup/resend?email=gavin@hooli.example.com").get_data(as_text=True)
    answers = [client.post(f"{SIGN_UP}/confirm/resend", json={"email": email})
               for email in ("gavin@hooli.example.com", "nobody@hooli.example.com", admin.email)]
    assert {a.status_code for a in answers} == {202} and len({str(a.get_json()) for a in answers}) == 1
    pages = [post_form(app.test_client(), "/signup/resend", {"email": email}, page="/signup/resend")
             for email in ("gavin@hooli.example.com", "nobody@hooli.example.com")]

    def shown(response, email):
        main = response.get_data(as_text=True).split("<main")[1].split("</main>")[0]
        return re.sub(r'name="csrf_token"[^>]*', "", main).replace(email, "EMAIL")

    assert shown(pages[0], "gavin@hooli.example.com") == shown(pages[1], "nobody@hooli.example.com")
    mailbox.clear()
    with caplog.at_level("INFO"):
        run_jobs()
    # The pending sign-up gets its links (the sign-up's own, then one per request); the others nothing.
    assert len(mailbox.to("gavin@hooli.example.com")) == 3
    assert mailbox.to("nobody@hooli.example.com") == [] and mailbox.to(admin.email) == []
    assert "no sign-up waiting for n***@hooli.example.com" in caplog.text
    tokens = [link_in(m).split("token=")[1] for m in mailbox.to("gavin@hooli.example.com")]
    for older in tokens[:2]:
        assert client.post(f"{SIGN_UP}/confirm", json={"token": older}).status_code == 400
    assert client.post(f"{SIGN_UP}/confirm", json={"token": tokens[2]}).status_code == 200


def test_a_new_link_expires_with_the_sign_up_itself(app, client, mailbox, run_jobs):
    client.post(SIGN_UP, json=api_body())
    corporation = db.session.scalar(select(Corporation))
    corporation.created_at = utcnow() - timedelta(hours=47, minutes=30)
    db.session.commit()
    run_jobs()
    assert signup.resend_confirmation("gavin@hooli.example.com") is True
    run_jobs()
    message = mailbox.last("gavin@hooli.example.com")
    text = text_of(message)
    assert "is valid for 1 hour):" in text and "removed after 1 hour." in text and "1 hours" not in text
    row = signup.check_confirmation(link_in(message).split("token=")[1])
    assert row.expires_at <= corporation.created_at + timedelta(hours=48)
    corporation.created_at = utcnow() - timedelta(hours=49)
    db.session.commit()
    assert signup.resend_confirmation("gavin@hooli.example.com") is False


@pytest.mark.parametrize(("locale", "hours", "expected"), [
    ("en", 1, "is valid for 1 hour):"), ("en", 48, "is valid for 48 hours):"), ("ko", 1, "1시간 동안 유효합니다")])
def test_the_confirmation_mail_says_its_hours_in_the_reader_s_grammar(app, locale, hours, expected):
    context = {"company": "Hooli", "hours": hours, "link": ("auth.confirm_signup", {"token": "t"})}
    _subject, text, html, _link = mail.render("confirm_signup", locale, context)
    assert expected in text and expected in html


def test_new_links_are_throttled_per_address_and_per_ip(app, client):
    app.config.update(CONFIRM_RESEND_RATE_LIMIT_PER_ADDRESS="2 per hour", CONFIRM_RESEND_RATE_LIMIT_PER_IP="3 per hour")
    url = f"{SIGN_UP}/confirm/resend"
    assert client.post(url, json={"email": "a@hooli.example.com"},
                       environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 202
    page = post_form(client, "/signup/resend", {"email": "A@hooli.example.com"}, page="/signup/resend",
                     environ_base={"REMOTE_ADDR": "192.0.2.2"})
    assert page.status_code == 200
    third = client.post(url, json={"email": "a@hooli.example.com"}, environ_base={"REMOTE_ADDR": "192.0.2.3"})
    assert third.status_code == 429 and "Retry-After" in third.headers
    for n in range(3):
        assert client.post(url, json={"email": f"x{n}@hooli.example.com"},
                           environ_base={"REMOTE_ADDR": "192.0.2.9"}).status_code == 202
    assert client.post(url, json={"email": "x9@hooli.example.com"},
                       environ_base={"REMOTE_ADDR": "192.0.2.9"}).status_code == 429


def test_confirmation_links_of_a_removed_admin_or_naming_another_company_are_refused(app, admin, client, mailbox,
                                                                                      run_jobs):
    client.post(SIGN_UP, json=api_body())
    run_jobs()
    token = link_in(mailbox.last("gavin@hooli.example.com")).split("token=")[1]
    claims = links._serializer("confirm").loads(token)
    foreign = links.make_token("confirm", claims["i"], claims["n"], u=claims["u"], c=admin.corporation_id)
    assert client.post(f"{SIGN_UP}/confirm", json={"token": foreign}).get_json()["error"]["code"] == "invalid_token"
    founder = db.session.scalar(select(User).where(User.email == "gavin@hooli.example.com"))
    founder.deleted_at = utcnow()
    db.session.commit()
    assert client.post(f"{SIGN_UP}/confirm", json={"token": token}).get_json()["error"]["code"] == "invalid_token"
    db.session.expire_all()
    assert db.session.scalar(select(Corporation.activated_at).where(Corporation.name == "Hooli")) is None
