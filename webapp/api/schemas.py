"""Request and response schemas of the JSON API (they also generate the OpenAPI document)."""
from flask import g, url_for
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate

from webapp.api.compiled_dump import CompiledDumpSchema
from webapp.api.fields import JsonNumber, UploadedFile, text
from webapp.core.i18n import LOCALES, is_timezone
from webapp.core.ids import MAX_ID
from webapp.core.limits import (
    COMPANY_NAME_MAX,
    EMAIL_MAX,
    PASSWORD_MAX,
    PASSWORD_MIN,
    SEARCH_MAX,
    SOURCE_URL_MAX,
    TITLE_MAX,
)
from webapp.models import PLANS, POSTER_KINDS, POSTER_STATES, ROLES, VIDEO_STATUSES
from webapp.videos.status import detail, poster_detail


class ErrorBodySchema(Schema):
    code = fields.String(required=True, metadata={"description": "snake_case error code",
                                                   "example": "validation_error"})
    message = fields.String(required=True, metadata={"description": "What went wrong, for people"})
    fields_ = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), data_key="fields",
                          metadata={"description": "Messages per invalid field (validation errors)"})


class ErrorSchema(Schema):
    """Every error answer: {"error": {"code", "message"[, "fields"]}}."""

    error = fields.Nested(ErrorBodySchema, required=True)


# ---- objects -------------------------------------------------------------------------------

def known_timezone(value):
    """Refuse a time zone name the system's IANA database does not know."""
    if not is_timezone(value):
        raise ValidationError(_("Not a known IANA time zone, such as Asia/Seoul."))


class CorporationSchema(CompiledDumpSchema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    plan = fields.String(required=True, validate=validate.OneOf(PLANS))
    plan_expires_at = fields.Date(required=True, allow_none=True)
    effective_plan = fields.Function(lambda corporation: corporation.effective_plan(),
                                     required=True, metadata={"type": "string", "enum": list(PLANS)})
    locale = fields.String(required=True, validate=validate.OneOf(LOCALES),
                           metadata={"description": "Default language of the company's pages"})
    timezone = fields.String(required=True, metadata={"description": "IANA time zone of the company's pages",
                                                      "example": "Asia/Seoul"})
    created_at = fields.DateTime(required=True)


class UserSchema(CompiledDumpSchema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    corporation_id = fields.Integer(required=True)
    points = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)


def stream_url(video) -> str:
    """Absolute URL of the API stream endpoint of a video.

    url_for runs once per request (for a placeholder id); each video's URL is then filled in, so a
    page of 100 videos does not build 100 URLs through the router.
    """
    around = g.get("stream_url_around")
    if around is None:
        placeholder = f"/{MAX_ID}/"
        before, _, after = url_for("api_videos.stream", video_id=MAX_ID, _external=True).rpartition(placeholder)
        around = g.stream_url_around = (before + "/", "/" + after)
    return f"{around[0]}{video.id}{around[1]}"


def poster_url(video) -> str | None:
    """Absolute URL of the API poster endpoint of a video, None while it has no poster."""
    return url_for("api_videos.poster", video_id=video.id, _external=True) if video.poster_key else None


class VideoSchema(CompiledDumpSchema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    corporation_id = fields.Integer(required=True)
    source_url = fields.String(required=True, allow_none=True,
                               metadata={"description": "Origin URL; null for uploaded files"})
    content_type = fields.String(required=True)
    size_bytes = fields.Integer(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    deleted_at = fields.DateTime(required=True, allow_none=True,
                                 metadata={"description": "Set while the video is in the trash"})
    stream_url = fields.Function(stream_url, required=True, metadata={"type": "string", "format": "uri"})
    status = fields.String(required=True, validate=validate.OneOf(VIDEO_STATUSES),
                           metadata={"description": "Media processing: processing, then ready or failed"})
    status_detail = fields.Function(detail, required=True, allow_none=True, metadata={
        "type": "string", "nullable": True,
        "description": "Why the video failed, or a ready video's caveat (e.g. seeking will not work), in the "
                       "request's language (Accept-Language; English by default)"})
    duration_seconds = fields.Float(required=True, allow_none=True)
    width = fields.Integer(required=True, allow_none=True)
    height = fields.Integer(required=True, allow_none=True)
    video_codec = fields.String(required=True, allow_none=True, metadata={"example": "h264"})
    audio_codec = fields.String(required=True, allow_none=True, metadata={"example": "aac"})
    supports_range = fields.Boolean(required=True, allow_none=True, metadata={
        "description": "Whether the source answers HTTP Range requests (seeking); null until probed"})
    poster_url = fields.Function(poster_url, required=True, allow_none=True,
                                 metadata={"type": "string", "format": "uri", "nullable": True})
    poster_kind = fields.String(required=True, allow_none=True, validate=validate.OneOf(POSTER_KINDS), metadata={
        "description": "Where the poster came from: made by processing (auto), a frame or an image an admin "
                       "picked (kept when the same source is probed again); null while there is none"})
    poster_status = fields.String(required=True, allow_none=True, attribute="poster_state",
                                  validate=validate.OneOf(POSTER_STATES), metadata={
        "description": "An admin's poster from a frame: pending while the worker makes it, failed when it could "
                       "not be made (see poster_status_detail); null otherwise"})
    poster_status_detail = fields.Function(poster_detail, required=True, allow_none=True, metadata={
        "type": "string", "nullable": True,
        "description": "Why the poster from a frame could not be made, in the request's language"})
    poster_at_seconds = fields.Function(
        lambda video: video.poster_request_at if video.poster_state else video.poster_at_seconds,
        required=True, allow_none=True, metadata={
            "type": "number", "nullable": True,
            "description": "The time of the frame: asked for (pending or failed), or of the current frame poster"})


class ViewSchema(CompiledDumpSchema):
    user_id = fields.Integer(required=True)
    video_id = fields.Integer(required=True)
    points_awarded = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)


class SessionSchema(Schema):
    """An active API session (its current refresh token); token values are never shown."""

    id = fields.Integer(required=True)
    created_at = fields.DateTime(required=True, metadata={"description": "When the session logged in"})
    last_used_at = fields.DateTime(required=True, allow_none=True)
    expires_at = fields.DateTime(required=True)
    user_agent = fields.String(required=True, allow_none=True)


class TokenPairSchema(Schema):
    access_token = fields.String(required=True)
    refresh_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"enum": ["Bearer"]})
    expires_in = fields.Integer(required=True, metadata={"description": "Access token lifetime, seconds"})


class SignUpResultSchema(Schema):
    corporation = fields.Nested(CorporationSchema, required=True)
    admin = fields.Nested(UserSchema, required=True)


# ---- input ---------------------------------------------------------------------------------

class LoginSchema(Schema):
    email = text(EMAIL_MAX, required=True)
    password = text(1024, required=True)


class RefreshTokenSchema(Schema):
    refresh_token = text(256, required=True)


class SignUpSchema(Schema):
    name = text(COMPANY_NAME_MAX, min_length=1, required=True)
    admin_email = text(EMAIL_MAX, required=True)
    admin_password = text(PASSWORD_MAX, min_length=PASSWORD_MIN, required=True)
    plan = fields.String(load_default="free", validate=validate.OneOf(PLANS))
    plan_expires_at = fields.Date(allow_none=True, load_default=None,
                                  metadata={"description": "Required (in the future) for a paid plan"})
    locale = fields.String(load_default=None, validate=validate.OneOf(LOCALES),
                           metadata={"description": "Default language (default: en)"})
    timezone = fields.String(load_default=None, validate=known_timezone,
                             metadata={"description": "IANA time zone, e.g. Asia/Seoul (default: PLAN_TIMEZONE)",
                                       "maxLength": 64})


class CorporationPatchSchema(Schema):
    name = text(COMPANY_NAME_MAX, min_length=1)
    plan = fields.String(validate=validate.OneOf(PLANS))
    plan_expires_at = fields.Date(allow_none=True)


class UserCreateSchema(Schema):
    email = text(EMAIL_MAX, required=True)
    password = text(PASSWORD_MAX, min_length=PASSWORD_MIN, required=True)
    role = fields.String(load_default="guest", validate=validate.OneOf(ROLES))


class UserPatchSchema(Schema):
    role = fields.String(validate=validate.OneOf(ROLES),
                         metadata={"description": "Admins only; the last admin cannot be demoted"})
    password = text(PASSWORD_MAX, min_length=PASSWORD_MIN,
                    metadata={"description": "New password"})
    current_password = text(1024, metadata={"description": "Required when changing your own password"})


class VideoCreateSchema(Schema):
    title = text(TITLE_MAX, min_length=1, required=True)
    source_url = text(SOURCE_URL_MAX, required=True, metadata={"description": "An http(s) URL"})


class VideoUploadSchema(Schema):
    title = text(TITLE_MAX, min_length=1, required=True)
    file = UploadedFile(required=True, metadata={"description": "An MP4 or WebM file"})


class PosterFrameSchema(Schema):
    at_seconds = JsonNumber(required=True, validate=validate.Range(min=0),
                              metadata={"description": "Time of the frame in the video, in seconds", "example": 12.5})


class PosterUploadSchema(Schema):
    file = UploadedFile(required=True, metadata={"description": "A JPEG, PNG or WebP image"})


class VideoPatchSchema(Schema):
    title = text(TITLE_MAX, min_length=1)
    source_url = text(SOURCE_URL_MAX, metadata={"description": "An http(s) URL"})


class PageArgsSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class UserListArgsSchema(PageArgsSchema):
    email = text(EMAIL_MAX, metadata={"description": "Part of the email address"})


class VideoListArgsSchema(PageArgsSchema):
    q = text(SEARCH_MAX, metadata={"description": "Part of the title"})


class PlaybackUrlSchema(Schema):
    url = fields.String(required=True, metadata={"format": "uri"})
    expires_at = fields.DateTime(required=True)


# ---- invitations and password reset ---------------------------------------------------------

class InvitationSchema(Schema):
    """A pending invitation (the link itself is only ever in the invitee's mail)."""

    id = fields.Integer(required=True)
    email = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    sent_at = fields.DateTime(required=True)
    expires_at = fields.DateTime(required=True, metadata={"description": "The link works until then"})
    password_preset = fields.Boolean(required=True, metadata={
        "description": "A member added with a password (POST /api/v1/users): its owner confirms the address "
                       "(POST /api/v1/invitations/confirm) instead of choosing a password"})
    created_at = fields.DateTime(required=True)


class PendingMemberSchema(Schema):
    """The answer to adding a member with a password: pending until the address is confirmed."""

    message = fields.String(required=True)
    invitation = fields.Nested(InvitationSchema, required=True)


class InvitationCreateSchema(Schema):
    email = text(EMAIL_MAX, required=True)
    role = fields.String(load_default="guest", validate=validate.OneOf(ROLES))


class TokenPasswordSchema(Schema):
    token = text(512, required=True, metadata={"description": "The token of the link in the mail"})
    password = text(PASSWORD_MAX, min_length=PASSWORD_MIN, required=True)


class LinkTokenSchema(Schema):
    """The token of a mailed link that needs no password (a sign-up, an address an admin added)."""

    token = text(512, required=True, metadata={"description": "The token of the link in the mail"})


class PasswordResetRequestSchema(Schema):
    email = text(EMAIL_MAX, required=True)


class ConfirmationResendSchema(Schema):
    email = text(EMAIL_MAX, required=True, metadata={"description": "The address the company was signed up with"})


class AcceptedSchema(Schema):
    message = fields.String(required=True)
