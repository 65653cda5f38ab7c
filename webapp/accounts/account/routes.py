"""My account: points, watch history, and changing one's own password."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required

from webapp.accounts import sessions
from webapp.accounts.account import bp
from webapp.accounts.account.forms import ChangePasswordForm, LanguageForm
from webapp.accounts.membership import change_own_password
from webapp.accounts.queries import views_of_user_query
from webapp.accounts.services import set_member_language
from webapp.core.exceptions import DomainError
from webapp.core.i18n import remember_in_session
from webapp.core.pages import current_page, show_domain_error


def render_account(form=None, language_form=None, status=200):
    history = current_page(views_of_user_query(current_user.id))
    form = form or ChangePasswordForm(formdata=None)
    language_form = language_form or LanguageForm(formdata=None, data={"locale": current_user.locale or ""})
    return render_template("account/index.html", form=form, language_form=language_form,
                           history=history), status


@bp.get("/")
@login_required
def index():
    return render_account()


@bp.post("/language")
@login_required
def change_language():
    form = LanguageForm()
    if not form.validate_on_submit():
        return render_account(language_form=form, status=400)
    locale = form.locale.data or None
    set_member_language(current_user, locale)
    remember_in_session(locale)
    refresh()  # the confirmation speaks the newly chosen language
    flash(_("Your language was saved."), "success")
    return redirect(url_for("account.index"))


@bp.post("/password")
@login_required
def change_password():
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return render_account(form, status=400)
    user = current_user._get_current_object()
    try:
        change_own_password(user, form.current_password.data, form.new_password.data)
    except DomainError as error:
        show_domain_error(form, error)
        return render_account(form, status=error.status)
    sessions.reissue_browser_session(user)  # the password change ended every session, this one included
    flash(_("Your password was changed. Your other sessions have been logged out."), "success")
    return redirect(url_for("account.index"))
