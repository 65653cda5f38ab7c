"""POST /api/v1/auth/login, /refresh, /logout: access tokens and rotating refresh tokens; password reset."""
from flask import request
from flask.views import MethodView
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import HTTPException

from webapp.accounts import password_reset, sessions
from webapp.accounts.throttling import account_key, login_limits, reset_per_address, reset_per_ip
from webapp.api.access import documents_errors
from webapp.api.blueprint import limit_body_size, resource_blueprint
from webapp.api.json_body import json_object
from webapp.api.schemas import (
    AcceptedSchema,
    LoginSchema,
    PasswordResetRequestSchema,
    RefreshTokenSchema,
    TokenPairSchema,
    TokenPasswordSchema,
)
from webapp.core import limits
from webapp.core.exceptions import DomainError

blp = resource_blueprint("api_auth", __name__)
URL_PREFIX = "/api/v1/auth"
TAG = "Auth"
DESCRIPTION = "Log in, refresh the access token, log out; reset a forgotten password by e-mail."


def login_account_key() -> str:
    """Rate-limit key of the account a login names (the email), falling back to the client address."""
    limit_body_size()  # this may run before the blueprint's own hook: never read a huge body
    try:
        email = json_object(request).get("email")
    except (DomainError, HTTPException):  # the view answers it (400 invalid_json, 413)
        email = None
    return (isinstance(email, str) and account_key(email[:limits.EMAIL_MAX])) or "ip:" + get_remote_address()


# Counted together with the login page's attempts (webapp/accounts/throttling.py).
per_ip, per_account = login_limits(login_account_key)


def user_agent() -> str:
    return request.user_agent.string


@blp.route("/login", tags=[TAG])
class Login(MethodView):
    decorators = [per_ip, per_account]

    @blp.arguments(LoginSchema)
    @blp.response(200, TokenPairSchema)
    @documents_errors(blp, 401, 403, 413, 415, 429)
    def post(self, data):
        """Log in with email and password.

        The same 401 answers an unknown email and a wrong password. The right password of a sign-up
        whose address is not confirmed yet answers 403 `address_unconfirmed` (ask for a new link with
        `POST /api/v1/corporations/confirm/resend`). Rate limited per client address and per email
        (429 with Retry-After).
        """
        return sessions.open_api_session(data["email"], data["password"], user_agent())


@blp.route("/refresh", tags=[TAG])
class Refresh(MethodView):
    @blp.arguments(RefreshTokenSchema)
    @blp.response(200, TokenPairSchema)
    @documents_errors(blp, 401, 413, 415)
    def post(self, data):
        """Trade a refresh token for a new pair.

        The refresh token is rotated: the one sent is dead from then on, and sending an
        already-rotated token again ends the whole session (every token of its family).
        """
        return sessions.rotate_refresh_token(data["refresh_token"], user_agent())


@blp.route("/logout", tags=[TAG])
class Logout(MethodView):
    @blp.arguments(RefreshTokenSchema)
    @blp.response(204)
    @documents_errors(blp, 413, 415)
    def post(self, data):
        """End the session of this refresh token."""
        sessions.close_api_session(data["refresh_token"])


@blp.route("/password-reset", tags=[TAG])
class PasswordReset(MethodView):
    decorators = [reset_per_ip, reset_per_address]  # counted together with the "Forgot password?" page

    @blp.arguments(PasswordResetRequestSchema)
    @blp.response(202, AcceptedSchema)
    @documents_errors(blp, 413, 415, 429)
    def post(self, data):
        """Ask for a password-reset link by e-mail (no authentication).

        Always 202, whether or not the address has an account: the look-up and the mail happen in
        the background. The link works once, for RESET_TTL_MINUTES. Rate limited per client address
        and per e-mail address (429 with Retry-After).
        """
        password_reset.request_reset(data["email"])
        return {"message": _("If this address has an account, a link to choose a new password is on its way.")}


@blp.route("/password-reset/confirm", tags=[TAG])
class PasswordResetConfirm(MethodView):
    @blp.arguments(TokenPasswordSchema)
    @blp.response(204)
    @documents_errors(blp, 413, 415)
    def post(self, data):
        """Set a new password with the token of a reset link (no authentication).

        Ends every session of the member: browser sessions, access and refresh tokens, playback URLs.
        A used, tampered or expired link answers 400 (`invalid_token` / `token_expired`).
        """
        password_reset.confirm_reset(data["token"], data["password"])
