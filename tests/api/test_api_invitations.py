"""/api/v1/invitations: invite, list, resend, revoke, accept; tenants are separate."""
import pytest
from sqlalchemy import select

from tests.support.mailbox import link_in
from webapp.core.extensions import db
from webapp.models import User

pytestmark = pytest.mark.app_config("mail_settings")
INVITEE = "api-newcomer@initech.example.com"


def test_invite_list_accept_through_the_api(app, admin, client, bearer, mailbox, run_jobs):
    headers = bearer(admin)
    created = client.post("/api/v1/invitations", json={"email": INVITEE.upper(), "role": "admin"}, headers=headers)
    assert created.status_code == 201
    body = created.get_json()
    assert body["email"] == INVITEE and body["role"] == "admin" and "token" not in str(body)
    listed = client.get("/api/v1/invitations", headers=headers).get_json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]

    run_jobs()
    token = link_in(mailbox.last(INVITEE)).split("token=")[1]
    accepted = client.post("/api/v1/invitations/accept", json={"token": token, "password": "invitee-password-22"})
    assert accepted.status_code == 201
    assert accepted.get_json()["email"] == INVITEE and accepted.get_json()["role"] == "admin"
    again = client.post("/api/v1/invitations/accept", json={"token": token, "password": "invitee-password-22"})
    assert again.status_code == 400 and again.get_json()["error"]["code"] == "invalid_token"
    assert client.get("/api/v1/invitations", headers=headers).get_json()["items"] == []
    login = client.post("/api/v1/auth/login", json={"email": INVITEE, "password": "invitee-password-22"})
    assert login.status_code == 200


def test_resend_and_revoke(app, admin, client, bearer, mailbox, run_jobs):
    headers = bearer(admin)
    invitation = client.post("/api/v1/invitations", json={"email": INVITEE}, headers=headers).get_json()
    assert client.post(f"/api/v1/invitations/{invitation['id']}/resend", headers=headers).status_code == 200
    run_jobs()
    first, second = (link_in(m).split("token=")[1] for m in mailbox.to(INVITEE))
    assert client.delete(f"/api/v1/invitations/{invitation['id']}", headers=headers).status_code == 204
    for token in (first, second):
        refused = client.post("/api/v1/invitations/accept", json={"token": token, "password": "invitee-password-22"})
        assert refused.status_code == 400
    assert db.session.scalar(select(User).where(User.email == INVITEE)) is None
    assert client.delete(f"/api/v1/invitations/{invitation['id']}", headers=headers).status_code == 404


def test_guests_are_refused_and_other_companies_see_404(app, admin, guest, other_admin, client, bearer):
    invitation = client.post("/api/v1/invitations", json={"email": INVITEE}, headers=bearer(admin)).get_json()
    guest_headers = bearer(guest)
    refused = client.post("/api/v1/invitations", json={"email": "x@y.example.com"}, headers=guest_headers)
    assert refused.status_code == 403
    assert client.get("/api/v1/invitations", headers=guest_headers).status_code == 403
    other = bearer(other_admin)
    assert client.get("/api/v1/invitations", headers=other).get_json()["items"] == []
    assert client.delete(f"/api/v1/invitations/{invitation['id']}", headers=other).status_code == 404
    assert client.post(f"/api/v1/invitations/{invitation['id']}/resend", headers=other).status_code == 404


def test_bad_input_answers_400_with_the_envelope(app, admin, client, bearer):
    headers = bearer(admin)
    assert client.post("/api/v1/invitations", json={"email": "not-an-address"}, headers=headers).status_code == 400
    owner = client.post("/api/v1/invitations", json={"email": INVITEE, "role": "owner"}, headers=headers)
    assert owner.status_code == 400
    bad = client.post("/api/v1/invitations/accept", json={"token": "garbage", "password": "invitee-password-22"})
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_token"
