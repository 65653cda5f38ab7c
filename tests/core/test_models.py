"""The data model's invariants are kept by PostgreSQL itself, not only by the code."""
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.factories import make_corporation, make_user, make_video
from webapp.core.extensions import db
from webapp.models import Corporation, User, Video, VideoView


def test_email_is_unique_in_any_letter_case_across_corporations(app):
    make_user(email="Ann@Example.example.com")
    with pytest.raises(IntegrityError):
        make_user(corporation=make_corporation(), email="ann@EXAMPLE.example.com")
    db.session.rollback()
    assert db.session.query(User).count() == 1


def test_database_refuses_an_upper_case_email_written_behind_the_orm(app):
    user = make_user()
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE users SET email = 'SHOUT@example.example.com' WHERE id = :id"),
                           {"id": user.id})
    db.session.rollback()


def test_corporation_names_are_unique_whatever_the_case(app):
    make_corporation(name="Acme")
    with pytest.raises(IntegrityError):
        make_corporation(name="ACME")
    db.session.rollback()


def test_one_view_row_per_user_and_video(app):
    user = make_user()
    video = make_video(user.corporation)
    db.session.add(VideoView(user_id=user.id, video_id=video.id, points_awarded=10))
    db.session.commit()
    db.session.add(VideoView(user_id=user.id, video_id=video.id, points_awarded=10))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert db.session.query(VideoView).count() == 1


def test_points_can_never_go_negative(app):
    user = make_user()
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE users SET points = points - 1 WHERE id = :id"), {"id": user.id})
    db.session.rollback()
    assert db.session.get(User, user.id).points == 0


def test_a_paid_plan_needs_an_expiry_date(app):
    db.session.add(Corporation(name="No date", plan="paid", plan_expires_at=None))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_unknown_plan_and_role_values_are_refused(app):
    corporation = make_corporation()
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE corporations SET plan = 'gold' WHERE id = :id"), {"id": corporation.id})
    db.session.rollback()
    user = make_user(corporation)
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE users SET role = 'owner' WHERE id = :id"), {"id": user.id})
    db.session.rollback()


@pytest.mark.parametrize("source_url, file_key", [(None, None), ("http://a.test/x.mp4", "k.mp4")])
def test_a_video_has_exactly_one_source(app, source_url, file_key):
    corporation = make_corporation()
    db.session.add(Video(corporation=corporation, title="clip", source_url=source_url, file_key=file_key))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_passwords_are_stored_hashed(app):
    user = make_user(password="a-long-secret-password")
    assert "a-long-secret-password" not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:", "$argon2"))
    assert user.check_password("a-long-secret-password")
    assert not user.check_password("a-long-secret-passworD")


def test_deleted_users_and_members_of_deleted_corporations_are_inactive(app):
    from webapp.core.clock import utcnow

    user = make_user()
    assert user.is_active
    user.deleted_at = utcnow()
    assert not user.is_active
    other = make_user()
    other.corporation.deleted_at = utcnow()
    assert not other.is_active


def test_plan_expiry_is_a_date_column(app):
    corporation = make_corporation(plan="paid", plan_expires_at=date(2030, 1, 31))
    db.session.expire_all()
    assert db.session.get(Corporation, corporation.id).plan_expires_at == date(2030, 1, 31)
