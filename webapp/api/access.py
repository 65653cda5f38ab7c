"""Who may call an API operation: bearer-token checks that also document themselves in the spec."""
from functools import wraps
from http import HTTPStatus

from flask_babel import gettext as _
from flask_jwt_extended import current_user as api_user
from flask_jwt_extended import verify_jwt_in_request

from webapp.core.database import reads_only
from webapp.core.exceptions import NotAllowed
from webapp.core.extensions import db

BEARER = [{"bearerAuth": []}]


def documents_errors(blp, *statuses):
    """Add the error envelope for these statuses to an operation's documented responses."""

    def decorator(view):
        for status in statuses:
            view = blp.alt_response(status, response=HTTPStatus(status).name)(view)
        return view

    return decorator


def bearer_required(blp, *, admin=False, read_only=False):
    """The caller must send a valid access token (and be an admin of their company when admin=True).

    read_only=True: the operation only reads, so the token check and the view run without a
    transaction (no BEGIN/ROLLBACK round trips; a write would raise: webapp/core/database.py).
    """

    def decorator(view):
        def checked(*args, **kwargs):
            verify_jwt_in_request()
            if admin and not api_user.is_admin:
                raise NotAllowed(_("Only admins of the company may do that."))
            return view(*args, **kwargs)

        @wraps(view)
        def wrapped(*args, **kwargs):
            if not read_only:
                return checked(*args, **kwargs)
            with reads_only(db.session()):
                return checked(*args, **kwargs)

        statuses = (401, 403) if admin else (401,)
        return documents_errors(blp, *statuses)(blp.doc(security=BEARER)(wrapped))

    return decorator


def ensure_admin_or_self(user_id: int) -> None:
    """Admins may act on any member of their company; others only on themselves."""
    if not api_user.is_admin and api_user.id != user_id:
        raise NotAllowed(_("You may only do that for your own account."))
