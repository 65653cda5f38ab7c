"""The Activity page: the audit log of an admin's own corporation."""
from flask import Blueprint

bp = Blueprint("activity", __name__)

from webapp.insights.activity import routes  # noqa: E402,F401
