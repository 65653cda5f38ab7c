"""Rate limits of the login doors, sign-up, password reset and confirmation re-sends (page and API alike)."""
from flask import request
from flask_limiter.util import get_remote_address

from webapp.core.extensions import limiter
from webapp.core.ratelimit import setting
from webapp.models import normalise_email


def account_key(email: str | None) -> str:
    """The rate-limit key of one account (any letter case); empty when no email was given."""
    email = normalise_email(email or "")
    return f"account:{email}" if email else ""


def login_form_account_key() -> str:
    return account_key(request.form.get("email"))


def failed_login(response) -> bool:
    """Only failed attempts count against an account, so its owner is not locked out by logins."""
    return response.status_code == 401


def login_limits(account_key_of_request):
    """The per-IP and per-account limits of a login endpoint (a decorator each).

    Every login door (the page, the API) shares the same counters: an attacker gets no more tries
    by switching doors. Every attempt from an IP counts; failed attempts count against the account
    they name. Limits are windows (e.g. "10 per minute"): a locked account opens again when its
    window ends.
    """
    per_ip = limiter.shared_limit(setting("LOGIN_RATE_LIMIT_PER_IP"), "login-ip", key_func=get_remote_address,
                                  methods=["POST"])
    per_account = limiter.shared_limit(setting("LOGIN_RATE_LIMIT_PER_ACCOUNT"), "login-account",
                                       key_func=account_key_of_request, methods=["POST"],
                                       deduct_when=failed_login)
    return per_ip, per_account


login_per_ip, login_per_account = login_limits(login_form_account_key)


def everyone() -> str:
    """The key of a limit counted for all clients together."""
    return "all"


# Sign-up through the page and through the API (POST /api/v1/corporations) share these counters:
# per client address, and for the whole installation (a botnet from many addresses).
signup_per_ip = limiter.shared_limit(setting("SIGNUP_RATE_LIMIT"), "signup-ip", key_func=get_remote_address,
                                     methods=["POST"])
signup_global = limiter.shared_limit(setting("SIGNUP_RATE_LIMIT_GLOBAL"), "signup-global", key_func=everyone,
                                     methods=["POST"])


def asked_address_key() -> str:
    """The per-address key of a request about an e-mail address (a password reset, a new sign-up
    confirmation link), from the page's form or the API's JSON body."""
    email = request.form.get("email") if request.mimetype != "application/json" else None
    if email is None and request.is_json and (request.content_length or 0) <= 64 * 1024:  # small bodies only
        body = request.get_json(silent=True)
        email = body.get("email") if isinstance(body, dict) else None
    return account_key(email[:254] if isinstance(email, str) else None) or "ip:" + get_remote_address()


# Password-reset requests through the page and the API share these counters: per client address
# and per e-mail address asked about (whether or not it has an account).
reset_per_ip = limiter.shared_limit(setting("PASSWORD_RESET_RATE_LIMIT_PER_IP"), "reset-ip",
                                    key_func=get_remote_address, methods=["POST"])
reset_per_address = limiter.shared_limit(setting("PASSWORD_RESET_RATE_LIMIT_PER_ADDRESS"), "reset-address",
                                         key_func=asked_address_key, methods=["POST"])

# "Didn't get the mail?" (a new sign-up confirmation link) through the page and the API share these
# counters: per client address and per e-mail address asked about.
confirm_resend_per_ip = limiter.shared_limit(setting("CONFIRM_RESEND_RATE_LIMIT_PER_IP"), "confirm-resend-ip",
                                             key_func=get_remote_address, methods=["POST"])
confirm_resend_per_address = limiter.shared_limit(setting("CONFIRM_RESEND_RATE_LIMIT_PER_ADDRESS"),
                                                  "confirm-resend-address", key_func=asked_address_key,
                                                  methods=["POST"])
