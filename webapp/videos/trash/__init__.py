"""The trash: deleted videos, restored on paid plans or deleted forever."""
from flask import Blueprint

bp = Blueprint("trash", __name__, url_prefix="/trash")

from webapp.videos.trash import routes  # noqa: E402,F401
