"""Pages reached from mailed links: confirm a sign-up (and ask for a new link), accept an invitation or
confirm an address an admin added, ask for a password reset, set a new password."""
from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from webapp.accounts import invitations, password_reset, sessions, signup
from webapp.accounts.auth import bp
from webapp.accounts.auth.forms import ConfirmForm, ForgotPasswordForm, NewPasswordForm, ResendConfirmationForm
from webapp.accounts.throttling import (
    confirm_resend_per_address,
    confirm_resend_per_ip,
    reset_per_address,
    reset_per_ip,
)
from webapp.core.exceptions import DomainError
from webapp.core.pages import JUST_SIGNED_UP, show_domain_error


def link_token() -> str:
    return request.args.get("token", "", type=str)


def refused_link(error: DomainError):
    """The page of a link that cannot be used (tampered, used, expired): why, and what to do."""
    return render_template("auth/link_refused.html", message=error.message), error.status


@bp.route("/invitations/accept", methods=["GET", "POST"])
def accept_invitation():
    token = link_token()
    try:
        invitation = invitations.check_invitation(token)
    except DomainError as error:
        return refused_link(error)
    if invitation.password_preset:
        return confirm_added_member(token, invitation)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = invitations.accept(token, form.password.data)
        except DomainError as error:
            show_domain_error(form, error)
            return render_template("auth/accept_invitation.html", form=form, invitation=invitation), error.status
        sessions.start_browser_session(user)
        flash(_("Welcome to %(company)s!", company=user.corporation.name), "success")
        return redirect(url_for("main.index"))
    status = 400 if form.errors else 200
    return render_template("auth/accept_invitation.html", form=form, invitation=invitation), status


def confirm_added_member(token: str, invitation):
    """A member an admin added with a password confirms the address with a button (the link alone
    changes nothing: mail scanners open links), then logs in with the admin's password."""
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            user = invitations.accept(token, None)
        except DomainError as error:
            return refused_link(error)
        flash(_("Your address is confirmed and your account at %(company)s is active. Log in with the password "
                "your admin gave you, then change it in My account.", company=user.corporation.name), "success")
        return redirect(url_for("auth.login", email=user.email))
    return render_template("auth/confirm_member.html", form=form, invitation=invitation), 400 if form.errors else 200


@bp.route("/password/forgot", methods=["GET", "POST"])
@reset_per_ip
@reset_per_address
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            password_reset.request_reset(form.email.data)
        except DomainError as error:
            show_domain_error(form, error)
            return render_template("auth/forgot_password.html", form=form), error.status
        return render_template("auth/forgot_password_sent.html", email=form.email.data)
    return render_template("auth/forgot_password.html", form=form), 400 if form.errors else 200


@bp.route("/password/reset", methods=["GET", "POST"])
def reset_password():
    token = link_token()
    try:
        row = password_reset.check_reset(token)
    except DomainError as error:
        return refused_link(error)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            password_reset.confirm_reset(token, form.password.data)
        except DomainError as error:
            show_domain_error(form, error)
            return render_template("auth/reset_password.html", form=form, email=row.user.email), error.status
        flash(_("Your password was changed and you were logged out everywhere. Log in with the new password."),
              "success")
        return redirect(url_for("auth.login"))
    status = 400 if form.errors else 200
    return render_template("auth/reset_password.html", form=form, email=row.user.email), status


@bp.route("/signup/confirm", methods=["GET", "POST"])
def confirm_signup():
    token = link_token()
    try:
        row = signup.check_confirmation(token)
    except DomainError as error:
        return refused_link(error)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            admin = signup.confirm_sign_up(token)
        except DomainError as error:
            return refused_link(error)
        sessions.start_browser_session(admin)
        session[JUST_SIGNED_UP] = True  # the home page greets a new admin, not a returning one
        flash(_("Welcome! Your company is set up on the free plan.") if not admin.corporation.is_paid()
              else _("Welcome! %(company)s is active.", company=admin.corporation.name), "success")
        return redirect(url_for("main.index"))
    return render_template("auth/confirm_signup.html", form=form, company=row.user.corporation.name,
                           email=row.user.email), 400 if form.errors else 200


@bp.route("/signup/resend", methods=["GET", "POST"])
@confirm_resend_per_ip
@confirm_resend_per_address
def resend_confirmation():
    """"Didn't get the mail?": the same answer for every address; a job sends a new link when a sign-up
    with it waits for confirmation."""
    form = ResendConfirmationForm()
    if form.validate_on_submit():
        try:
            signup.request_confirmation_again(form.email.data)
        except DomainError as error:
            show_domain_error(form, error)
            return render_template("auth/resend_confirmation.html", form=form), error.status
        return render_template("auth/resend_confirmation_sent.html", email=form.email.data)
    if request.method == "GET":
        form.email.data = request.args.get("email", "", type=str)[:254]
    return render_template("auth/resend_confirmation.html", form=form), 400 if form.errors else 200
