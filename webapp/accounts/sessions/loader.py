"""Flask-Login's user loader: the session names a user id and a session version."""
from webapp.core.extensions import db
from webapp.models import User


def load_user(session_id: str):
    """Return the active user of this session, or None (which logs the browser out)."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.is_active:
        return None
    return user
