"""The library: every member's view of the corporation's videos."""
from flask import Blueprint

bp = Blueprint("library", __name__, url_prefix="/library")

from webapp.videos.library import routes  # noqa: E402,F401
