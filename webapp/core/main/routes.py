"""Home page: guests go to their Library; admins see the first-run checklist until it is done."""
from flask import redirect, render_template, session, url_for
from flask_login import current_user

from webapp.core.main import bp
from webapp.core.pages import JUST_SIGNED_UP


@bp.get("/")
def index():
    if current_user.is_authenticated and not current_user.is_admin:
        return redirect(url_for("library.index"))
    return render_template("main/index.html", user=current_user, just_signed_up=session.pop(JUST_SIGNED_UP, False))
