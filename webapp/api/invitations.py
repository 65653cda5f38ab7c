"""/api/v1/invitations: invite an address with a role, list and revoke pending invitations, accept one."""
from flask.views import MethodView
from flask_jwt_extended import current_user as api_user

from webapp.accounts import invitations
from webapp.api.access import bearer_required, documents_errors
from webapp.api.blueprint import resource_blueprint
from webapp.api.pagination import page_schema, requested_page
from webapp.api.schemas import (
    InvitationCreateSchema,
    InvitationSchema,
    LinkTokenSchema,
    PageArgsSchema,
    TokenPasswordSchema,
    UserSchema,
)
from webapp.core.ids import ID_RULE

blp = resource_blueprint("api_invitations", __name__)
URL_PREFIX = "/api/v1/invitations"
TAG = "Invitations"
DESCRIPTION = ("Invite people by e-mail: they choose their own password through a single-use link "
               "(valid INVITE_TTL_HOURS). Members added with a password (POST /api/v1/users) are listed "
               "here too until they confirm their address. Another company's ids answer 404.")


@blp.route("", tags=[TAG])
class Invitations(MethodView):
    @bearer_required(blp, admin=True, read_only=True)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_schema(InvitationSchema))
    def get(self, args):
        """Pending invitations of the company (not accepted, not revoked; expired ones included), newest first."""
        return requested_page(invitations.pending_query(api_user.corporation_id), args)

    @bearer_required(blp, admin=True)
    @blp.arguments(InvitationCreateSchema)
    @blp.response(201, InvitationSchema)
    @documents_errors(blp, 409, 413, 415)
    def post(self, data):
        """Invite an address with a role (admins); the mail is sent in the background.

        The answer is the same whether or not the address has an account in another company (its
        owner is told by mail that someone tried). A current member of your company answers 409.
        Inviting an address that has a pending invitation sends it again with a new link.
        """
        return invitations.invite(api_user, data["email"], data["role"])


@blp.route(f"/<{ID_RULE}:invitation_id>", tags=[TAG])
class InvitationById(MethodView):
    @bearer_required(blp, admin=True)
    @blp.response(204)
    @documents_errors(blp, 404)
    def delete(self, invitation_id):
        """Revoke a pending invitation: its link stops working."""
        invitations.revoke(api_user, invitations.scoped_invitation_or_404(api_user, invitation_id))


@blp.route(f"/<{ID_RULE}:invitation_id>/resend", tags=[TAG])
class InvitationResend(MethodView):
    @bearer_required(blp, admin=True)
    @blp.response(200, InvitationSchema)
    @documents_errors(blp, 404)
    def post(self, invitation_id):
        """Send a pending invitation again with a new link and expiry (the older link stops working)."""
        return invitations.resend(api_user, invitations.scoped_invitation_or_404(api_user, invitation_id))


@blp.route("/confirm", tags=[TAG])
class InvitationConfirm(MethodView):
    @blp.arguments(LinkTokenSchema)
    @blp.response(201, UserSchema)
    @documents_errors(blp, 409, 413, 415)
    def post(self, data):
        """Confirm the address of a member an admin added with a password (no authentication).

        Creates the member with the role and the password the admin chose, once; they log in with
        that password and should change it. A used, revoked, tampered or expired link answers 400
        (`invalid_token` / `token_expired`); an address that got an account meanwhile answers 409
        `email_in_use`.
        """
        return invitations.accept(data["token"], None)


@blp.route("/accept", tags=[TAG])
class InvitationAccept(MethodView):
    @blp.arguments(TokenPasswordSchema)
    @blp.response(201, UserSchema)
    @documents_errors(blp, 409, 413, 415)
    def post(self, data):
        """Accept an invitation with the token of its link and a password (no authentication).

        Creates the member with the invited role, once: a used, revoked, tampered or expired link
        answers 400 (`invalid_token` / `token_expired`). The link of a member added with a password
        is confirmed with `POST /api/v1/invitations/confirm` instead (here: 400).
        """
        return invitations.accept(data["token"], data["password"])
