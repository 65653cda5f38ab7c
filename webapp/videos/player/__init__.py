"""The web player and the stream route that feeds it."""
from flask import Blueprint

bp = Blueprint("player", __name__)

from webapp.videos.player import routes  # noqa: E402,F401
