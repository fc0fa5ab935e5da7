from datetime import timedelta

from webapp.core import locks
from webapp.core.timezones import utcnow
from webapp.extensions import db


def test_a_held_lock_keeps_a_second_run_out(app):
    with locks.single_run("job", 60) as first, locks.single_run("job", 60) as second:
        assert (first, second) == (True, False)


def test_a_released_lock_can_be_taken_again(app):
    with locks.single_run("job", 60) as first:
        assert first
    with locks.single_run("job", 60) as again:
        assert again


def test_an_expired_lock_left_by_a_dead_worker_can_be_taken(app):
    assert locks.acquire("job", 60) is not None
    lock = db.session.get(locks.TaskLock, "job")
    lock.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert locks.acquire("job", 60) is not None
