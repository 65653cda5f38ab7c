"""One factory for the API's resource blueprints: strict parser, small JSON bodies."""
from flask import request
from flask_smorest import Blueprint

from webapp.api.errors import parser
from webapp.api.json_body import MAX_JSON_BYTES

UPLOAD_ENDPOINTS = {"api_videos.videos", "api_captions.captions"}


def limit_body_size():
    """JSON bodies are small: refuse big ones early (multipart uploads keep MAX_CONTENT_LENGTH)."""
    if request.endpoint not in UPLOAD_ENDPOINTS or request.mimetype != "multipart/form-data":
        request.max_content_length = MAX_JSON_BYTES


def resource_blueprint(name, import_name):
    """A flask-smorest Blueprint whose arguments answer 400/415 envelopes."""
    blp = Blueprint(name, import_name)
    blp.ARGUMENTS_PARSER = parser
    blp.before_request(limit_body_size)
    return blp
