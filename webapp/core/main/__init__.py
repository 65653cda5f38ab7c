"""The home page: sends people where their work is."""
from flask import Blueprint

bp = Blueprint("main", __name__)

from webapp.core.main import routes  # noqa: E402,F401
