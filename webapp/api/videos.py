"""/api/v1/videos: the caller's company's library, trash, uploads and views."""
from flask import request, url_for
from flask.views import MethodView
from flask_babel import gettext as _
from flask_jwt_extended import current_user as api_user
from flask_jwt_extended import get_current_user, get_jwt

from webapp.accounts import sessions
from webapp.api.access import bearer_required, documents_errors
from webapp.api.blueprint import resource_blueprint
from webapp.api.errors import parser
from webapp.api.pagination import page_schema, requested_page
from webapp.api.schemas import (
    PageArgsSchema,
    PlaybackUrlSchema,
    PosterFrameSchema,
    PosterUploadSchema,
    VideoCreateSchema,
    VideoListArgsSchema,
    VideoPatchSchema,
    VideoSchema,
    VideoUploadSchema,
    ViewSchema,
)
from webapp.core.exceptions import UnsupportedContentType
from webapp.core.ids import ID_RULE
from webapp.core.pagination import COLUMNS
from webapp.media.posters import poster_response
from webapp.media.streaming import stream_response
from webapp.videos import poster_services, services
from webapp.videos.queries import (
    library_query,
    scoped_video_columns_or_404,
    scoped_video_or_404,
    trash_query,
    views_of_video_query,
    watchable_video_or_404,
)

blp = resource_blueprint("api_videos", __name__)
URL_PREFIX = "/api/v1/videos"
TAG = "Videos"
DESCRIPTION = "Videos of the caller's company. Another company's ids answer 404."
VIDEO = f"/<{ID_RULE}:video_id>"
VIDEO_BYTES = {"schema": {"type": "string", "format": "binary"}}
RANGE_HEADER = {"in": "header", "name": "Range", "required": False, "schema": {"type": "string"},
                "description": "A byte range, e.g. `bytes=0-1048575` (answered with 206)"}
STREAM_TYPES = {"video/mp4": VIDEO_BYTES, "video/webm": VIDEO_BYTES, "application/octet-stream": VIDEO_BYTES}
STREAM_RESPONSES = {
    "200": {"description": "The whole video, as the video's own type", "content": STREAM_TYPES},
    "206": {"description": "The requested range", "content": STREAM_TYPES},
}
CREATE_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": VideoCreateSchema},
        "multipart/form-data": {"schema": VideoUploadSchema},
    },
}


@blp.route("", endpoint="videos", tags=[TAG])
class Videos(MethodView):
    @bearer_required(blp, read_only=True)
    @blp.arguments(VideoListArgsSchema, location="query")
    @blp.response(200, page_schema(VideoSchema))
    def get(self, args):
        """Videos not in the trash, newest first; `q` filters on part of the title (members; failed
        videos are listed for admins only)."""
        # VideoSchema reads column values only: the rows are dumped as they come, without ORM objects.
        query, params = library_query(api_user.corporation_id, args.get("q"), include_failed=api_user.is_admin)
        return requested_page(query, args, items=COLUMNS, params=params)

    @bearer_required(blp, admin=True)
    @blp.doc(requestBody=CREATE_BODY)
    @blp.response(201, VideoSchema)
    @documents_errors(blp, 400, 413, 415)
    def post(self):
        """Add a video (admins): JSON {title, source_url}, or multipart/form-data with title and file.

        A refused source answers 400 invalid_source; a file that is not MP4/WebM 400 invalid_file;
        a file over MAX_UPLOAD_MB 413.
        """
        if request.mimetype == "multipart/form-data":
            data = parser.parse(VideoUploadSchema, location="form_and_files")
            return services.add_video_from_upload(api_user, data["title"], data["file"].stream)
        if request.mimetype and not request.is_json:
            raise UnsupportedContentType(_("Send JSON or multipart/form-data."))
        data = parser.parse(VideoCreateSchema, location="json")
        return services.add_video_from_url(api_user, data["title"], data["source_url"])


@blp.route("/trash", endpoint="trash", tags=[TAG])
class Trash(MethodView):
    @bearer_required(blp, admin=True, read_only=True)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_schema(VideoSchema))
    def get(self, args):
        """Videos in the trash, most recently deleted first (admins)."""
        return requested_page(trash_query(api_user.corporation_id), args, items=COLUMNS)


@blp.route(VIDEO, endpoint="video", tags=[TAG])
class VideoById(MethodView):
    @bearer_required(blp, read_only=True)
    @blp.response(200, VideoSchema)
    @documents_errors(blp, 404)
    def get(self, video_id):
        """A video (members); admins also see videos in the trash and failed ones (404 for guests)."""
        return scoped_video_columns_or_404(api_user, video_id, include_trash=api_user.is_admin)

    @bearer_required(blp, admin=True)
    @blp.arguments(VideoPatchSchema)
    @blp.response(200, VideoSchema)
    @documents_errors(blp, 404, 413, 415)
    def patch(self, data, video_id):
        """Change the title and/or, for URL videos, the source (admins)."""
        video = scoped_video_or_404(api_user, video_id)
        return services.update_video(api_user, video, data.get("title"), data.get("source_url"))

    @bearer_required(blp, admin=True)
    @blp.response(204)
    @documents_errors(blp, 404)
    def delete(self, video_id):
        """Move the video to the trash (admins, any plan)."""
        services.trash_video(api_user, scoped_video_or_404(api_user, video_id))


@blp.route(f"{VIDEO}/restore", endpoint="restore", tags=[TAG])
class Restore(MethodView):
    @bearer_required(blp, admin=True)
    @blp.response(200, VideoSchema)
    @documents_errors(blp, 404, 409)
    def post(self, video_id):
        """Bring a video back from the trash (admins): 403 plan_required unless the plan is paid,
        409 not_in_trash when it is not deleted."""
        return services.restore_video(api_user, scoped_video_or_404(api_user, video_id, include_trash=True))


@blp.route(f"{VIDEO}/purge", endpoint="purge", tags=[TAG])
class Purge(MethodView):
    @bearer_required(blp, admin=True)
    @blp.response(204)
    @documents_errors(blp, 404, 409)
    def delete(self, video_id):
        """Delete a video in the trash for good, with its file (admins); 409 not_in_trash otherwise."""
        services.purge_video(api_user, scoped_video_or_404(api_user, video_id, include_trash=True))


@blp.route(f"{VIDEO}/views", endpoint="views", tags=[TAG])
class VideoViews(MethodView):
    @bearer_required(blp, admin=True, read_only=True)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_schema(ViewSchema))
    @documents_errors(blp, 404)
    def get(self, args, video_id):
        """Who watched the video, newest first (admins)."""
        video = scoped_video_or_404(api_user, video_id, include_trash=True)
        return requested_page(views_of_video_query(video.id), args)


@blp.route(f"{VIDEO}/stream", endpoint="stream", tags=[TAG])
class Stream(MethodView):
    @bearer_required(blp)
    @blp.doc(parameters=[RANGE_HEADER], responses=STREAM_RESPONSES)
    @documents_errors(blp, 404, 416, 502)
    def get(self, video_id):
        """The video's bytes (members), with HTTP Range support.

        The first read that gets bytes logs the view and credits the viewer's points, once.
        Served by the same handler as the web player's stream. The type is the video's own
        (`video/mp4`, `video/webm` or `application/octet-stream`), never the origin's; a range
        past the end is a 416 whose `Content-Range: bytes */<size>` gives the length, and an
        origin that does not answer with video bytes is a 502.
        """
        viewer = get_current_user()
        return stream_response(viewer, watchable_video_or_404(viewer, video_id))


POSTER_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": PosterFrameSchema},
        "multipart/form-data": {"schema": PosterUploadSchema},
    },
}
POSTER_RESPONSES = {"200": {"description": "The poster", "content": {"image/jpeg": {
    "schema": {"type": "string", "format": "binary"}}}}}


@blp.route(f"{VIDEO}/poster", endpoint="poster", tags=[TAG])
class Poster(MethodView):
    @bearer_required(blp)
    @blp.doc(responses=POSTER_RESPONSES)
    @documents_errors(blp, 404)
    def get(self, video_id):
        """The video's poster, a JPEG about 640 px wide (members); 404 while it has none."""
        return poster_response(scoped_video_or_404(api_user, video_id))

    @bearer_required(blp, admin=True)
    @blp.doc(requestBody=POSTER_BODY)
    @blp.response(200, VideoSchema, description="The image is the poster now")
    @blp.alt_response(202, schema=VideoSchema, description=(
        "The frame was asked for: the worker makes the poster. `Location` is the video, whose "
        "`poster_status` is `pending` until then, and `failed` (with `poster_status_detail`) if it could "
        "not be made"))
    @documents_errors(blp, 400, 404, 413, 415)
    def put(self, video_id):
        """Change the poster (admins): JSON `{"at_seconds": 12.5}` asks for the frame at that time of a
        ready video (202: made by the worker; poll the video); multipart/form-data with `file` takes a
        JPEG, PNG or WebP image (200; re-encoded as JPEG). A time that is not a number, negative or past
        the video's end, a video not ready, or an image we cannot read is a 400 with the reason."""
        video = scoped_video_or_404(api_user, video_id)
        if request.mimetype == "multipart/form-data":
            data = parser.parse(PosterUploadSchema, location="form_and_files")
            return poster_services.poster_from_image(api_user, video, data["file"].stream)
        if request.mimetype and not request.is_json:
            raise UnsupportedContentType(_("Send JSON or multipart/form-data."))
        data = parser.parse(PosterFrameSchema, location="json")
        video = poster_services.request_frame(api_user, video, data["at_seconds"])
        return video, 202, {"Location": url_for("api_videos.video", video_id=video.id, _external=True)}


@blp.route(f"{VIDEO}/playback-url", endpoint="playback_url", tags=[TAG])
class PlaybackUrl(MethodView):
    @bearer_required(blp)
    @blp.response(200, PlaybackUrlSchema)
    @documents_errors(blp, 404)
    def post(self, video_id):
        """A signed stream URL for players that cannot send headers (a `<video>` element).

        Bound to the caller and this video and valid for PLAYBACK_URL_TTL seconds; a tampered or
        expired link answers 403, one whose user has since changed password or left answers 401.
        """
        video = scoped_video_or_404(api_user, video_id)
        url, expires_at = sessions.make_playback_url(get_current_user(), video, get_jwt()["fam"])
        return {"url": url, "expires_at": expires_at}
