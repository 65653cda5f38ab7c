"""The list envelope of the API: {"items": [...], "page", "per_page", "total"} for one page of a query."""
from marshmallow import fields

from webapp.api.compiled_dump import CompiledDumpSchema
from webapp.core.pagination import OBJECTS, Page, paginate

_page_schemas = {}


def page_schema(item_schema):
    """The envelope schema for a list of `item_schema` (one class per item type, named for the spec)."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    if name not in _page_schemas:
        _page_schemas[name] = type(name, (CompiledDumpSchema,), {
            "__doc__": f"A page of {item_schema.__name__.removesuffix('Schema').lower()} objects.",
            "items": fields.List(fields.Nested(item_schema), required=True),
            "page": fields.Integer(required=True),
            "per_page": fields.Integer(required=True),
            "total": fields.Integer(required=True),
        })
    return _page_schemas[name]


def requested_page(query, args, *, items: str = OBJECTS, params: dict | None = None) -> Page:
    """The page of a select() that `?page=&per_page=` ask for (items and params as paginate's)."""
    return paginate(query, args["page"], args["per_page"], items=items, params=params)
