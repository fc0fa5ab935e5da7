"""URL rules every part shares: `<int:...>` means an id the database can hold.

The app registers `DatabaseIntConverter` as the `int` converter before any blueprint, so
every route's `<int:...>` refuses (404) a number outside the database's integer type
instead of failing deep inside a query with a 500.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

# The largest value of a 32-bit signed INTEGER column (PostgreSQL's `integer`).
MAX_DATABASE_INT = 2**31 - 1


class DatabaseIntConverter(IntegerConverter):
    """Werkzeug's `int` converter, bounded by what an INTEGER column can store."""

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = None,
        signed: bool = False,
    ) -> None:
        limit = MAX_DATABASE_INT if max is None or max > MAX_DATABASE_INT else max
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=limit, signed=signed)


def init_app(app: Flask) -> None:
    """Call before registering any blueprint: rules bind their converter when added."""
    app.url_map.converters["int"] = DatabaseIntConverter
