"""The refresh cycle's rules, through its public entry points only (`run_cycle`,
`answer_request`, `standings`) and the mail they write, so that they hold however the
module is split: whose requests an answer closes, who is reminded, who counts as a
state's focal point."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count

import pytest
import sqlalchemy as sa

from webapp.core.outbox import OutboxMessage
from webapp.directory import refresh
from webapp.directory.models import ACTIVE, WITHDRAWN, Agency, PointOfContact, RefreshRequest
from webapp.directory.standing import set_verification_days, standing_of
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


# Where a state stands (directory/standing.py): what the coverage page shows and the cycle
# acts on


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=UTC)


def ask(state, person, cycle: date, sent: date, answered: date | None = None, answer=None):
    made = RefreshRequest(
        member_state_id=state.id,
        cycle=cycle,
        focal_point_id=person.id,
        sent_at=at(sent),
        answered_at=at(answered) if answered else None,
        answer=answer,
    )
    db.session.add(made)
    db.session.commit()
    return made


def test_a_standing_counts_the_active_entries_and_those_never_verified(member_state):
    br = member_state("BR")
    contact(br, verified=TODAY - timedelta(days=10))
    contact(br, verified=None)  # created on 2024-01-01
    contact(br, verified=None)
    contact(br, verified=date(2020, 1, 1)).status = WITHDRAWN
    contact(member_state("MX"), verified=None)
    db.session.commit()
    found = standing(br)
    assert (found.active_contacts, found.never_verified) == (3, 2)
    # The oldest verification: an entry never verified counts from its creation.
    assert found.oldest_verified_on == date(2024, 1, 1)


def test_an_entry_verified_before_another_was_created_is_the_oldest(member_state):
    br = member_state("BR")
    contact(br, verified=date(2023, 6, 1))
    contact(br, verified=None)  # created on 2024-01-01
    assert standing(br).oldest_verified_on == date(2023, 6, 1)
    assert standing(br).never_verified == 1


def test_a_state_without_entries_has_no_contacts_and_is_never_due(member_state, user):
    br = member_state("BR")
    user("focal_point", states=[br])
    found = standing(br)
    assert (found.active_contacts, found.never_verified, found.focal_points) == (0, 0, 1)
    assert (found.oldest_verified_on, found.due_on, found.cycle_on(TODAY)) == (None, None, None)
    assert found.status == "no_contacts"
    assert found.contacts_by_area == {}


def test_a_standing_counts_the_active_entries_of_each_area(member_state, area):
    br = member_state("BR")
    customs, drugs = area("customs"), area("drugs")
    contact(br, verified=TODAY).areas = [customs, drugs]
    contact(br, verified=TODAY).areas = [customs]
    gone = contact(br, verified=TODAY)
    gone.areas, gone.status = [drugs], WITHDRAWN
    contact(member_state("MX"), verified=TODAY).areas = [drugs]
    db.session.commit()
    assert standing(br).contacts_by_area == {customs.id: 2, drugs.id: 1}


def test_each_state_counts_only_its_own_entries_of_an_area_when_all_states_stand(
    member_state, area
):
    br, mx = member_state("BR"), member_state("MX")
    drugs = area("drugs")
    contact(br, verified=TODAY).areas = [drugs]
    contact(mx, verified=TODAY).areas = [drugs]
    contact(mx, verified=TODAY).areas = [drugs]
    db.session.commit()
    by_state = {found.state.id: found for found in refresh.standings(TODAY)}
    assert by_state[br.id].contacts_by_area == {drugs.id: 1}
    assert by_state[mx.id].contacts_by_area == {drugs.id: 2}


def test_a_state_whose_entries_are_all_verified_has_none_never_verified(member_state):
    br = member_state("BR")
    contact(br, verified=TODAY - timedelta(days=3))
    db.session.commit()
    assert (standing(br).active_contacts, standing(br).never_verified) == (1, 0)


def test_a_state_keeps_its_own_period_until_it_is_returned_to_the_default(app, member_state):
    default = app.config["DIRECTORY_VERIFICATION_DAYS"]
    br, mx = member_state("BR"), member_state("MX")
    set_verification_days(br.id, 30)
    db.session.commit()
    assert (standing(br).period_days, standing(br).custom_period) == (30, True)
    assert (standing(mx).period_days, standing(mx).custom_period) == (default, False)
    set_verification_days(br.id, 90)
    db.session.commit()
    assert (standing(br).period_days, standing(br).custom_period) == (90, True)
    set_verification_days(br.id, None)
    set_verification_days(mx.id, None)  # nothing to return: still the default
    db.session.commit()
    assert (standing(br).period_days, standing(br).custom_period) == (default, False)
    assert (standing(mx).period_days, standing(mx).custom_period) == (default, False)


@pytest.mark.parametrize("days", [1, 3650])
def test_a_period_of_one_day_or_of_ten_years_is_accepted(member_state, days):
    br = member_state("BR")
    set_verification_days(br.id, days)
    db.session.commit()
    assert standing(br).period_days == days


def test_a_standing_tells_the_last_request_the_open_cycle_and_the_last_answer(member_state, user):
    br, mx = due_state(member_state, "BR"), due_state(member_state, "MX")
    first, second = user("focal_point", states=[br, mx]), user("focal_point", states=[br])
    ask(br, first, date(2024, 6, 1), date(2024, 6, 2), date(2024, 6, 20), "corrected")
    ask(br, first, date(2024, 9, 1), date(2024, 9, 2), date(2024, 9, 5), "confirmed")
    ask(br, first, date(2025, 5, 1), date(2025, 5, 2))
    ask(br, second, date(2025, 5, 1), date(2025, 5, 3))
    ask(mx, first, date(2025, 5, 20), date(2025, 5, 21), date(2025, 5, 22), "corrected")
    found = standing(br)
    assert found.last_request_at == at(date(2025, 5, 3))
    assert (found.open_cycle, found.open_since) == (date(2025, 5, 1), at(date(2025, 5, 2)))
    assert (found.last_answer, found.last_answered_at) == ("confirmed", at(date(2024, 9, 5)))
    assert found.cycle_on(TODAY) == date(2025, 5, 1)  # the open cycle, whatever is due
    untouched = standing(member_state("AR"))
    assert (untouched.last_request_at, untouched.open_cycle, untouched.last_answer) == (
        None,
        None,
        None,
    )


def test_each_state_keeps_its_own_last_answer_when_all_states_stand(member_state, user):
    br, mx = due_state(member_state, "BR"), due_state(member_state, "MX")
    person = user("focal_point", states=[br, mx])
    ask(br, person, date(2024, 9, 1), date(2024, 9, 2), date(2024, 9, 5), "confirmed")
    ask(mx, person, date(2025, 5, 20), date(2025, 5, 21), date(2025, 5, 22), "corrected")
    by_state = {found.state.id: found for found in refresh.standings(TODAY)}
    assert (by_state[br.id].last_answer, by_state[br.id].last_answered_at) == (
        "confirmed",
        at(date(2024, 9, 5)),
    )
    assert by_state[mx.id].last_answer == "corrected"


def test_entries_verified_after_the_last_answer_count_from_their_verification(member_state, user):
    br = member_state("BR")
    contact(br, verified=TODAY - timedelta(days=20))
    person = user("focal_point", states=[br])
    ask(br, person, date(2024, 6, 1), date(2024, 6, 2), date(2024, 6, 20), "confirmed")
    assert standing(br).reference_on == TODAY - timedelta(days=20)
    assert standing(br).due_on == TODAY + timedelta(days=160)


def test_a_state_due_today_is_asked_for_todays_cycle(member_state):
    br = member_state("BR")
    contact(br, verified=TODAY - timedelta(days=180))
    assert standing(br).due_on == TODAY
    assert standing(br).cycle_on(TODAY) == TODAY
    assert standing(br).cycle_on(TODAY - timedelta(days=1)) is None


def test_every_state_in_the_directory_stands_in_the_order_of_its_name(member_state):
    mx, br, ar = member_state("MX"), member_state("BR"), member_state("AR")
    member_state("CL", status="withdrawn")
    assert [s.state for s in refresh.standings(TODAY)] == [ar, br, mx]
    assert [s.state for s in refresh.standings(TODAY, [mx.id, br.id])] == [br, mx]
    assert standing_of(987654, TODAY) is None
