"""The list envelope: {"items": [...], "page", "per_page", "total"}."""
from marshmallow import Schema, fields
from sqlalchemy import func, select

from webapp.core.extensions import db

_page_schemas = {}


def page_of(item_schema):
    """The envelope schema for a list of `item_schema` (one class per item type, named for the spec)."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    if name not in _page_schemas:
        _page_schemas[name] = type(name, (Schema,), {
            "__doc__": f"A page of {item_schema.__name__.removesuffix('Schema').lower()} objects.",
            "items": fields.List(fields.Nested(item_schema), required=True),
            "page": fields.Integer(required=True),
            "per_page": fields.Integer(required=True),
            "total": fields.Integer(required=True),
        })
    return _page_schemas[name]


def paginate(query, args, *, rows=False):
    """Run a select() for the requested page; items are model objects (or rows when rows=True)."""
    page, per_page = args["page"], args["per_page"]
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    result = db.session.execute(query.limit(per_page).offset((page - 1) * per_page))
    items = result.all() if rows else result.scalars().all()
    return {"items": items, "page": page, "per_page": per_page, "total": total}
