"""The video pages of admins: list, add from a URL or by upload, edit, move to the trash."""
from flask import Blueprint

bp = Blueprint("videos", __name__, url_prefix="/videos")

from webapp.videos.manage import caption_routes, routes  # noqa: E402,F401
