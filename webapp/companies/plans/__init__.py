"""The plan page: free or paid until a date, the plan history, renaming the company."""
from flask import Blueprint

bp = Blueprint("plans", __name__, url_prefix="/plan")

from webapp.companies.plans import routes  # noqa: E402,F401
