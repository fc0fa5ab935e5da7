"""The refresh cycle's rules, through its public entry points only (`run_cycle`,
`answer_request`, `standings`) and the mail they write, so that they hold however the
module is split: whose requests an answer closes, who is reminded, who counts as a
state's focal point."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
import sqlalchemy as sa

from webapp.core.outbox import OutboxMessage
from webapp.directory import refresh
from webapp.directory.models import ACTIVE, Agency, PointOfContact, RefreshRequest
from webapp.extensions import db

# Self-contained on purpose (its own builders, not the directory's shared ones): these
# specifications must hold through the refresh module's split and the tests' own moves.
NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)  # a fixed clock: never the wall clock
TODAY = NOW.date()
NO_FOCAL_POINT = "no_focal_point"  # a standing's status, as stored and shown
_numbers = count(1)


def contact(state, verified) -> PointOfContact:
    agency = Agency(member_state_id=state.id, name=f"Customs {next(_numbers)}", kind="customs")
    db.session.add(agency)
    db.session.flush()
    n = next(_numbers)
    entry = PointOfContact(
        member_state_id=state.id,
        agency_id=agency.id,
        name=f"Officer {n}",
        title="Inspector",
        email=f"officer{n}@example.org",
        phones="+525555555555",
        languages="es,en",
        status=ACTIVE,
        last_verified_on=verified,
        created_at=datetime(2024, 1, 1, tzinfo=UTC),
    )
    db.session.add(entry)
    db.session.commit()
    return entry


def requests_of(state) -> list[RefreshRequest]:
    return list(
        db.session.scalars(
            sa.select(RefreshRequest)
            .where(RefreshRequest.member_state_id == state.id)
            .order_by(RefreshRequest.id)
        )
    )


def mail(kind: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        )
    )


DUE_VERIFIED = TODAY - timedelta(days=183)  # due three days ago with the 180-day default
REMINDER_DAY = NOW + timedelta(days=14)


def due_state(member_state, code: str):
    state = member_state(code)
    contact(state, verified=DUE_VERIFIED)
    return state


def reminded() -> list[str]:
    return sorted(m.recipient for m in mail("directory-refresh-reminder"))


def standing(state):
    [found] = refresh.standings(TODAY, [state.id])
    return found


# Answers


def test_an_answer_closes_only_the_open_requests_of_that_state(member_state, user):
    br, mx = due_state(member_state, "BR"), due_state(member_state, "MX")
    user("focal_point", states=[br])
    user("focal_point", states=[mx])
    refresh.run_cycle(NOW)
    [asked_br], [asked_mx] = requests_of(br), requests_of(mx)
    refresh.answer_request(asked_br, "confirmed", NOW + timedelta(days=1))
    db.session.commit()
    db.session.expire_all()
    assert asked_br.answered_at is not None
    assert (asked_mx.answered_at, asked_mx.answer) == (None, None)


def test_an_answer_closes_the_requests_of_every_focal_point_of_the_state(member_state, user):
    br = due_state(member_state, "BR")
    answering = user("focal_point", states=[br])
    user("focal_point", states=[br])
    refresh.run_cycle(NOW)
    mine = next(r for r in requests_of(br) if r.focal_point_id == answering.id)
    refresh.answer_request(mine, "corrected", NOW + timedelta(days=1))
    db.session.commit()
    db.session.expire_all()
    assert [(r.answer, r.answered_by_id) for r in requests_of(br)] == [
        ("corrected", answering.id),
        ("corrected", answering.id),
    ]


def test_the_other_state_is_still_reminded_after_one_state_answered(member_state, user):
    br, mx = due_state(member_state, "BR"), due_state(member_state, "MX")
    user("focal_point", states=[br])
    mexican = user("focal_point", states=[mx])
    refresh.run_cycle(NOW)
    refresh.answer_request(requests_of(br)[0], "confirmed", NOW + timedelta(days=1))
    db.session.commit()
    refresh.run_cycle(REMINDER_DAY)
    assert reminded() == [mexican.email]


def test_an_answer_stamps_only_the_entries_of_that_state(member_state, user):
    br, mx = due_state(member_state, "BR"), due_state(member_state, "MX")
    user("focal_point", states=[br])
    user("focal_point", states=[mx])
    refresh.run_cycle(NOW)
    refresh.answer_request(requests_of(br)[0], "confirmed", NOW + timedelta(days=1))
    db.session.commit()
    assert standing(br).oldest_verified_on == (NOW + timedelta(days=1)).date()
    assert standing(mx).oldest_verified_on == DUE_VERIFIED


def test_answering_a_later_cycle_leaves_the_answers_of_earlier_cycles_as_they_were(
    member_state, user
):
    br = due_state(member_state, "BR")
    person = user("focal_point", states=[br])
    refresh.run_cycle(NOW)
    first_answer = NOW + timedelta(days=1)
    refresh.answer_request(requests_of(br)[0], "confirmed", first_answer)
    db.session.commit()
    next_cycle = first_answer + timedelta(days=181)  # due again after the 180-day period
    refresh.run_cycle(next_cycle)
    earlier, later = requests_of(br)
    refresh.answer_request(later, "corrected", next_cycle + timedelta(days=1))
    db.session.commit()
    db.session.expire_all()
    assert (earlier.answer, earlier.answered_at) == ("confirmed", first_answer)
    assert (later.answer, later.answered_by_id) == ("corrected", person.id)


def test_a_second_answer_is_refused_with_a_reason(member_state, user):
    br = due_state(member_state, "BR")
    user("focal_point", states=[br])
    refresh.run_cycle(NOW)
    [request] = requests_of(br)
    refresh.answer_request(request, "confirmed", NOW + timedelta(days=1))
    db.session.commit()
    with pytest.raises(refresh.RefreshRefused) as refused:
        refresh.answer_request(request, "corrected", NOW + timedelta(days=2))
    assert "already" in refused.value.message
    db.session.expire_all()
    assert request.answer == "confirmed"


# Reminders


def test_one_person_no_longer_focal_point_does_not_stop_the_reminders_after_them(
    member_state, user
):
    br = due_state(member_state, "BR")
    first, second, third = (user("focal_point", states=[br]) for _ in range(3))
    refresh.run_cycle(NOW)
    first.role_names = {"participant"}
    db.session.commit()
    report = refresh.run_cycle(REMINDER_DAY)
    assert reminded() == sorted([second.email, third.email])
    assert len(report.reminded) == 2


def test_a_deactivated_focal_point_does_not_stop_the_reminders_of_other_states(member_state, user):
    br, mx = due_state(member_state, "BR"), due_state(member_state, "MX")
    gone = user("focal_point", states=[br])
    mexican = user("focal_point", states=[mx])
    refresh.run_cycle(NOW)
    gone.is_active_account = False
    db.session.commit()
    refresh.run_cycle(REMINDER_DAY)
    assert reminded() == [mexican.email]


def test_a_focal_point_moved_to_another_state_is_not_reminded_for_the_old_one(member_state, user):
    br, mx = due_state(member_state, "BR"), due_state(member_state, "MX")
    moved = user("focal_point", states=[br])
    staying = user("focal_point", states=[br])
    refresh.run_cycle(NOW)
    moved.member_states = [mx]
    db.session.commit()
    refresh.run_cycle(REMINDER_DAY)
    assert staying.email in reminded()
    assert moved.email not in [
        m.recipient for m in mail("directory-refresh-reminder") if "Brazil" in m.subject
    ]


# Counting focal points


def test_participants_and_deactivated_accounts_are_not_counted_as_focal_points(member_state, user):
    br = due_state(member_state, "BR")
    user("participant", states=[br])
    user("focal_point", states=[br], is_active_account=False)
    user("focal_point", states=[member_state("MX")])
    assert standing(br).focal_points == 0
    assert standing(br).status == NO_FOCAL_POINT


def test_each_active_focal_point_of_the_state_is_counted_once(member_state, user):
    br = due_state(member_state, "BR")
    user("focal_point", states=[br])
    user("focal_point", "participant", states=[br, member_state("MX")])
    user("participant", states=[br])
    assert standing(br).focal_points == 2
    assert standing(br).status != NO_FOCAL_POINT


def test_a_state_with_only_participants_and_deactivated_focal_points_is_flagged(
    app, member_state, user
):
    br = due_state(member_state, "BR")
    user("participant", states=[br])
    user("focal_point", states=[br], is_active_account=False)
    report = refresh.run_cycle(NOW)
    assert report.flagged == [br.id]
    assert requests_of(br) == []
    [flag] = mail("directory-refresh-no-focal-point")
    assert flag.recipient == app.config["SECRETARIAT_EMAIL"]


# Standing


def test_a_state_is_current_within_its_period_then_due_then_stale(app, member_state, user):
    app.config["REFRESH_ESCALATION_DAYS"] = 30
    br = member_state("BR")
    contact(br, verified=TODAY)
    user("focal_point", states=[br])
    due_on = TODAY + timedelta(days=180)

    def status_on(day):
        [found] = refresh.standings(day, [br.id])
        return found.status

    assert status_on(due_on - timedelta(days=1)) == "current"
    assert status_on(due_on) == "due"
    assert status_on(due_on + timedelta(days=30)) == "due"
    assert status_on(due_on + timedelta(days=31)) == "stale"
