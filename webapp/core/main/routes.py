"""Home page routes."""
from flask import render_template
from flask_login import current_user

from webapp.core.main import bp


@bp.get("/")
def index():
    return render_template("main/index.html", user=current_user)
