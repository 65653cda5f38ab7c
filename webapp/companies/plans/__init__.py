"""Plans: free or paid until a date, the plan history, and the expiry job's logic."""
from flask import Blueprint

bp = Blueprint("plans", __name__, url_prefix="/plan")

from webapp.plans import routes  # noqa: E402,F401
