"""The migrations build exactly the schema the models describe, and undo it, on SQLite
and (when `DATABASE_URL` names one) PostgreSQL."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import config
from webapp import create_app
from webapp.extensions import db

SCHEMA = "puerto_migrations"


def _targets() -> list[str]:
    targets = ["sqlite"]
    if (os.environ.get("DATABASE_URL") or "").startswith(("postgres://", "postgresql")):
        targets.append("postgresql")
    return targets


@pytest.fixture(params=_targets())
def empty_database(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    url = config.normalise_database_url(os.environ["DATABASE_URL"])
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(sa.text(f"CREATE SCHEMA {SCHEMA}"))
    separator = "&" if "?" in url else "?"
    yield f"{url}{separator}options=-csearch_path%3D{SCHEMA}"
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
    engine.dispose()


@pytest.fixture()
def migrating_app(empty_database):
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database, "CELERY_ALWAYS_EAGER": True}
    )
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def table_names() -> set[str]:
    with db.engine.connect() as conn:
        return set(sa.inspect(conn).get_table_names())


def test_upgrade_builds_every_table_the_models_describe_and_nothing_differs(migrating_app):
    flask_migrate.upgrade()
    assert {t.name for t in db.metadata.sorted_tables} <= table_names()
    with db.engine.connect() as conn, warnings.catch_warnings():
        # SQLite's reflection cannot read an index on an expression (lower(email)); it says
        # so and leaves it out. PostgreSQL's reads it, and compares it too.
        if conn.dialect.name == "sqlite":
            warnings.filterwarnings(
                "ignore", "Skipped unsupported reflection of expression-based index"
            )
            warnings.filterwarnings("ignore", ".*can't reflect these indexes", UserWarning)
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_downgrade_to_base_removes_every_table(migrating_app):
    flask_migrate.upgrade()
    flask_migrate.downgrade(revision="base")
    assert table_names() <= {"alembic_version"}
