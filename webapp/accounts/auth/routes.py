"""Login, logout and sign-up pages (rate limited), and logging out one's other sessions."""
from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from webapp.accounts.auth import bp
from webapp.accounts.auth.forms import LoginForm, SignupForm
from webapp.accounts.services import authenticate, log_out_other_sessions, sign_up
from webapp.accounts.throttling import login_per_account, login_per_ip, signup_global, signup_per_ip
from webapp.core.exceptions import DomainError
from webapp.core.extensions import db
from webapp.core.i18n import SESSION_KEY, browser_zone, remember_in_session
from webapp.core.pages import safe_next
from webapp.core.security import forget_session, mark_session_started

def start_session(user):
    """Log the user in with a fresh session (no fixation: the old session data is dropped, except the
    language chosen before logging in)."""
    locale = session.get(SESSION_KEY)
    session.clear()
    remember_in_session(locale)
    login_user(user)
    session.permanent = True
    mark_session_started()


@bp.route("/login", methods=["GET", "POST"])
@login_per_ip
@login_per_account
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            flash(_("Wrong email or password."), "error")
            return render_template("auth/login.html", form=form), 401
        start_session(user)
        return redirect(safe_next(request.args.get("next")) or url_for("main.index"))
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
def logout():
    forget_session()
    db.session.commit()
    logout_user()
    locale = session.get(SESSION_KEY)
    session.clear()
    remember_in_session(locale)
    flash(_("You have been logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/signup", methods=["GET", "POST"])
@signup_per_ip
@signup_global
def signup():
    form = SignupForm()
    if form.validate_on_submit():
        try:
            _company, admin = sign_up(form.name.data, form.email.data, form.password.data,
                                      timezone=browser_zone(form.timezone.data), locale=str(get_locale()))
        except DomainError as error:
            flash(error.message, "error")
            return render_template("auth/signup.html", form=form), error.status
        start_session(admin)
        flash(_("Welcome! Your company is set up on the free plan."), "success")
        return redirect(url_for("main.index"))
    return render_template("auth/signup.html", form=form), 400 if form.errors else 200


@bp.post("/sessions/log-out-others")
@login_required
def log_out_others():
    user = log_out_other_sessions(current_user._get_current_object())
    start_session(user)
    flash(_("Your other sessions have been logged out. This browser stays logged in."), "success")
    return redirect(url_for("account.index"))
