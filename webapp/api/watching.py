"""/api/v1/videos/{id}/position and /stats: where the caller is in a video, and how much a video is watched."""
from flask.views import MethodView
from flask_jwt_extended import current_user as api_user
from marshmallow import Schema, ValidationError, fields

from webapp.api.access import bearer_required, documents_errors
from webapp.api.blueprint import resource_blueprint
from webapp.core.exceptions import ValidationFailed
from webapp.core.ids import ID_RULE
from webapp.insights.stats import video_watch_stats
from webapp.videos import watching
from webapp.videos.queries import scoped_video_or_404, watchable_video_or_404

blp = resource_blueprint("api_watching", __name__)
URL_PREFIX = "/api/v1/videos"
TAG = "Watching"
DESCRIPTION = ("The caller's place in a video (resume across devices) and watch-time figures. "
               "Another company's ids, and videos in the trash, answer 404.")
VIDEO = f"/<{ID_RULE}:video_id>"


class Seconds(fields.Number):
    """A number of seconds ≥ 0: never a string, a boolean, NaN or an infinity (the service's rule)."""

    num_type = float

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return watching.checked_seconds(value)
        except ValidationFailed as error:
            raise ValidationError(error.message) from None


class PositionInSchema(Schema):
    position_seconds = Seconds(required=True, metadata={
        "description": "Seconds from the start, ≥ 0; a value past the video's duration is taken as its end",
        "example": 192.5, "minimum": 0})


class PositionSchema(Schema):
    position_seconds = fields.Float(required=True, metadata={"example": 192.5})
    completed = fields.Boolean(required=True, metadata={
        "description": "True once the caller reached 95 % of the video (the player then starts it over)"})
    updated_at = fields.DateTime(required=True, allow_none=True, metadata={"description": "null before any save"})


class WatchStatsSchema(Schema):
    views = fields.Integer(required=True, metadata={"description": "First views credited (one per member)"})
    viewers = fields.Integer(required=True, metadata={"description": "Members whose player saved a position"})
    seconds_watched = fields.Float(required=True, metadata={
        "description": "Watch time of all members: forward progress of at most 15 s between two saves, "
                       "no faster than twice real time (seeking and forged jumps add nothing)"})
    completion_rate = fields.Float(required=True, metadata={
        "description": "Share of viewers who reached 95 % of the video, 0–1"})
    average_percent_watched = fields.Float(required=True, allow_none=True, metadata={
        "description": "Average of each viewer's watch time as a percentage of the duration (at most 100); "
                       "null while the duration is unknown"})


@blp.route(f"{VIDEO}/position", endpoint="position", tags=[TAG])
class Position(MethodView):
    @bearer_required(blp)
    @blp.response(200, PositionSchema)
    @documents_errors(blp, 404)
    def get(self, video_id):
        """The caller's saved place in the video (zeros and `updated_at: null` before any save)."""
        return watching.position_answer(api_user, watchable_video_or_404(api_user, video_id))

    @bearer_required(blp)
    @blp.arguments(PositionInSchema)
    @blp.response(204)
    @documents_errors(blp, 404)
    def put(self, data, video_id):
        """Save the caller's place: a number ≥ 0 (past the duration: clamped; negative, NaN or not a
        number: 400). It adds watch time only for plausible forward progress since the last save."""
        watching.save_position(api_user, watchable_video_or_404(api_user, video_id), data["position_seconds"])


@blp.route(f"{VIDEO}/stats", endpoint="stats", tags=[TAG])
class Stats(MethodView):
    @bearer_required(blp, admin=True)
    @blp.response(200, WatchStatsSchema)
    @documents_errors(blp, 404)
    def get(self, video_id):
        """How much the video is watched (admins; videos in the trash too)."""
        return video_watch_stats(scoped_video_or_404(api_user, video_id, include_trash=True))
