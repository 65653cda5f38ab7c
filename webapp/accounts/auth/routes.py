"""Login, logout and sign-up pages (rate limited), logging out one's other sessions, and the language switch."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.accounts import sessions
from webapp.accounts.auth import bp
from webapp.accounts.auth.forms import LoginForm, SignupForm
from webapp.accounts.services import authenticate, set_member_language
from webapp.accounts.signup import request_sign_up
from webapp.accounts.throttling import login_per_account, login_per_ip, signup_global, signup_per_ip
from webapp.core.exceptions import AddressUnconfirmed, DomainError
from webapp.core.i18n import browser_zone, is_locale, remember_in_session
from webapp.core.pages import safe_next


@bp.route("/login", methods=["GET", "POST"])
@login_per_ip
@login_per_account
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data)
        except AddressUnconfirmed as error:  # the right password: say what to do, offer a new link
            return render_template("auth/login.html", form=form, unconfirmed=error), error.status
        if user is None:
            flash(_("Wrong email or password."), "error")
            return render_template("auth/login.html", form=form, wrong_password=True), 401
        sessions.start_browser_session(user)
        return redirect(safe_next(request.args.get("next")) or url_for("main.index"))
    if request.method == "GET" and request.args.get("email"):  # from "your address is confirmed"
        form.email.data = request.args.get("email", type=str)[:254]
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
def logout():
    sessions.end_browser_session()
    flash(_("You have been logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/signup", methods=["GET", "POST"])
@signup_per_ip
@signup_global
def signup():
    form = SignupForm()
    if form.validate_on_submit():
        try:
            request_sign_up(form.name.data, form.email.data, form.password.data,
                            timezone=browser_zone(form.timezone.data), locale=str(get_locale()))
        except DomainError as error:
            flash(error.message, "error")
            return render_template("auth/signup.html", form=form), error.status
        return render_template("auth/signup_sent.html", email=form.email.data)
    return render_template("auth/signup.html", form=form), 400 if form.errors else 200


@bp.post("/sessions/log-out-others")
@login_required
def log_out_others():
    user = sessions.log_out_other_sessions(current_user._get_current_object())
    sessions.reissue_browser_session(user)
    flash(_("Your other sessions have been logged out. This browser stays logged in."), "success")
    return redirect(url_for("account.index"))


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
