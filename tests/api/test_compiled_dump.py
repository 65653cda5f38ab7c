"""The compiled dump of response schemas (webapp/api/compiled_dump.py) answers exactly what marshmallow's
own dump gives, for every object shape the API returns."""
from datetime import UTC, datetime
from functools import partial

import pytest
from marshmallow import Schema, fields
from sqlalchemy import literal, select
from sqlalchemy.engine import Row
from sqlalchemy.exc import InvalidRequestError

from tests import factories
from webapp.api.compiled_dump import CompiledDumpSchema
from webapp.api.pagination import page_schema
from webapp.api.schemas import CorporationSchema, UserSchema, VideoSchema, ViewSchema
from webapp.core.extensions import db
from webapp.core.pagination import COLUMNS, Page, paginate
from webapp.models import VideoView
from webapp.videos.queries import library_query, scoped_video_columns_or_404


def marshmallows_own(schema_class, obj, many=False):
    """What marshmallow's generic Schema.dump gives for obj (bypassing the compiled function)."""
    return Schema.dump(schema_class(), obj, many=many)


def test_every_response_schema_of_the_api_objects_is_compiled():
    for schema_class in (CorporationSchema, UserSchema, VideoSchema, ViewSchema, page_schema(VideoSchema)):
        assert schema_class.dumper() is not None, schema_class


def test_compiled_dumps_equal_marshmallows_for_videos_users_companies_views_and_pages(app):
    corporation = factories.make_corporation(plan="paid")
    admin = factories.make_admin(corporation, points=30)
    videos = [
        factories.make_video(corporation, title="Still processing"),
        factories.make_video(corporation, title="Ready", status="ready", duration_seconds=12.5, width=640,
                             height=360, video_codec="h264", audio_codec="aac", supports_range=True,
                             size_bytes=2_000_000_000, poster_key="poster.jpg"),
        factories.make_video(corporation, title="Failed ✓ ünïcode", status="failed", status_reason="text",
                             status_params={"text": "Not a video"}, supports_range=False),
        factories.make_video(corporation, title="Upload", file_key="clip.mp4", size_bytes=1234,
                             deleted_at=datetime.now(UTC), deleted_by_id=admin.id),
    ]
    view = VideoView(user=admin, video=videos[1], points_awarded=10)
    db.session.add(view)
    db.session.commit()
    with app.test_request_context("/api/v1/videos"):
        for video in videos:
            assert VideoSchema().dump(video) == marshmallows_own(VideoSchema, video)
        assert VideoSchema().dump(videos, many=True) == marshmallows_own(VideoSchema, videos, many=True)
        assert UserSchema().dump(admin) == marshmallows_own(UserSchema, admin)
        assert CorporationSchema().dump(corporation) == marshmallows_own(CorporationSchema, corporation)
        assert ViewSchema().dump(view) == marshmallows_own(ViewSchema, view)
        page = Page(videos, 2, 4, 9)
        assert page_schema(VideoSchema)().dump(page) == marshmallows_own(page_schema(VideoSchema), page)
        assert page_schema(VideoSchema)().dump(Page([], 1, 20, 0))["items"] == []


def test_a_schema_with_fields_the_compiler_does_not_know_dumps_through_marshmallow():
    class Odd(CompiledDumpSchema):
        tags = fields.List(fields.String())
        when = fields.DateTime(format="%Y")

    assert Odd.dumper() is None
    assert Odd().dump({"tags": ["a"], "when": datetime(2026, 1, 2)}) == {"tags": ["a"], "when": "2026"}


def test_an_object_without_an_attribute_loses_that_key_as_with_marshmallow():
    class Small(CompiledDumpSchema):
        id = fields.Integer()
        name = fields.String(data_key="label")

    class Thing:
        id = "7"

    assert Small().dump(Thing()) == marshmallows_own(Small, Thing()) == {"id": 7}
    thing = Thing()
    thing.name = 5
    assert Small().dump(thing) == {"id": 7, "label": "5"}


def test_rows_of_column_values_dump_as_marshmallow_dumps_them(app):
    """The API's video answers are rows read without the ORM; they are dumped as named tuples."""
    corporation = factories.make_corporation()
    admin = factories.make_admin(corporation)
    factories.make_video(corporation, title="Ready", status="ready", duration_seconds=3.0, poster_key="p.jpg")
    factories.make_video(corporation, title="Failed", status="failed", status_reason="text",
                         status_params={"text": "Not a video"})
    with app.test_request_context("/api/v1/videos"):
        query, params = library_query(corporation.id)
        page = paginate(query, 1, 20, items=COLUMNS, params=params)
        assert [type(row) for row in page.items] == [Row, Row]
        dumped = page_schema(VideoSchema)().dump(page)
        assert dumped == marshmallows_own(page_schema(VideoSchema), page)
        assert [item["title"] for item in dumped["items"]] == ["Failed", "Ready"]
        row = scoped_video_columns_or_404(admin, page.items[0].id)
        assert VideoSchema().dump(row) == marshmallows_own(VideoSchema, row)


def test_rows_whose_names_a_tuple_cannot_carry_dump_as_marshmallow_dumps_them(app):
    class Labelled(CompiledDumpSchema):
        id = fields.Integer()
        note = fields.String(attribute="_note")

    rows = db.session.execute(select(literal(7).label("id"), literal("kept").label("_note"))).all()
    assert Labelled().dump(rows, many=True) == marshmallows_own(Labelled, rows, many=True) == [
        {"id": 7, "note": "kept"}]
    twice = db.session.execute(select(literal(1).label("id"), literal(2).label("id"))).all()
    for dump in (Labelled().dump, partial(marshmallows_own, Labelled)):  # neither picks one of the two
        with pytest.raises(InvalidRequestError, match="Ambiguous column name 'id'"):
            dump(twice[0])
