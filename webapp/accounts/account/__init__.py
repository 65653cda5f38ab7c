"""My account: points, watch history and password, for every member."""
from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/account")

from webapp.accounts.account import routes  # noqa: E402,F401
