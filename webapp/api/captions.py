"""/api/v1/videos/{id}/captions: a video's caption files (list, add, read as WebVTT, remove)."""
from flask import request
from flask.views import MethodView
from flask_babel import gettext as _
from flask_jwt_extended import current_user as api_user
from marshmallow import Schema, fields

from webapp.api.access import bearer_required, documents_errors
from webapp.api.blueprint import resource_blueprint
from webapp.api.errors import parser
from webapp.api.fields import UploadedFile, text
from webapp.core.exceptions import UnsupportedContentType
from webapp.core.ids import ID_RULE
from webapp.media.captions import caption_response
from webapp.models_watching import CAPTION_LABEL_MAX, CAPTION_LANGUAGE_MAX
from webapp.videos import caption_services
from webapp.videos.queries import scoped_video_or_404, watchable_video_or_404

blp = resource_blueprint("api_captions", __name__)
URL_PREFIX = "/api/v1/videos"
TAG = "Captions"
DESCRIPTION = ("Caption files of a video: WebVTT or SRT in (SRT is converted), WebVTT out. "
               "Another company's ids, and videos in the trash, answer 404.")
VIDEO = f"/<{ID_RULE}:video_id>"
CAPTION = f"{VIDEO}/captions/<{ID_RULE}:caption_id>"


class CaptionSchema(Schema):
    id = fields.Integer(required=True)
    language = fields.String(required=True, metadata={"description": "BCP 47 language tag", "example": "en-US"})
    label = fields.String(required=True, metadata={"description": "What the captions menu shows",
                                                   "example": "English"})
    is_default = fields.Boolean(required=True, metadata={"description": "Shown when the video starts"})


class CaptionUploadSchema(Schema):
    file = UploadedFile(required=True, metadata={"description": "A WebVTT (.vtt) or SRT (.srt) file, UTF-8, ≤ 1 MB"})
    language = text(CAPTION_LANGUAGE_MAX, required=True, metadata={
        "description": "BCP 47 language tag (validated against the IANA registry)", "example": "ko"})
    label = text(CAPTION_LABEL_MAX, required=True, metadata={"example": "한국어"})
    is_default = fields.Boolean(load_default=False, metadata={"description": "Make these the default captions"})


VTT_RESPONSES = {"200": {"description": "The caption file", "content": {"text/vtt": {"schema": {"type": "string"}}}}}


@blp.route(f"{VIDEO}/captions", endpoint="captions", tags=[TAG])
class Captions(MethodView):
    @bearer_required(blp, read_only=True)
    @blp.response(200, CaptionSchema(many=True))
    @documents_errors(blp, 404)
    def get(self, video_id):
        """The video's captions, the default first (members)."""
        return caption_services.captions_of(watchable_video_or_404(api_user, video_id))

    @bearer_required(blp, admin=True)
    @blp.doc(requestBody={"required": True, "content": {"multipart/form-data": {"schema": CaptionUploadSchema}}})
    @blp.response(201, CaptionSchema)
    @documents_errors(blp, 400, 404, 413, 415)
    def post(self, video_id):
        """Add captions (admins): multipart/form-data with file, language, label, is_default.

        A file that is not WebVTT or SRT, or has a bad line, is a 400 whose message names the line;
        a bad language tag a 400 `invalid_language`; a file over 1 MB a 413.
        """
        video = scoped_video_or_404(api_user, video_id)
        if request.mimetype != "multipart/form-data":
            raise UnsupportedContentType(_("Send multipart/form-data."))
        data = parser.parse(CaptionUploadSchema, location="form_and_files")
        return caption_services.add_caption(api_user, video, data["file"].stream, data["language"],
                                            data["label"], data["is_default"])


@blp.route(CAPTION, endpoint="caption", tags=[TAG])
class CaptionById(MethodView):
    @bearer_required(blp)
    @blp.doc(responses=VTT_RESPONSES)
    @documents_errors(blp, 404)
    def get(self, video_id, caption_id):
        """The caption file as `text/vtt` (members)."""
        video = watchable_video_or_404(api_user, video_id)
        return caption_response(caption_services.caption_or_404(video, caption_id))

    @bearer_required(blp, admin=True)
    @blp.response(204)
    @documents_errors(blp, 404)
    def delete(self, video_id, caption_id):
        """Remove captions from the video (admins)."""
        video = scoped_video_or_404(api_user, video_id)
        caption_services.delete_caption(api_user, video, caption_services.caption_or_404(video, caption_id))
