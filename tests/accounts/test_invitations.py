"""Invitations: an admin invites an address, the invitee sets their own password through the mailed link.

Mail goes through a real SMTP server; the queued jobs run with rq's SimpleWorker against real Redis.
"""
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.support.helpers import post_form
from tests.support.mailbox import html_of, link_in, path_of, text_of
from webapp.accounts import links
from webapp.core.clock import utcnow
from webapp.core.extensions import db
from webapp.models import User
from webapp.models_email import Invitation

pytestmark = pytest.mark.app_config("mail_settings")
NEW_PASSWORD = "a-fresh-invitee-password"
INVITEE = "newcomer@initech.example.com"


def invite(admin_client, email=INVITEE, role="guest"):
    return post_form(admin_client, "/members/invitations", {"email": email, "role": role}, page="/members/")


def accept(client, link, password=NEW_PASSWORD):
    return post_form(client, path_of(link), {"password": password, "confirm": password}, page=path_of(link))


def test_the_invitee_sets_their_own_password_through_the_link_once(app, admin_client, client, mailbox, run_jobs):
    response = invite(admin_client, role="admin")
    assert response.status_code == 302
    assert INVITEE in admin_client.get("/members/").get_data(as_text=True)  # listed as pending
    run_jobs()
    message = mailbox.last(INVITEE)
    assert message["Subject"] == "You are invited to join Initech on Reelhouse"
    assert "boss@initech.example.com invited you" in text_of(message)
    assert "<a href=" in html_of(message)
    link = link_in(message)
    assert link.startswith("http://localhost/invitations/accept?token=")

    assert "Join Initech" in client.get(path_of(link)).get_data(as_text=True)
    joined = accept(client, link)
    assert joined.status_code == 302
    user = db.session.scalar(select(User).where(User.email == INVITEE))
    assert user.role == "admin" and user.corporation.name == "Initech" and user.check_password(NEW_PASSWORD)
    assert client.get("/members/").status_code == 200  # logged in, as an admin
    assert INVITEE not in admin_client.get("/members/").get_data(as_text=True).split("Current members")[0]

    again = factories_client(app).get(path_of(link))
    assert again.status_code == 400
    assert "not valid" in again.get_data(as_text=True)


def factories_client(app):
    return app.test_client()


def test_the_mail_is_in_the_companys_language(app, admin, admin_client, mailbox, run_jobs):
    admin.corporation.locale = "ko"
    db.session.commit()
    invite(admin_client)
    run_jobs()
    message = mailbox.last(INVITEE)
    assert message["Subject"].strip() == "Reelhouse에서 Initech에 참여하도록 초대되었습니다"
    assert "초대" in text_of(message) and "초대" in html_of(message)


def test_resending_replaces_the_link_and_revoking_kills_it(app, admin_client, client, mailbox, run_jobs):
    invite(admin_client)
    run_jobs()
    first = link_in(mailbox.last(INVITEE))
    invitation = db.session.scalar(select(Invitation))
    assert post_form(admin_client, f"/members/invitations/{invitation.id}/resend", page="/members/").status_code == 302
    run_jobs()
    second = link_in(mailbox.last(INVITEE))
    assert first != second
    assert client.get(path_of(first)).status_code == 400
    assert client.get(path_of(second)).status_code == 200
    assert post_form(admin_client, f"/members/invitations/{invitation.id}/revoke", page="/members/").status_code == 302
    assert client.get(path_of(second)).status_code == 400
    assert "Pending invitations" not in admin_client.get("/members/").get_data(as_text=True)


def test_another_companys_admin_cannot_see_resend_or_revoke(app, admin_client, other_admin, login_as, run_jobs):
    invite(admin_client)
    invitation = db.session.scalar(select(Invitation))
    other = login_as(other_admin)
    assert INVITEE not in other.get("/members/").get_data(as_text=True)
    for action in ("resend", "revoke"):
        assert post_form(other, f"/members/invitations/{invitation.id}/{action}", page="/members/").status_code == 404
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).revoked_at is None


def test_expired_tampered_and_foreign_links_are_refused(app, admin, admin_client, other_admin, client, mailbox,
                                                        run_jobs):
    invite(admin_client)
    run_jobs()
    link = link_in(mailbox.last(INVITEE))
    token = link.split("token=")[1]
    invitation = db.session.scalar(select(Invitation))

    tampered = path_of(link)[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    assert client.get(tampered).status_code == 400
    # A genuine signature naming another company than the invitation's own.
    nonce_claims = links._serializer("invitation").loads(token)
    foreign = links.make_token("invitation", invitation.id, nonce_claims["n"], c=other_admin.corporation_id)
    assert client.get(f"/invitations/accept?token={foreign}").status_code == 400
    # A reset link's token is worthless here (another purpose, another salt).
    reset_like = links.make_token("reset", invitation.id, nonce_claims["n"], c=admin.corporation_id)
    assert client.get(f"/invitations/accept?token={reset_like}").status_code == 400

    db.session.execute(update(Invitation).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    expired = client.get(path_of(link))
    assert expired.status_code == 400 and "expired" in expired.get_data(as_text=True)
    assert "expired" in admin_client.get("/members/").get_data(as_text=True)  # still listed, to resend


def test_a_deleted_company_invitation_cannot_be_accepted(app, admin, admin_client, client, mailbox, run_jobs):
    invite(admin_client)
    run_jobs()
    link = link_in(mailbox.last(INVITEE))
    admin.corporation.deleted_at = utcnow()
    db.session.commit()
    assert accept(client, link).status_code == 400
    assert db.session.scalar(select(User).where(User.email == INVITEE)) is None


def test_an_address_used_elsewhere_gets_the_same_answer_and_its_owner_a_warning(app, admin_client, other_admin,
                                                                                 mailbox, run_jobs):
    unknown = invite(admin_client, email="nobody-yet@umbrella.example.com")
    known = invite(admin_client, email=other_admin.email)
    assert (unknown.status_code, unknown.headers["Location"]) == (known.status_code, known.headers["Location"])
    run_jobs()
    warning = mailbox.last(other_admin.email)
    assert warning["Subject"] == "Someone tried to use your address on Reelhouse"
    assert "Initech" in text_of(warning) and "token=" not in text_of(warning)
    assert "token=" in text_of(mailbox.last("nobody-yet@umbrella.example.com"))


def test_inviting_a_current_member_is_refused(app, admin_client, guest):
    response = invite(admin_client, email=guest.email)
    assert response.status_code == 409
    assert "already a member" in response.get_data(as_text=True)


def test_admins_can_still_add_a_member_with_a_password(app, admin_client):
    page = admin_client.get("/members/").get_data(as_text=True)
    assert page.index("Invite a member") < page.index("add a member with a password")
    assert admin_client.get("/members/new").status_code == 200
