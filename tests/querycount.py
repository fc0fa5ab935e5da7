"""Counting the SQL statements a block of code issues, to pin query counts per page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event

from webapp.extensions import db


@dataclass
class QueryCount:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def count_queries() -> Iterator[QueryCount]:
    counter = QueryCount()

    def record(conn, cursor, statement, parameters, context, executemany):
        counter.statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", record)
