"""/api/v1/corporations: sign-up, and the caller's own company (read, change, delete)."""
from flask.views import MethodView
from flask_babel import gettext as _
from flask_jwt_extended import current_user as api_user

from webapp.accounts.signup import confirm_sign_up, request_confirmation_again, request_sign_up
from webapp.accounts.throttling import (
    confirm_resend_per_address,
    confirm_resend_per_ip,
    signup_global,
    signup_per_ip,
)
from webapp.api.access import bearer_required, documents_errors
from webapp.api.blueprint import resource_blueprint
from webapp.api.schemas import (
    AcceptedSchema,
    ConfirmationResendSchema,
    CorporationPatchSchema,
    CorporationSchema,
    LinkTokenSchema,
    SignUpResultSchema,
    SignUpSchema,
)
from webapp.companies.queries import own_corporation_or_404
from webapp.companies.services import KEEP, delete_corporation, update_corporation
from webapp.core.ids import ID_RULE

blp = resource_blueprint("api_corporations", __name__)
URL_PREFIX = "/api/v1/corporations"
TAG = "Corporations"
DESCRIPTION = "Sign-up and the caller's company. Another company's id answers 404."


@blp.route("", tags=[TAG])
class Corporations(MethodView):
    decorators = [signup_per_ip, signup_global]  # counted together with the sign-up page

    @blp.arguments(SignUpSchema)
    @blp.response(202, AcceptedSchema)
    @documents_errors(blp, 409, 413, 415, 429)
    def post(self, data):
        """Sign a company up with its first admin (no authentication); it is active once confirmed.

        The admin address gets a confirmation link (valid SIGNUP_CONFIRM_HOURS; see
        `POST /api/v1/corporations/confirm`); an unconfirmed sign-up is removed after that time.
        The answer is the same 202 whether or not the address already has an account (its owner is
        told by mail that someone tried). A paid plan needs a plan_expires_at in the future; a taken
        company name answers 409. Rate limited like the sign-up page, per client address and
        overall (429 with Retry-After).
        """
        request_sign_up(data["name"], data["admin_email"], data["admin_password"], data["plan"],
                        data["plan_expires_at"], timezone=data["timezone"], locale=data["locale"])
        return {"message": _("Check the admin's e-mail: the company is active once the address is confirmed.")}


@blp.route("/confirm", tags=[TAG])
class ConfirmSignUp(MethodView):
    @blp.arguments(LinkTokenSchema)
    @blp.response(200, SignUpResultSchema)
    @documents_errors(blp, 413, 415)
    def post(self, data):
        """Confirm a sign-up with the token of its mailed link (no authentication): the company is active.

        A used, tampered or expired link answers 400 (`invalid_token` / `token_expired`).
        """
        admin = confirm_sign_up(data["token"])
        return {"corporation": admin.corporation, "admin": admin}


@blp.route("/confirm/resend", tags=[TAG])
class ResendConfirmation(MethodView):
    decorators = [confirm_resend_per_ip, confirm_resend_per_address]  # counted together with the page

    @blp.arguments(ConfirmationResendSchema)
    @blp.response(202, AcceptedSchema)
    @documents_errors(blp, 413, 415, 429)
    def post(self, data):
        """Ask for a new confirmation link of a sign-up (no authentication).

        Always 202, whether or not a sign-up with this address waits for confirmation: the look-up
        and the mail happen in the background. The new link replaces older ones and works until the
        sign-up's own deadline (SIGNUP_CONFIRM_HOURS after it was made). Rate limited per client
        address and per e-mail address (429 with Retry-After).
        """
        request_confirmation_again(data["email"])
        return {"message": _("If a sign-up with this address is waiting for confirmation, a new link is on its way.")}


@blp.route(f"/<{ID_RULE}:corporation_id>", tags=[TAG])
class CorporationById(MethodView):
    @bearer_required(blp, read_only=True)
    @blp.response(200, CorporationSchema)
    @documents_errors(blp, 404)
    def get(self, corporation_id):
        """The caller's company (members)."""
        return own_corporation_or_404(api_user, corporation_id)

    @bearer_required(blp, admin=True)
    @blp.arguments(CorporationPatchSchema)
    @blp.response(200, CorporationSchema)
    @documents_errors(blp, 404, 409, 413, 415)
    def patch(self, data, corporation_id):
        """Rename the company and/or change its plan (admins); all changes apply or none."""
        return update_corporation(api_user, own_corporation_or_404(api_user, corporation_id),
                                  name=data.get("name"), plan=data.get("plan"),
                                  expires_at=data.get("plan_expires_at", KEEP))

    @bearer_required(blp, admin=True)
    @blp.response(204)
    @documents_errors(blp, 404)
    def delete(self, corporation_id):
        """Delete the company (soft): every member loses access at once, tokens included."""
        delete_corporation(api_user, own_corporation_or_404(api_user, corporation_id))
