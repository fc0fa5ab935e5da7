"""The periodic refresh-cycle task: thin, idempotent, guarded against overlapping runs."""

from __future__ import annotations

from datetime import timedelta

from tasks.directory import run_refresh_cycle
from tasks.schedule import beat_schedule
from tests.directory.fixtures import NOW, TODAY
from webapp.core import locks

DUE_VERIFIED = TODAY - timedelta(days=183)


def due_state(contact, member_state, user):
    br = member_state("BR")
    contact(br, verified=DUE_VERIFIED)
    person = user("focal_point", states=[br])
    return br, person


def test_the_task_sends_the_due_requests(contact, requests_of, sent_mail, member_state, user):
    br, person = due_state(contact, member_state, user)
    result = run_refresh_cycle.delay(now=NOW.isoformat()).get()
    assert result["requested"] == 1
    assert [r.focal_point_id for r in requests_of(br)] == [person.id]
    assert [m.recipient for m in sent_mail("directory-refresh-request")] == [person.email]


def test_a_time_without_a_zone_is_taken_as_utc(contact, requests_of, member_state, user):
    br, _person = due_state(contact, member_state, user)
    run_refresh_cycle.delay(now=NOW.replace(tzinfo=None).isoformat())
    assert [r.sent_at for r in requests_of(br)] == [NOW]


def test_running_the_task_twice_sends_nothing_twice(
    contact, requests_of, sent_mail, member_state, user
):
    br, _person = due_state(contact, member_state, user)
    run_refresh_cycle.delay(now=NOW.isoformat())
    again = run_refresh_cycle.delay(now=(NOW + timedelta(minutes=5)).isoformat()).get()
    assert again["requested"] == 0
    assert len(requests_of(br)) == 1
    assert len(sent_mail()) == 1


def test_the_task_reminds_and_escalates_on_its_own_clock(contact, member_state, user):
    due_state(contact, member_state, user)
    run_refresh_cycle.delay(now=NOW.isoformat())
    reminded = run_refresh_cycle.delay(now=(NOW + timedelta(days=14)).isoformat()).get()
    escalated = run_refresh_cycle.delay(now=(NOW + timedelta(days=30)).isoformat()).get()
    assert reminded["reminded"] == 1
    assert escalated["escalated"] == 1


def test_the_task_does_nothing_while_another_run_holds_the_lock(
    contact, requests_of, member_state, user
):
    br, _person = due_state(contact, member_state, user)
    owner = locks.acquire("directory-refresh-cycle", seconds=600)
    try:
        assert run_refresh_cycle.delay(now=NOW.isoformat()).get() == {}
    finally:
        locks.release("directory-refresh-cycle", owner)
    assert requests_of(br) == []


def test_the_task_releases_its_lock_when_done(contact, member_state, user):
    due_state(contact, member_state, user)
    run_refresh_cycle.delay(now=NOW.isoformat())
    owner = locks.acquire("directory-refresh-cycle", seconds=60)
    assert owner is not None
    locks.release("directory-refresh-cycle", owner)


def test_the_refresh_cycle_is_in_the_beat_schedule(app):
    entry = beat_schedule(app.config)["directory-refresh-cycle"]
    assert entry["task"] == "tasks.directory.run_refresh_cycle"
    assert entry["schedule"] <= timedelta(days=1)
