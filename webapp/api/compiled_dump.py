"""Response schemas whose dump() runs a function built once per schema class, not marshmallow's
generic per-field machinery.

marshmallow serialises each field of each object through several layers (get_value, the schema's
accessor, a getitem-then-getattr lookup, missing/default checks, the field's `_serialize`): on a
list of 20 videos with 20 fields that was about a third of the request's CPU. For a schema made of
plain fields (numbers, strings, booleans, ISO dates and times, Function fields, and Nested/List of
such schemas), the same result comes from a function generated once per schema class: one
attribute read and one inline conversion per field, in the order of the schema's fields. The
schema class stays what it was for everything else (loading, the OpenAPI document); a schema with
dump hooks, `only`/`exclude`, or any other field kind dumps through marshmallow as before.
tests/api/test_compiled_dump.py checks that both give equal output.

Rows of column values (SQLAlchemy `Row`, as the API's video answers read them) are dumped as named
tuples of the same names: a Row builds each attribute read through its result's key map (about
0.5 µs), a named tuple reads it by position (under 0.1 µs), and a video's dump reads about 30.
"""
from collections import namedtuple

from marshmallow import Schema, fields, missing
from sqlalchemy.engine import Row


# Per field kind: an expression of `v` (the attribute's value) giving what marshmallow's field
# gives; `None` stays None for every kind, as in marshmallow. Names in the expressions are bound
# in the generated function's namespace.
def _expression(field, name, namespace):
    """The output expression for one field, or None when this field must go through marshmallow."""
    kind = type(field)
    if kind in (fields.Integer, fields.Float) and not field.as_string:
        number = "int" if kind is fields.Integer else "float"
        return f"(v if type(v) is {number} or v is None else {number}(v))"
    if kind is fields.String:
        return "(v if type(v) is str or v is None else str(v))"
    if kind is fields.Boolean:
        namespace[f"truthy_{name}"], namespace[f"falsy_{name}"] = field.truthy, field.falsy
        return (f"(v if v is None or v is True or v is False else True if v in truthy_{name} "
                f"else False if v in falsy_{name} else bool(v))")
    if kind in (fields.DateTime, fields.Date):
        function = field.SERIALIZATION_FUNCS.get(field.format or field.DEFAULT_FORMAT)
        if function is None:
            return None
        namespace[f"format_{name}"] = function
        return f"(None if v is None else format_{name}(v))"
    if kind is fields.Nested or (kind is fields.List and type(field.inner) is fields.Nested):
        nested = field if kind is fields.Nested else field.inner
        plain = not nested.many and nested.only is None and not nested.exclude
        schema = nested.schema
        dump = plain and isinstance(schema, CompiledDumpSchema) and not schema.many and schema.dumper()
        if not dump:
            return None
        namespace[f"dump_{name}"], namespace["plain_rows"] = dump, plain_rows
        if kind is fields.Nested:
            return f"(None if v is None else dump_{name}(v))"
        return f"(None if v is None else [dump_{name}(item) for item in plain_rows(v)])"
    return None


_tuple_classes = {}  # a result's column names -> their named tuple class (None: names a tuple cannot have)


def plain_rows(items):
    """`items` with each Row of column values as a named tuple of the same names (module docstring);
    anything else as it is."""
    if type(items) is not list or not items or type(items[0]) is not Row:
        return items
    result, tuple_class = items[0]._parent, _tuple_class(items[0])
    if tuple_class is None:
        return items
    return [tuple.__new__(tuple_class, row) if type(row) is Row and row._parent is result else plain_row(row)
            for row in items]


def plain_row(obj):
    """One Row as a named tuple (plain_rows), anything else as it is."""
    tuple_class = _tuple_class(obj) if type(obj) is Row else None
    return obj if tuple_class is None else tuple.__new__(tuple_class, obj)


def _tuple_class(row):
    names = row._fields
    if names not in _tuple_classes:
        try:
            _tuple_classes[names] = namedtuple("Columns", names)
        except ValueError:  # a label that is not an identifier, starts with "_", or comes twice
            _tuple_classes[names] = None
    return _tuple_classes[names]


class CompiledDumpSchema(Schema):
    """A Schema whose dump() uses a function compiled from its fields (module docstring)."""

    _compiled = {}  # schema class -> dump function, or None when it cannot be compiled

    @classmethod
    def dumper(cls):
        """The compiled obj -> dict function of this schema class, or None."""
        if cls not in CompiledDumpSchema._compiled:
            CompiledDumpSchema._compiled[cls] = cls._compile()
        return CompiledDumpSchema._compiled[cls]

    @classmethod
    def _compile(cls):
        """Generate `def dump(obj): return {key: <expression of obj.attribute>, ...}` for this schema."""
        schema = cls()
        if any(schema._hooks.values()):
            return None
        namespace, lines = {}, []
        for index, (name, field) in enumerate(schema.dump_fields.items()):
            key = field.data_key if field.data_key is not None else name
            if field.dump_default is not missing:
                return None
            if type(field) is fields.Function and field.serialize_func is not None:
                namespace[f"function_{index}"] = field.serialize_func  # gets the object, as in marshmallow
                lines.append(f"    out[{key!r}] = function_{index}(obj)")
                continue
            expression = _expression(field, str(index), namespace)
            if expression is None or not (field.attribute or name).isidentifier():
                return None
            lines.append(f"    v = obj.{field.attribute or name}")
            lines.append(f"    out[{key!r}] = {expression}")
        source = "def dump(obj):\n    out = {}\n" + "\n".join(lines) + "\n    return out\n"
        exec(compile(source, f"<compiled dump of {cls.__name__}>", "exec"), namespace)  # noqa: S102
        return namespace["dump"]

    def dump(self, obj, *, many=None):
        """As Schema.dump, through the compiled function when this schema has one."""
        dump = None if (self.only or self.exclude) else self.dumper()
        if dump is None:
            return super().dump(obj, many=many)
        try:
            if self.many if many is None else many:
                return [dump(item) for item in plain_rows(obj)]
            return dump(plain_row(obj))
        except AttributeError:  # an object without one of the attributes: marshmallow leaves the key out
            return super().dump(obj, many=many)
