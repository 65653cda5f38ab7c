"""Permission decorators for HTML views: anonymous users go to login, others get 403."""
from functools import wraps

from flask import abort
from flask_login import current_user

from webapp.core.extensions import login_manager


def admin_required(view):
    """Only admins of the current corporation may use this view."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped
