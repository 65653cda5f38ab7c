"""GET /api/v1/me: the user the access token belongs to."""
from flask.views import MethodView
from flask_jwt_extended import current_user as api_user

from webapp.api.access import bearer_required
from webapp.api.blueprint import resource_blueprint
from webapp.api.schemas import UserSchema

blp = resource_blueprint("api_me", __name__)
URL_PREFIX = "/api/v1/me"
TAG = "Me"
DESCRIPTION = "The caller's own account."


@blp.route("", tags=[TAG])
class Me(MethodView):
    @bearer_required(blp, read_only=True)
    @blp.response(200, UserSchema)
    def get(self):
        """The authenticated user."""
        return api_user
