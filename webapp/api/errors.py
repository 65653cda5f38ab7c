"""The API's error helper: request parsing that fails as 400/415 envelopes, and JWT failures as 401."""
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_jwt_extended.exceptions import WrongTokenError
from jwt import MissingRequiredClaimError
from marshmallow import RAISE
from webargs.flaskparser import FlaskParser, is_json_request
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import CombinedMultiDict

from webapp.api.json_body import json_object
from webapp.core.errors import error_response
from webapp.core.exceptions import Unauthorized, UnsupportedContentType, ValidationFailed

REQUIRED_CLAIMS = ("exp", "iat", "sub", "type", "fam")


def flatten_messages(messages, prefix=""):
    """webargs/marshmallow messages ({location: {field: [...]}}) as {"field": ["message", ...]}."""
    flat = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = "body" if key == "_schema" else str(key)
            flat.update(flatten_messages(value, f"{prefix}.{name}" if prefix else name))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        flat.setdefault(prefix or "body", []).extend(messages)
    else:
        flat.setdefault(prefix or "body", []).append(str(messages))
    return flat


class ApiParser(FlaskParser):
    """webargs parser answering 400 validation_error (not 422) and 415 for bodies that are not JSON."""

    DEFAULT_VALIDATION_STATUS = 400
    # Unknown query parameters are refused like unknown body fields: a typo never goes unnoticed.
    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": RAISE,
                                   "querystring": RAISE}

    def load_json(self, req, schema):
        if not is_json_request(req):
            raise UnsupportedContentType(_("Send a JSON body with Content-Type: application/json."))
        return json_object(req)

    def load_json_or_form(self, req, schema):
        return self.load_json(req, schema)

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        messages = error.messages
        if isinstance(messages, dict) and len(messages) == 1:
            messages = next(iter(messages.values()))  # drop the location level ("json", "query")
        fields = flatten_messages(messages)
        if list(fields) == ["body"]:
            fields = {"body": [_("Send a JSON object.")]}
        message = _("Some fields are not valid: %(fields)s.", fields=", ".join(sorted(fields)))
        raise ValidationFailed(message, fields=fields)


parser = ApiParser()


@parser.location_loader("form_and_files")
def load_form_and_files(request, schema):
    """Multipart bodies: text fields and files together."""
    return MultiDictProxy(CombinedMultiDict([request.form, request.files]), schema)


TOKEN_FAILURES = {  # flask-jwt-extended callback -> (code, message)
    "unauthorized_loader": ("unauthorized", _l("Send an access token: Authorization: Bearer <token>.")),
    "invalid_token_loader": ("invalid_token", _l("The access token is not valid.")),
    "expired_token_loader": ("token_expired", _l("The access token has expired; refresh it.")),
    "user_lookup_error_loader": ("invalid_token", _l("The access token is no longer valid.")),
    "revoked_token_loader": ("invalid_token", _l("The access token has been revoked.")),
    "token_verification_failed_loader": ("invalid_token", _l("The access token is not valid.")),
    "needs_fresh_token_loader": ("invalid_token", _l("A fresh access token is needed.")),
}


def token_error(code, message):
    """A 401 envelope with the Bearer challenge."""
    return error_response(401, code, message, headers=Unauthorized.headers)


def configure_jwt(jwt):
    """Make flask-jwt-extended strict (claims, token type) and answer every failure with the envelope."""

    @jwt.decode_key_loader
    def decode_key(header, unverified_claims):
        # Only the key is chosen here; PyJWT still verifies the signature, alg (HS256 only) and exp.
        for claim in REQUIRED_CLAIMS:
            if claim not in unverified_claims:
                raise MissingRequiredClaimError(claim)
        if unverified_claims["type"] != "access":
            raise WrongTokenError(_("Only access tokens are accepted here."))
        return current_app.config["JWT_SECRET_KEY"]

    for loader, (code, message) in TOKEN_FAILURES.items():
        getattr(jwt, loader)(lambda *args, code=code, message=message: token_error(code, str(message)))
