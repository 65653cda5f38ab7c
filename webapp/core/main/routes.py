"""Home page and the language switch."""
from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.core.i18n import is_locale, remember_in_session
from webapp.core.main import bp
from webapp.core.pages import safe_next
from webapp.accounts.services import set_member_language


@bp.get("/")
def index():
    return render_template("main/index.html", user=current_user)


@bp.post("/language")
def choose_language():
    """The footer's language switch: saved for a signed-in member, kept in the session otherwise."""
    locale = request.form.get("locale", "")
    if not is_locale(locale):
        abort(400, description=_("Choose English or Korean."))
    remember_in_session(locale)
    if current_user.is_authenticated:
        set_member_language(current_user, locale)
    return redirect(safe_next(request.form.get("next")) or url_for("main.index"), 303)
