"""POST /api/v1/auth/login, /refresh, /logout: access tokens and rotating refresh tokens."""
from flask import current_app, request
from flask.views import MethodView
from flask_limiter.util import get_remote_address

from webapp.api import tokens
from webapp.api.access import documents_errors
from webapp.api.blueprint import limit_body_size, resource_blueprint
from webapp.api.schemas import LoginSchema, RefreshTokenSchema, TokenPairSchema
from webapp.extensions import limiter
from webapp.models import normalise_email

blp = resource_blueprint("api_auth", __name__)
URL_PREFIX = "/api/v1/auth"
TAG = "Auth"
DESCRIPTION = "Log in, refresh the access token, log out."


def login_account_key() -> str:
    """Rate-limit key of the account a login names (the email), falling back to the client address."""
    limit_body_size()  # this may run before the blueprint's own hook: never read a huge body
    data = request.get_json(silent=True)
    email = data.get("email") if isinstance(data, dict) else None
    if isinstance(email, str) and email.strip():
        return "email:" + normalise_email(email)[:254]
    return "ip:" + get_remote_address()


def failed(response) -> bool:
    return response.status_code == 401


TOO_MANY = "Too many login attempts. Wait a moment (see Retry-After) and try again."
per_ip = limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT_PER_IP"], scope="api-login-ip",
                       error_message=TOO_MANY)
per_account = limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT_PER_ACCOUNT"],
                            key_func=login_account_key, scope="api-login-account", deduct_when=failed,
                            error_message=TOO_MANY)


def user_agent() -> str:
    return request.user_agent.string


@blp.route("/login", tags=[TAG])
class Login(MethodView):
    decorators = [per_ip, per_account]

    @blp.arguments(LoginSchema)
    @blp.response(200, TokenPairSchema)
    @documents_errors(blp, 401, 413, 415, 429)
    def post(self, data):
        """Log in with email and password.

        The same 401 answers an unknown email and a wrong password. Rate limited per client
        address and per email (429 with Retry-After).
        """
        return tokens.log_in(data["email"], data["password"], user_agent())


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
        return tokens.rotate(data["refresh_token"], user_agent())


@blp.route("/logout", tags=[TAG])
class Logout(MethodView):
    @blp.arguments(RefreshTokenSchema)
    @blp.response(204)
    @documents_errors(blp, 413, 415)
    def post(self, data):
        """End the session of this refresh token."""
        tokens.log_out(data["refresh_token"])
