"""Sign-ups in tests that are not about confirming the address: confirm them without the mail."""
from sqlalchemy import select

from webapp.core.clock import utcnow
from webapp.core.extensions import db
from webapp.models import User


def confirm_sign_up_of(email: str) -> User:
    """Activate the company an address signed up (as following the mailed link does) and return its admin."""
    db.session.expire_all()
    admin = db.session.scalar(select(User).where(User.email == email.lower(), User.deleted_at.is_(None)))
    assert admin is not None, f"no sign-up of {email}"
    admin.corporation.activated_at = admin.corporation.activated_at or utcnow()
    db.session.commit()
    return admin
