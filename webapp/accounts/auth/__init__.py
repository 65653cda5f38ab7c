"""Authentication for browsers: sign-up, login, logout."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from webapp.accounts.auth import email_links, routes  # noqa: E402,F401
