"""Login, logout and sign-up pages (rate limited), and logging out one's other sessions."""
import unicodedata
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.urls import iri_to_uri

from webapp.accounts import sessions
from webapp.accounts.auth import bp
from webapp.accounts.auth.forms import LoginForm, SignupForm
from webapp.accounts.services import authenticate, sign_up
from webapp.accounts.throttling import login_per_account, login_per_ip, signup_global, signup_per_ip
from webapp.core.exceptions import DomainError

MAX_NEXT_LENGTH = 2048


def safe_next(target: str | None) -> str | None:
    """The `next` redirect target if it is a path on this site, percent-encoded; else None.

    Refused: other hosts and schemes ('//', backslashes, 'http:'), and any whitespace or control
    character (a decoded %0A would otherwise end up inside the Location header).
    """
    if not target or len(target) > MAX_NEXT_LENGTH or not target.startswith("/"):
        return None
    if any(char.isspace() or unicodedata.category(char)[0] == "C" for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//") or "\\" in target:
        return None
    return iri_to_uri(target)


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
            flash("Wrong email or password.", "error")
            return render_template("auth/login.html", form=form), 401
        sessions.start_browser_session(user)
        return redirect(safe_next(request.args.get("next")) or url_for("main.index"))
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
def logout():
    sessions.end_browser_session()
    flash("You have been logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/signup", methods=["GET", "POST"])
@signup_per_ip
@signup_global
def signup():
    form = SignupForm()
    if form.validate_on_submit():
        try:
            _, admin = sign_up(form.name.data, form.email.data, form.password.data)
        except DomainError as error:
            flash(error.message, "error")
            return render_template("auth/signup.html", form=form), error.status
        sessions.start_browser_session(admin)
        flash("Welcome! Your company is set up on the free plan.", "success")
        return redirect(url_for("main.index"))
    return render_template("auth/signup.html", form=form), 400 if form.errors else 200


@bp.post("/sessions/log-out-others")
@login_required
def log_out_others():
    user = sessions.log_out_other_sessions(current_user._get_current_object())
    sessions.reissue_browser_session(user)
    flash("Your other sessions have been logged out. This browser stays logged in.", "success")
    return redirect(url_for("account.index"))
