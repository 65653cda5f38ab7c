"""My account: points, watch history, and changing one's own password."""
from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from webapp.accounts import sessions
from webapp.accounts.account import bp
from webapp.accounts.account.forms import ChangePasswordForm
from webapp.accounts.membership import change_own_password
from webapp.accounts.queries import views_of_user_query
from webapp.core.exceptions import DomainError
from webapp.core.pages import current_page, show_domain_error


def render_account(form, status=200):
    history = current_page(views_of_user_query(current_user.id))
    return render_template("account/index.html", form=form, history=history), status


@bp.get("/")
@login_required
def index():
    return render_account(ChangePasswordForm(formdata=None))


@bp.post("/password")
@login_required
def change_password():
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return render_account(form, 400)
    user = current_user._get_current_object()
    try:
        change_own_password(user, form.current_password.data, form.new_password.data)
    except DomainError as error:
        show_domain_error(form, error)
        return render_account(form, error.status)
    sessions.reissue_browser_session(user)  # the password change ended every session, this one included
    flash("Your password was changed. Your other sessions have been logged out.", "success")
    return redirect(url_for("account.index"))
