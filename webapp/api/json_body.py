"""The one way a JSON request body under /api is read: bounded in size, depth and number length.

Python's json module raises ValueError for integers of more than 4,300 digits and RecursionError
for absurd nesting; neither is a JSONDecodeError, so a parser that only expects that one would
answer 500. Every body read here is a JSON object or a 400 invalid_json.
"""
import json

from flask import Request
from flask_babel import gettext as _

from webapp.core.exceptions import InvalidJson

MAX_JSON_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 32  # our bodies are flat objects; nothing legitimate comes close
_CACHE_KEY = "reelhouse.json_body"


def _depth_exceeds(value, limit: int) -> bool:
    """Is any container nested deeper than `limit`? (iterative: no recursion on hostile input)"""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _parse(raw: bytes):
    if not raw.strip():
        raise InvalidJson(_("Send a JSON object as the request body."), fields={"body": [_("Send a JSON object.")]})
    try:
        value = json.loads(raw)
    except RecursionError:
        raise InvalidJson(_("The request body is nested too deeply.")) from None
    except ValueError:  # JSONDecodeError, UnicodeDecodeError, over-long integers
        raise InvalidJson(_("The request body is not valid JSON.")) from None
    if _depth_exceeds(value, MAX_JSON_DEPTH):
        raise InvalidJson(_("The request body is nested too deeply (at most %(levels)s levels).",
                            levels=MAX_JSON_DEPTH))
    if not isinstance(value, dict):
        raise InvalidJson(_("The request body must be a JSON object."), fields={"body": [_("Send a JSON object.")]})
    return value


def json_object(request: Request) -> dict:
    """The request's body as a JSON object (parsed once per request), or InvalidJson (400)."""
    cached = request.environ.get(_CACHE_KEY)
    if cached is None:
        try:
            cached = ("ok", _parse(request.get_data(cache=True)))
        except InvalidJson as error:
            cached = ("error", error)
        request.environ[_CACHE_KEY] = cached
    kind, value = cached
    if kind == "error":
        raise value
    return value
