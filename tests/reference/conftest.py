from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from webapp.extensions import db
from webapp.reference.services import load_reference_data


@pytest.fixture()
def admin(user, login) -> FlaskClient:
    """The test client, signed in as an administrator."""
    return login(user("admin"))


@pytest.fixture()
def loaded(app: Flask) -> None:
    """The reference data, loaded from the shipped file."""
    load_reference_data()
    db.session.commit()


@pytest.fixture()
def count_queries(app: Flask) -> Callable[[], object]:
    """`with count_queries() as queries: ...` then `len(queries)`."""

    @contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany) -> None:
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)

    return counting
