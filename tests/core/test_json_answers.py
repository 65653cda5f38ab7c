"""JSON answers are encoded by orjson (webapp/core/json_answers.py) and carry the document Flask's own
provider would write."""
import json
import uuid
from collections import namedtuple
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from flask.json.provider import DefaultJSONProvider
from markupsafe import Markup

Pair = namedtuple("Pair", "left right")


@dataclass
class Point:
    x: int
    y: float


DOCUMENT = {
    "title": "안녕하세요 ünïcode ✓ \"quoted\" \\ \u2028", "empty": "", "none": None, "yes": True, "no": False,
    "when": datetime(2026, 12, 1, 9, 30, tzinfo=UTC), "day": date(2026, 12, 1), "price": Decimal("1.50"),
    "id": uuid.UUID("12345678-1234-5678-1234-567812345678"), "markup": Markup("<b>bold</b>"),
    "pair": Pair(1, "x"), "point": Point(2, 0.5), "items": [{"b": 1, "a": [1.25, -3, 2**53]}],
    "by_id": {7: "seven", 10: "ten"},
}


def test_an_answer_carries_the_document_flasks_own_provider_writes(app):
    with app.test_request_context():
        ours = app.json.response(DOCUMENT)
        flasks = DefaultJSONProvider(app).response(DOCUMENT)
    assert json.loads(ours.get_data()) == json.loads(flasks.get_data())
    assert json.loads(ours.get_data())["when"] == "Tue, 01 Dec 2026 09:30:00 GMT"
    assert ours.mimetype == flasks.mimetype == "application/json"
    assert ours.get_data().endswith(b"}\n")
    assert "안녕하세요".encode() in ours.get_data()  # orjson's UTF-8, not the json module's \u escapes


def test_an_integer_beyond_64_bits_is_written_as_the_json_module_writes_it(app):
    with app.test_request_context():
        body = app.json.response({"huge": 2**70, "title": "한국어"}).get_data()
    assert json.loads(body) == {"huge": 2**70, "title": "한국어"}


def test_text_is_written_as_utf8_and_keys_sorted(app):
    with app.test_request_context():
        body = app.json.response({"b": "한국어", "a": 1}).get_data()
    assert body == '{"a":1,"b":"한국어"}\n'.encode()


def test_a_number_json_cannot_carry_is_null_not_invalid_json(app):
    with app.test_request_context():
        body = app.json.response({"ratio": float("nan"), "far": float("inf")}).get_data()
    assert json.loads(body) == {"ratio": None, "far": None}


def test_in_debug_mode_answers_are_indented_as_flask_indents_them(app):
    app.debug = True
    with app.test_request_context():
        body = app.json.response({"b": [1], "a": "x"}).get_data(as_text=True)
    assert body == '{\n  "a": "x",\n  "b": [\n    1\n  ]\n}\n'


def test_an_api_answer_in_korean_reads_back_the_same(admin_client):
    """A whole answer through the app: an error message in Korean (JSON is UTF-8)."""
    response = admin_client.get("/api/v1/videos/1", headers={"Accept-Language": "ko"})
    assert response.status_code == 401
    assert response.content_type == "application/json"
    message = response.get_json()["error"]["message"]
    assert message and any("\uac00" <= character <= "\ud7a3" for character in message)
    assert message.encode() in response.get_data()
