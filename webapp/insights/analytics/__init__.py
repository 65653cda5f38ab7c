"""Viewing analytics for corporate admins."""
from flask import Blueprint

bp = Blueprint("analytics", __name__, url_prefix="/analytics")

from webapp.insights.analytics import routes  # noqa: E402,F401
