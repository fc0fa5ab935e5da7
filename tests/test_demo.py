"""`flask demo load` gives `make run` its accounts and directory entries, idempotently."""

import sqlalchemy as sa

from webapp.accounts.models import User
from webapp.accounts.signin import authenticate
from webapp.demo import DEMO_PASSWORD
from webapp.directory.models import PointOfContact
from webapp.extensions import db


def counts() -> tuple[int, int]:
    return (
        db.session.scalar(sa.select(sa.func.count()).select_from(User)),
        db.session.scalar(sa.select(sa.func.count()).select_from(PointOfContact)),
    )


def test_demo_data_loads_once_and_prints_the_logins(app, runner):
    assert runner.invoke(args=["reference", "load"]).exit_code == 0
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "admin@puerto.example.org" in first.output and DEMO_PASSWORD in first.output
    loaded = counts()
    assert loaded[0] >= 6 and loaded[1] >= 5
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0
    assert counts() == loaded


def test_the_printed_demo_password_signs_in(app, runner):
    runner.invoke(args=["reference", "load"])
    runner.invoke(args=["demo", "load"])
    assert authenticate("focal.mx@puerto.example.org", DEMO_PASSWORD, "127.0.0.1") is not None


def test_demo_data_needs_the_reference_data_first(app, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code != 0
    assert "flask reference load" in result.output


def test_demo_data_includes_meetings_once(app, runner):
    from webapp.meetings.models import MeetingSeries, Participant

    runner.invoke(args=["reference", "load"])
    runner.invoke(args=["demo", "load"])
    runner.invoke(args=["demo", "load"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MeetingSeries)) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Participant)) > 0
