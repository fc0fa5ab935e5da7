"""Fixtures shared by the whole suite.

The database is SQLite in a temporary folder, or the server named by `DATABASE_URL`
(PostgreSQL in CI). Tables are created once per run and emptied after each test. The
Celery queue is the filesystem queue in the same folder, or `CELERY_BROKER_URL` /
`REDIS_URL`; tasks run eagerly except in tests that start a real worker process.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

import config
from tests.signin import session_key_for
from webapp import create_app
from webapp.extensions import db

# Factories of the directory's areas, agencies and entries, for every test folder.
pytest_plugins = ("tests.directory.fixtures",)

_RUN_DIR: Path | None = None


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("puerto")


@pytest.fixture(scope="session")
def database_url(run_dir: Path) -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{run_dir / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def broker_url() -> str | None:
    return config.broker_url()


class FreshContextClient(FlaskClient):
    """Each request gets its own application context, as in production: nothing cached on
    `g` (signed-in user, locale) or in the request's database session outlives it."""

    def open(self, *args: object, **kwargs: object) -> TestResponse:
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def _app(run_dir: Path, database_url: str, broker_url: str | None) -> Iterator[Flask]:
    app = create_app(
        {
            **{
                k: getattr(config.TestingConfig, k)
                for k in dir(config.TestingConfig)
                if k.isupper()
            },
            "SQLALCHEMY_DATABASE_URI": config.normalise_database_url(database_url),
            "CELERY_BROKER_URL": broker_url,
            "CELERY_QUEUE_DIR": str(run_dir / "celery-queue"),
        }
    )
    # Every test client of the suite's app, from the `client` fixture or `app.test_client()`,
    # behaves the same whichever test ran first.
    app.test_client_class = FreshContextClient
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


def _empty_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture()
def app(_app: Flask) -> Iterator[Flask]:
    saved = dict(_app.config)
    celery = _app.extensions["celery"]
    # Tests that build other apps must not leave theirs as Celery's current app.
    celery.set_default()
    celery.set_current()
    celery.conf.task_always_eager = True
    with _app.app_context():
        yield _app
        db.session.rollback()
        _empty_tables()
        db.session.remove()
    _app.config.clear()
    _app.config.update(saved)


@pytest.fixture()
def another_app(_app: Flask) -> Iterator[Callable[..., Flask]]:
    """Factory: another application on the suite's database and queue, as a second web
    process would be (its own engine and connections), with the settings given changed.
    Afterwards its connections are closed and the suite's Celery app is current and default
    again (create_app makes its own both)."""
    made: list[Flask] = []

    def make(**overrides: object) -> Flask:
        settings = {k: v for k, v in _app.config.items() if k.isupper()}
        made.append(create_app(settings | overrides))
        return made[-1]

    yield make
    celery = _app.extensions["celery"]
    celery.set_current()
    celery.set_default()
    for other in made:
        with other.app_context():
            db.engine.dispose()


@pytest.fixture()
def changed_by_another_process(
    another_app: Callable[..., Flask],
) -> Callable[[], AbstractContextManager[None]]:
    """`with changed_by_another_process(): ...`: what the block writes is written as by a
    second web process (`another_app`, the same one for every block of a test) and
    committed there when the block ends.

    The rule every kept page is held to: a change made by another process shows on the
    next request. A test serves its page first, so that a copy is kept, then changes what
    the page shows in this block and serves it again: it fails if the copy is served."""
    other: list[Flask] = []

    @contextmanager
    def change() -> Iterator[None]:
        if not other:
            other.append(another_app())
        with other[0].app_context():
            yield
            db.session.commit()

    return change


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture()
def member_state(app: Flask) -> Callable[..., object]:
    """Factory: `member_state("BR")` returns a saved MemberState (created once per code)."""
    from webapp.core.reference import MemberState

    names = {
        "BR": "Brazil",
        "MX": "Mexico",
        "CA": "Canada",
        "JM": "Jamaica",
        "AR": "Argentina",
        "US": "United States",
        "CL": "Chile",
        "PE": "Peru",
    }

    def make(code: str = "BR", **fields: object) -> MemberState:
        existing = db.session.scalar(sa.select(MemberState).where(MemberState.code == code))
        if existing:
            return existing
        name = fields.pop("name_en", names.get(code, code))
        state = MemberState(
            code=code,
            code3=fields.pop("code3", code + "X"),
            name_en=name,
            name_es=name,
            name_fr=name,
            name_pt=name,
            **fields,
        )
        db.session.add(state)
        db.session.commit()
        return state

    return make


@pytest.fixture()
def user(app: Flask) -> Callable[..., object]:
    """Factory: `user("admin")`, `user("focal_point", states=[br])` -> a saved, active User.
    Its password is `user.test_password`."""
    from webapp.accounts.models import User
    from webapp.accounts.passwords import hash_password

    counter = iter(range(1, 10_000))
    password = "correct horse battery staple"
    hashed = hash_password(password)

    def make(
        *roles: str, email: str | None = None, states: list | None = None, **fields: object
    ) -> User:
        n = next(counter)
        person = User(
            email=email or f"{'-'.join(roles) or 'person'}{n}@example.org",
            name=fields.pop("name", f"Person {n}"),
            password_hash=hashed,
            **fields,
        )
        person.role_names = set(roles)
        person.member_states = list(states or [])
        db.session.add(person)
        db.session.commit()
        person.test_password = password
        return person

    return make


@pytest.fixture()
def login(client: FlaskClient) -> Callable[[object], FlaskClient]:
    """Sign a user in on the test client without the cost of a password check."""

    def sign_in(person: object) -> FlaskClient:
        with client.session_transaction() as session:
            session["_user_id"] = session_key_for(person)
            session["_fresh"] = True
        return client

    return sign_in


@pytest.fixture()
def sent_mail(app: Flask) -> Callable[..., list[object]]:
    """`sent_mail(kind, to=email)`: the mail written to the outbox, oldest first. (What
    reached an SMTP server: the `smtp_server` fixture.)"""
    from webapp.core.outbox import OutboxMessage

    def find(kind: str | None = None, to: str | None = None) -> list[OutboxMessage]:
        query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
        if kind is not None:
            query = query.where(OutboxMessage.kind == kind)
        if to is not None:
            query = query.where(OutboxMessage.recipient == to)
        return list(db.session.scalars(query))

    return find


@pytest.fixture()
def broker_down(app: Flask) -> Iterator[object]:
    """The app publishes to a Redis broker that is not there: a real, refused connection
    on a local port nothing listens on."""
    import socket

    from celery import Celery

    from webapp.extensions import celery_settings

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    saved = app.extensions["celery"]
    app.config.update(CELERY_BROKER_URL=f"redis://127.0.0.1:{port}/0", CELERY_ALWAYS_EAGER=False)
    down = Celery("puerto-broker-down")
    down.config_from_object(celery_settings(app))
    app.extensions["celery"] = down
    yield down
    app.extensions["celery"] = saved


@pytest.fixture()
def smtp_server(app: Flask) -> Iterator[object]:
    """A real SMTP server on loopback, with the app configured to send through it."""
    from tests.smtp import SMTPServer
    from webapp.core.mail import close_transports

    with SMTPServer() as server:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port)
        yield server
        close_transports()
