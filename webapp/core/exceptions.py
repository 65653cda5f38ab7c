"""Business-rule failures raised by services; the HTML and JSON layers turn them into responses."""


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


class InvalidSource(DomainError):
    status = 400
    code = "invalid_source"


class Unauthorized(DomainError):
    """Missing, invalid or expired API credentials; answered with a WWW-Authenticate challenge."""

    status = 401
    code = "unauthorized"
    headers = {"WWW-Authenticate": 'Bearer realm="api"'}


class NotAllowed(DomainError):
    status = 403
    code = "forbidden"


class PlanRequired(DomainError):
    status = 403
    code = "plan_required"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class LastAdmin(Conflict):
    code = "last_admin"


class NotInTrash(Conflict):
    code = "not_in_trash"


class OriginFailed(DomainError):
    status = 502
    code = "origin_unavailable"
