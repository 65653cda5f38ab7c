"""Database ids in URLs: only numbers an integer primary key can hold reach the database."""
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL integer; larger ids cannot exist
ID_RULE = f"int(min=1, max={MAX_ID})"


class DatabaseIdConverter(IntegerConverter):
    """Werkzeug's int converter, limited to 1..MAX_ID unless a rule says otherwise.

    Without the upper bound a 20-digit id reaches the database (SQLite cannot even bind it).
    """

    def __init__(self, map, fixed_digits=0, min=1, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
