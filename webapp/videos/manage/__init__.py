"""Videos of a corporation: sources, uploads and the trash."""
from flask import Blueprint

bp = Blueprint("videos", __name__, url_prefix="/videos")

from webapp.videos import routes  # noqa: E402,F401
