"""Every domain error, in one place: services raise them, the app-wide handlers answer them.

Each carries its HTTP status and the API's snake_case code; pages show the message in the layout,
the API in its error envelope. A missing or foreign row is always `NotFound` (404).
"""
from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    """A request that breaks a business rule. `code` is the API's snake_case error code."""

    status = 400
    code = "invalid_request"

    def __init__(self, message, *, code=None, status=None, fields=None):
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.status = status or self.status
        self.fields = fields


class ValidationFailed(DomainError):
    status = 400
    code = "validation_error"


class InvalidJson(ValidationFailed):
    """An API body that is not a JSON object we can read (malformed, too deep, numbers too long)."""

    code = "invalid_json"


class InvalidSource(DomainError):
    status = 400
    code = "invalid_source"


class UnsupportedContentType(DomainError):
    status = 415
    code = "unsupported_media_type"


class UploadTooLarge(DomainError):
    status = 413
    code = "too_large"


class Unauthorized(DomainError):
    """Missing, invalid or expired API credentials; answered with a WWW-Authenticate challenge."""

    status = 401
    code = "unauthorized"
    headers = {"WWW-Authenticate": 'Bearer realm="api"'}


class InvalidCredentials(Unauthorized):
    code = "invalid_credentials"


class RefreshTokenRejected(Unauthorized):
    code = "invalid_refresh_token"


class PlaybackUrlRevoked(DomainError):
    """A playback link whose user has since changed password, left, or been logged out everywhere."""

    status = 401
    code = "playback_url_revoked"


class NotAllowed(DomainError):
    status = 403
    code = "forbidden"


class AddressUnconfirmed(NotAllowed):
    """The right password for a sign-up whose admin has not confirmed the address yet."""

    code = "address_unconfirmed"

    def __init__(self, message, *, email: str, **kwargs):
        super().__init__(message, **kwargs)
        self.email = email


class PlaybackUrlInvalid(NotAllowed):
    code = "playback_url_invalid"


class PlaybackUrlExpired(NotAllowed):
    code = "playback_url_expired"


class PlanRequired(DomainError):
    status = 403
    code = "plan_required"


NOTHING_HERE = _l("There is nothing here.")


class NotFound(DomainError):
    """A row that does not exist, or belongs to another corporation (the same answer for both)."""

    status = 404
    code = "not_found"

    def __init__(self, message=None, **kwargs):
        super().__init__(message or str(NOTHING_HERE), **kwargs)


class Conflict(DomainError):
    status = 409
    code = "conflict"


class LastAdmin(Conflict):
    code = "last_admin"


class NotInTrash(Conflict):
    code = "not_in_trash"


class UndoExpired(Conflict):
    code = "undo_expired"


class OriginFailed(DomainError):
    status = 502
    code = "origin_unavailable"
