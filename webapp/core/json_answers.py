"""JSON answers encoded by orjson: a page of 20 videos in about a sixth of the json module's time.

Flask's own provider stays for everything else it does (`dumps`/`loads`, used by the session
cookie and by anyone calling `flask.json`), and for answers in debug mode, which it indents. An
answer carries the same document as Flask's would, keys sorted; only its bytes may differ:
- text outside ASCII is written as UTF-8 rather than as \\u escapes (JSON is UTF-8);
- a float that is not a number (NaN, ±infinity) is written as null: the json module writes `NaN`,
  which is not JSON at all;
- dates and times go through Flask's own `default` (HTTP dates), as before.
tests/core/test_json_answers.py checks that both give the same document.
"""
import orjson
from flask.json.provider import DefaultJSONProvider

OPTIONS = (orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS | orjson.OPT_APPEND_NEWLINE
           | orjson.OPT_PASSTHROUGH_DATETIME)


class OrjsonAnswers(DefaultJSONProvider):
    """Flask's JSON provider, whose `response()` (what jsonify and flask-smorest answer with) encodes
    with orjson unless the answer is to be indented."""

    def response(self, *args, **kwargs):
        if (self.compact is None and self._app.debug) or self.compact is False:
            return super().response(*args, **kwargs)
        document = self._prepare_response_obj(args, kwargs)
        try:
            body = orjson.dumps(document, default=self._default, option=OPTIONS)
        except orjson.JSONEncodeError:  # e.g. an integer beyond 64 bits: the json module writes it
            return super().response(*args, **kwargs)
        return self._app.response_class(body, mimetype=self.mimetype)

    def _default(self, value):
        """What orjson passes on: a tuple's subclass (a named tuple) is a list, as the json module writes
        it; anything else (dates, decimals …) as Flask's provider writes it."""
        if isinstance(value, tuple):
            return list(value)
        return self.default(value)
