"""Corporations: sign-up, read, rename / plan change (all or nothing), soft delete."""
import pytest
from sqlalchemy import select

from tests import factories
from tests.api.conftest import assert_error
from tests.support.signup import confirm_sign_up_of
from webapp.core.extensions import db
from webapp.models import Corporation, PlanChange, User

SIGN_UP = "/api/v1/corporations"


def sign_up_body(**overrides):
    return {"name": "Acme", "admin_email": "Admin@Acme.example.com", "admin_password": "long-enough-pw",
            **overrides}


def test_sign_up_creates_the_company_and_its_admin(client, api_login):
    response = client.post(SIGN_UP, json=sign_up_body())
    assert response.status_code == 202  # active once the address is confirmed (test_verified_signup.py)
    admin = confirm_sign_up_of("admin@acme.example.com")
    corporation = admin.corporation
    assert corporation.name == "Acme" and corporation.plan == corporation.effective_plan() == "free"
    assert admin.role == "admin"
    assert api_login("admin@acme.example.com", "long-enough-pw")["access_token"]


def test_sign_up_on_a_paid_plan_needs_a_future_expiry(client):
    assert_error(client.post(SIGN_UP, json=sign_up_body(plan="paid")), 400, "validation_error")
    past = factories.days_from_today(-1).isoformat()
    error = assert_error(client.post(SIGN_UP, json=sign_up_body(plan="paid", plan_expires_at=past)), 400)
    assert "plan_expires_at" in error["fields"]
    future = factories.days_from_today(30).isoformat()
    response = client.post(SIGN_UP, json=sign_up_body(plan="paid", plan_expires_at=future))
    assert response.status_code == 202
    corporation = confirm_sign_up_of("admin@acme.example.com").corporation
    assert corporation.effective_plan() == "paid" and corporation.plan_expires_at.isoformat() == future


def test_sign_up_with_a_taken_name_is_409(client, admin):
    assert_error(client.post(SIGN_UP, json=sign_up_body(name="initech")), 409, "conflict")
    assert db.session.scalar(select(db.func.count(Corporation.id))) == 1


def test_sign_up_with_a_taken_email_answers_as_for_a_new_one_and_creates_nothing(client, admin):
    assert client.post(SIGN_UP, json=sign_up_body(admin_email="BOSS@initech.example.com")).status_code == 202
    assert db.session.scalar(select(db.func.count(Corporation.id))) == 1


@pytest.mark.parametrize("body,field", [
    ({"name": ""}, "name"), ({"name": "x" * 121}, "name"), ({"admin_email": "not-an-email"}, "admin_email"),
    ({"admin_password": "short"}, "admin_password"), ({"plan": "gold"}, "plan"),
    ({"plan_expires_at": "2030-13-01"}, "plan_expires_at"), ({"extra": 1}, "extra"),
    ({"name": "nul\x00byte"}, "name"),
])
def test_sign_up_validation_errors_name_the_field(client, body, field):
    error = assert_error(client.post(SIGN_UP, json=sign_up_body(**body)), 400)
    assert field in error["fields"]
    assert db.session.scalar(select(db.func.count(User.id))) == 0


def test_get_own_corporation(client, admin, bearer):
    response = client.get(f"/api/v1/corporations/{admin.corporation_id}", headers=bearer(admin))
    assert response.status_code == 200
    assert set(response.get_json()) >= {"id", "name", "plan", "plan_expires_at", "effective_plan", "created_at"}


def test_patch_renames_and_changes_plan_together(client, admin, bearer):
    expiry = factories.days_from_today(60).isoformat()
    response = client.patch(f"/api/v1/corporations/{admin.corporation_id}", headers=bearer(admin),
                            json={"name": "Initech Global", "plan": "paid", "plan_expires_at": expiry})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["name"], body["plan"], body["plan_expires_at"], body["effective_plan"]) == \
        ("Initech Global", "paid", expiry, "paid")
    assert db.session.scalar(select(PlanChange.to_plan)) == "paid"


def test_patch_is_all_or_nothing(client, admin, bearer):
    response = client.patch(f"/api/v1/corporations/{admin.corporation_id}", headers=bearer(admin),
                            json={"name": "Initech Global", "plan": "paid"})
    assert_error(response, 400, "validation_error")
    db.session.expire_all()
    assert db.session.get(Corporation, admin.corporation_id).name == "Initech"


def test_patch_to_a_taken_name_is_409(client, admin, other_admin, bearer):
    response = client.patch(f"/api/v1/corporations/{admin.corporation_id}", headers=bearer(admin),
                            json={"name": "UMBRELLA"})
    assert_error(response, 409, "conflict")


def test_downgrade_to_free_takes_effect_at_once(client, admin, bearer):
    admin.corporation.plan, admin.corporation.plan_expires_at = "paid", factories.days_from_today(10)
    db.session.commit()
    response = client.patch(f"/api/v1/corporations/{admin.corporation_id}", headers=bearer(admin),
                            json={"plan": "free"})
    assert response.get_json()["effective_plan"] == "free"


def test_delete_is_soft_and_ends_every_members_access(client, admin, guest, bearer):
    guest_headers = bearer(guest)
    assert client.delete(f"/api/v1/corporations/{admin.corporation_id}", headers=bearer(admin)).status_code == 204
    db.session.expire_all()
    assert db.session.get(Corporation, admin.corporation_id).deleted_at is not None
    assert_error(client.get("/api/v1/videos", headers=guest_headers), 401)
