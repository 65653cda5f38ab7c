"""/api/v1/users: members of the caller's company, their views and their API sessions."""
from flask.views import MethodView
from flask_babel import gettext as _
from flask_jwt_extended import current_user as api_user

from webapp.accounts import membership, sessions
from webapp.accounts.queries import members_query, scoped_member_or_404, views_of_user_query
from webapp.api.access import bearer_required, documents_errors, ensure_admin_or_self
from webapp.api.blueprint import resource_blueprint
from webapp.api.pagination import page_schema, requested_page
from webapp.api.schemas import (
    PageArgsSchema,
    PendingMemberSchema,
    SessionSchema,
    UserCreateSchema,
    UserListArgsSchema,
    UserPatchSchema,
    UserSchema,
    ViewSchema,
)
from webapp.core.ids import ID_RULE
from webapp.core.pagination import ROWS

blp = resource_blueprint("api_users", __name__)
URL_PREFIX = "/api/v1/users"
TAG = "Users"
DESCRIPTION = "Members of the caller's company. Another company's ids answer 404."
MEMBER = f"/<{ID_RULE}:user_id>"


def member_for_caller(user_id: int):
    """A member of the caller's company (404 otherwise) that the caller may act on (403 otherwise)."""
    member = scoped_member_or_404(api_user, user_id)
    ensure_admin_or_self(member.id)
    return member


@blp.route("", tags=[TAG])
class Users(MethodView):
    @bearer_required(blp, admin=True, read_only=True)
    @blp.arguments(UserListArgsSchema, location="query")
    @blp.response(200, page_schema(UserSchema))
    def get(self, args):
        """Members of the company, by email; `email` filters on part of the address (admins)."""
        return requested_page(members_query(api_user.corporation_id, args.get("email")), args)

    @bearer_required(blp, admin=True)
    @blp.arguments(UserCreateSchema)
    @blp.response(202, PendingMemberSchema)
    @documents_errors(blp, 409, 413, 415)
    def post(self, data):
        """Add a member with a password you chose (admins): pending until the address is confirmed.

        Nobody gets an account on an address its owner has not confirmed: the answer is a pending
        invitation (`password_preset: true`; listed, re-sent and revoked under /api/v1/invitations),
        and the address gets a single-use link (valid INVITE_TTL_HOURS) to confirm it; then the member
        exists and logs in with this password. The answer is the same 202 whether or not the address
        has an account in another company (its owner is told by mail that someone tried instead). A
        current member of your company answers 409. Changed in this version: it answered 201 with the
        new member.
        """
        pending = membership.add_member(api_user, data["email"], data["password"], data["role"])
        return {"message": _("%(email)s is pending: we sent the address a link to confirm it. The account works "
                             "with the password you chose once it is confirmed.", email=pending.email),
                "invitation": pending}


@blp.route(MEMBER, tags=[TAG])
class UserById(MethodView):
    @bearer_required(blp, read_only=True)
    @blp.response(200, UserSchema)
    @documents_errors(blp, 403, 404)
    def get(self, user_id):
        """A member (admins, or the member themself)."""
        return member_for_caller(user_id)

    @bearer_required(blp)
    @blp.arguments(UserPatchSchema)
    @blp.response(200, UserSchema)
    @documents_errors(blp, 403, 404, 409, 413, 415)
    def patch(self, data, user_id):
        """Change a role (admins) or a password.

        Your own password needs `current_password`; admins set other members' passwords directly.
        A password change ends the member's sessions and refresh tokens. Demoting the last admin
        answers 409 last_admin. Both changes apply, or neither.
        """
        return membership.update_member(api_user, member_for_caller(user_id), role=data.get("role"),
                                        password=data.get("password"),
                                        current_password=data.get("current_password"))

    @bearer_required(blp)
    @blp.response(204)
    @documents_errors(blp, 403, 404, 409)
    def delete(self, user_id):
        """Remove a member (admins, or the member themself); the last admin answers 409 last_admin."""
        membership.remove_member(api_user, member_for_caller(user_id))


@blp.route(f"{MEMBER}/views", tags=[TAG])
class UserViews(MethodView):
    @bearer_required(blp, read_only=True)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_schema(ViewSchema))
    @documents_errors(blp, 403, 404)
    def get(self, args, user_id):
        """The member's watch history, newest first (admins, or the member themself)."""
        return requested_page(views_of_user_query(member_for_caller(user_id).id), args)


@blp.route(f"{MEMBER}/sessions", tags=[TAG])
class UserSessions(MethodView):
    @bearer_required(blp, read_only=True)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_schema(SessionSchema))
    @documents_errors(blp, 403, 404)
    def get(self, args, user_id):
        """The member's active API sessions (never the token values)."""
        return requested_page(sessions.active_sessions_query(member_for_caller(user_id)), args, items=ROWS)

    @bearer_required(blp)
    @blp.response(204)
    @documents_errors(blp, 403, 404)
    def delete(self, user_id):
        """End every session of the member: refresh tokens, access tokens and browser sessions."""
        sessions.end_all_sessions(api_user, member_for_caller(user_id))
