"""Members of a corporation: admins and guests."""
from flask import Blueprint

bp = Blueprint("members", __name__, url_prefix="/members")

from webapp.accounts.members import routes  # noqa: E402,F401
