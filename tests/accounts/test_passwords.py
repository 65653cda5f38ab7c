"""Password rules: at least 10 characters and not one of the 10 000 most common, wherever a password is set."""
import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from tests.factories import PASSWORD
from tests.support.helpers import post_form
from webapp.accounts.membership import add_member, change_own_password, reset_password
from webapp.accounts.passwords import common_passwords, password_problem
from webapp.core.exceptions import ValidationFailed
from webapp.core.extensions import db
from webapp.models import Corporation, User
from webapp.models_email import Invitation

SHORT = "short-pw"
# On the list in lower case; refused in any letter case.
COMMON = ["1q2w3e4r5t", "Basketball", "QWERTYUIOP", "Password12"]
GOOD = "mauve-lantern-orbit-42"


def test_the_shipped_list_has_the_10000_most_common_passwords():
    passwords = common_passwords()
    assert len(passwords) == 10000
    assert {"password", "123456", "qwerty", "1234567890"} <= passwords
    assert all(p == p.lower() for p in passwords)
    assert common_passwords() is passwords  # read once per process


@pytest.mark.parametrize("password, problem", [
    (SHORT, "at least 10 characters"),
    *[(p, "too common") for p in COMMON],
    ("x" * 257, "at most 256 characters"),
    (GOOD, None),
    (PASSWORD, None),
])
def test_password_problem(password, problem):
    answer = password_problem(password)
    assert (problem in answer) if problem else answer is None


def sign_up(client, password):
    return post_form(client, "/signup", {"name": "Hooli", "email": "gavin@hooli.example.com",
                                         "password": password, "confirm": password}, page="/signup")


@pytest.mark.parametrize("password, message", [(SHORT, "at least 10 characters"),
                                               ("BasketBall", "too common"), ("1Q2W3E4R5T", "too common")])
def test_sign_up_page_refuses_weak_passwords(client, password, message):
    response = sign_up(client, password)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Corporation.id))) == 0


def test_sign_up_page_accepts_a_good_password(client):
    assert sign_up(client, GOOD).status_code == 200
    assert db.session.scalar(select(User)).check_password(GOOD)


@pytest.mark.parametrize("password", [SHORT, *COMMON])
def test_adding_a_member_refuses_weak_passwords(admin, password):
    with pytest.raises(ValidationFailed) as error:
        add_member(admin, "new@initech.example.com", password, "guest")
    assert error.value.fields["password"]
    assert db.session.scalar(select(User).filter_by(email="new@initech.example.com")) is None
    assert db.session.scalar(select(Invitation)) is None


def test_adding_a_member_accepts_a_good_password(admin):
    pending = add_member(admin, "new@initech.example.com", GOOD, "guest")
    assert check_password_hash(pending.password_hash, GOOD)


@pytest.mark.parametrize("password", [SHORT, "Basketball"])
def test_changing_and_resetting_passwords_refuse_weak_ones(admin, guest, password):
    with pytest.raises(ValidationFailed):
        change_own_password(admin, PASSWORD, password)
    with pytest.raises(ValidationFailed):
        reset_password(admin, guest, password)
    db.session.expire_all()
    assert admin.check_password(PASSWORD) and guest.check_password(PASSWORD)


def test_changing_a_password_to_a_good_one_works(admin):
    change_own_password(admin, PASSWORD, GOOD)
    db.session.expire_all()
    assert db.session.get(User, admin.id).check_password(GOOD)
