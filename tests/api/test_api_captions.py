"""Captions in the API: upload WebVTT or SRT (converted), refusals that name the line, serving, removal."""
import io

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests import factories
from tests.api.conftest import assert_error
from tests.support.media import stored_object
from webapp.core.clock import utcnow
from webapp.core.extensions import db
from webapp.media.captions import object_key
from webapp.models_watching import Caption

VTT = "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nHello <b>there</b>\n\n00:00:04.000 --> 00:00:06.500\nSecond line\n"
SRT = ("1\r\n00:00:01,000 --> 00:00:02,500\r\n<script>alert(1)</script> ünïcode\r\n\r\n"
       "2\r\n00:00:03,000 --> 00:00:04,000\r\n둘\r\n")


@pytest.fixture
def lesson(admin):
    return factories.make_video(admin.corporation, title="Lesson", duration_seconds=10.0)


def upload(client, headers, video, content, name="subs.vtt", language="en", label="English", is_default="false"):
    # Encoded here: the test client would spool a body over 500 KB to a temporary file it never closes.
    content = content.encode() if isinstance(content, str) else content
    boundary, body = encode_multipart(MultiDict({"file": FileStorage(io.BytesIO(content), name),
                                                 "language": language, "label": label, "is_default": is_default}))
    return client.post(f"/api/v1/videos/{video.id}/captions", headers=headers, data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def test_webvtt_and_srt_are_added_listed_served_and_removed(client, admin, guest, bearer, lesson):
    headers = bearer(admin)
    first = upload(client, headers, lesson, VTT, is_default="true")
    assert first.status_code == 201, first.get_json()
    assert first.get_json() == {"id": first.get_json()["id"], "language": "en", "label": "English", "is_default": True}
    second = upload(client, headers, lesson, SRT, name="ko.srt", language="KO-kr", label="한국어", is_default="true")
    assert second.status_code == 201 and second.get_json()["language"] == "ko-KR"

    listed = client.get(f"/api/v1/videos/{lesson.id}/captions", headers=bearer(guest)).get_json()
    assert [(c["label"], c["is_default"]) for c in listed] == [("한국어", True), ("English", False)]

    served = client.get(f"/api/v1/videos/{lesson.id}/captions/{second.get_json()['id']}", headers=bearer(guest))
    assert served.status_code == 200 and served.mimetype == "text/vtt"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Security-Policy"].startswith("sandbox")
    text = served.get_data(as_text=True)
    assert text.startswith("WEBVTT") and "00:00:01.000 --> 00:00:02.500" in text and "둘" in text
    assert "<script>alert(1)</script> ünïcode" in text  # kept as cue text, never served as HTML

    caption = db.session.get(Caption, second.get_json()["id"])
    stored_key = object_key(caption.file_key)
    assert stored_object(stored_key) is not None
    assert client.delete(f"/api/v1/videos/{lesson.id}/captions/{caption.id}", headers=headers).status_code == 204
    assert stored_object(stored_key) is None
    assert [c["label"] for c in client.get(f"/api/v1/videos/{lesson.id}/captions", headers=headers).get_json()] \
        == ["English"]


@pytest.mark.parametrize(("content", "line"), [
    ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nok\n\n00:00:0x.000 --> 00:00:03.000\nbad\n", "Line 6"),
    ("WEBVTT\n\n00:00:05.000 --> 00:00:02.000\nbackwards\n", "Line 3"),
    ("1\n00:00:01,000 -> 00:00:02,000\nbroken arrow\n\n2\n00:00:01.000 --> 00:00:02.000\nx\n", "Line 6"),
    ("WEBVTTX\n\n00:00:01.000 --> 00:00:02.000\nx\n", "Line 1"),
    ("<html>not captions</html>\n", "Line 1"),
    (b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n\xff\xfe bad bytes\n", "Line 4"),
])
def test_a_bad_file_is_refused_naming_the_line(client, admin, bearer, lesson, content, line):
    error = assert_error(upload(client, bearer(admin), lesson, content), 400)
    assert error["message"].startswith(line), error
    assert "file" in error["fields"]
    assert Caption.query.count() == 0


def test_an_empty_file_and_one_without_cues_are_refused(client, admin, bearer, lesson):
    for content in ("", "WEBVTT\n\nNOTE only a note\n"):
        assert_error(upload(client, bearer(admin), lesson, content), 400)


def test_a_file_over_1_mb_is_refused(client, admin, bearer, lesson):
    cue = "00:00:01.000 --> 00:00:02.000\n" + "x" * 1000 + "\n\n"
    assert_error(upload(client, bearer(admin), lesson, "WEBVTT\n\n" + cue * 1100), 413)
    assert Caption.query.count() == 0


@pytest.mark.parametrize("language", ["english", "xx", "en_US", "en--US", "", "a" * 40])
def test_a_bad_language_tag_is_refused(client, admin, bearer, lesson, language):
    error = assert_error(upload(client, bearer(admin), lesson, VTT, language=language), 400)
    assert "language" in error["fields"]


def test_a_blank_label_is_refused(client, admin, bearer, lesson):
    error = assert_error(upload(client, bearer(admin), lesson, VTT, label="   "), 400)
    assert "label" in error["fields"]


def test_json_is_refused_with_415(client, admin, bearer, lesson):
    assert_error(client.post(f"/api/v1/videos/{lesson.id}/captions", headers=bearer(admin), json={}), 415)


def test_guests_cannot_add_or_remove_captions(client, admin, guest, bearer, lesson):
    caption_id = upload(client, bearer(admin), lesson, VTT).get_json()["id"]
    assert_error(upload(client, bearer(guest), lesson, VTT), 403)
    assert_error(client.delete(f"/api/v1/videos/{lesson.id}/captions/{caption_id}", headers=bearer(guest)), 403)


def test_other_companies_and_the_trash_answer_404(client, admin, other_admin, bearer, lesson):
    caption_id = upload(client, bearer(admin), lesson, VTT).get_json()["id"]
    theirs = bearer(other_admin)
    base = f"/api/v1/videos/{lesson.id}/captions"
    assert_error(client.get(base, headers=theirs), 404)
    assert_error(client.get(f"{base}/{caption_id}", headers=theirs), 404)
    assert_error(client.delete(f"{base}/{caption_id}", headers=theirs), 404)
    assert_error(upload(client, theirs, lesson, VTT), 404)
    other_video = factories.make_video(other_admin.corporation, title="Theirs")
    assert_error(client.get(f"/api/v1/videos/{other_video.id}/captions/{caption_id}", headers=theirs), 404)
    lesson.deleted_at, lesson.deleted_by_id = utcnow(), admin.id
    db.session.commit()
    assert_error(client.get(f"{base}/{caption_id}", headers=bearer(admin)), 404)
