"""The rest of the refresh cycle's rules, found unpinned by mutation testing
(tests/MUTATION.md): a request sent by hand, what a run reports, the review link's holder,
a focal point's own requests, and escalations."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from tests.directory.test_refresh_rules import (
    NOW,
    TODAY,
    contact,
    due_state,
    mail,
    requests_of,
)
from webapp.core import tokens
from webapp.directory import refresh, refresh_mail
from webapp.directory.errors import RefreshLinkError, RefreshRefused
from webapp.directory.models import WITHDRAWN, RefreshRequest
from webapp.directory.standing import (
    changed_since,
    focal_points_by_state,
    is_focal_point_of,
    state_entries,
)
from webapp.extensions import db

ESCALATION_DAY = NOW + timedelta(days=30)
ONE_DAY = timedelta(days=1)


# --- by hand ----------------------------------------------------------------------------


def test_a_request_by_hand_asks_each_focal_point_now_and_says_who_asked(member_state, user):
    br = member_state("BR")
    contact(br, verified=TODAY)  # current: not due, yet the Secretariat may ask
    people = [user("focal_point", states=[br]) for _ in range(2)]
    admin = user("admin")
    created = refresh.send_request_by_hand(br.id, admin, NOW)
    db.session.commit()
    assert sorted(r.focal_point_id for r in created) == sorted(p.id for p in people)
    assert all((r.manual, r.requested_by_id, r.sent_at) == (True, admin.id, NOW) for r in created)
    assert all(r.cycle == TODAY for r in created)  # a state not due: the cycle is today
    assert sorted(m.recipient for m in mail(refresh_mail.REQUEST_MAIL)) == sorted(
        p.email for p in people
    )


def test_a_request_by_hand_to_a_due_state_belongs_to_its_cycle(member_state, user):
    br = due_state(member_state, "BR")
    user("focal_point", states=[br])
    [request] = refresh.send_request_by_hand(br.id, user("admin"), NOW)
    assert request.cycle == refresh.standings(TODAY, [br.id])[0].cycle_on(TODAY)
    assert request.cycle < TODAY


def test_a_request_by_hand_is_refused_while_one_is_open(member_state, user):
    br = due_state(member_state, "BR")
    user("focal_point", states=[br])
    refresh.run_cycle(NOW)
    with pytest.raises(RefreshRefused, match="already open") as refused:
        refresh.send_request_by_hand(br.id, user("admin"), NOW + timedelta(days=1))
    assert "A refresh request to Brazil is already open" in refused.value.message
    assert len(requests_of(br)) == 1


def test_a_request_by_hand_to_a_state_without_focal_point_is_refused(member_state, user):
    br = due_state(member_state, "BR")
    user("participant", states=[br])
    with pytest.raises(RefreshRefused, match="no focal point"):
        refresh.send_request_by_hand(br.id, user("admin"), NOW)
    assert requests_of(br) == []
    assert mail(refresh_mail.REQUEST_MAIL) == []


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("BR", "Le Brésil n'a pas de point focal"),
        ("US", "Les États-Unis n'ont pas de point focal"),
    ],
)
def test_the_refusal_for_want_of_a_focal_point_agrees_with_the_state(member_state, user, code,
                                                                     says):  # fmt: skip
    state = due_state(member_state, code)
    with force_locale("fr"), pytest.raises(RefreshRefused) as refused:
        refresh.send_request_by_hand(state.id, user("admin"), NOW)
    assert refused.value.message.startswith(says)


def test_a_request_by_hand_for_a_cycle_already_answered_is_refused(member_state, user):
    br = member_state("BR")
    contact(br, verified=TODAY)
    user("focal_point", states=[br])
    admin = user("admin")
    [request] = refresh.send_request_by_hand(br.id, admin, NOW)
    refresh.answer_request(request, "confirmed", NOW + timedelta(hours=1))
    db.session.commit()
    with pytest.raises(RefreshRefused, match="already answered"):
        refresh.send_request_by_hand(br.id, admin, NOW + timedelta(hours=2))
    assert len(requests_of(br)) == 1


@pytest.mark.parametrize(
    ("code", "language", "says"),
    [
        ("US", "en", "The United States has already answered"),
        ("US", "fr", "Les États-Unis ont déjà répondu"),
        ("BR", "fr", "Le Brésil a déjà répondu"),
    ],
)
def test_the_refusal_of_an_answered_cycle_names_the_state_and_agrees_with_it(
    member_state, user, code, language, says
):
    state = member_state(code)
    contact(state, verified=TODAY)
    user("focal_point", states=[state])
    admin = user("admin")
    [request] = refresh.send_request_by_hand(state.id, admin, NOW)
    refresh.answer_request(request, "confirmed", NOW + timedelta(hours=1))
    db.session.commit()
    with force_locale(language), pytest.raises(RefreshRefused) as refused:
        refresh.send_request_by_hand(state.id, admin, NOW + timedelta(hours=2))
    assert refused.value.message.startswith(says)


def test_a_request_by_hand_to_an_unknown_state_is_refused(app, user):
    with pytest.raises(RefreshRefused, match="not in the directory"):
        refresh.send_request_by_hand(987654, user("admin"), NOW)


# --- what a run reports -----------------------------------------------------------------


def test_a_run_reports_what_it_did_in_figures(member_state, user):
    br, mx = due_state(member_state, "BR"), due_state(member_state, "MX")
    asked = [user("focal_point", states=[br]) for _ in range(2)]
    first = refresh.run_cycle(NOW)
    assert first.as_dict() == {"requested": 2, "flagged": 1, "reminded": 0, "escalated": 0}
    assert sorted(first.requested) == sorted(r.id for r in requests_of(br))
    assert first.flagged == [mx.id]
    later = refresh.run_cycle(ESCALATION_DAY)
    assert later.as_dict() == {"requested": 0, "flagged": 0, "reminded": 2, "escalated": 2}
    assert len(asked) == 2


def test_a_due_state_with_a_focal_point_is_asked_and_not_flagged(member_state, user):
    br = due_state(member_state, "BR")
    user("focal_point", states=[br])
    report = refresh.send_due_requests(NOW)
    assert report.flagged == []
    assert mail(refresh_mail.NO_FOCAL_POINT_MAIL) == []


def test_the_requests_of_a_run_are_committed(member_state, user):
    br = due_state(member_state, "BR")
    user("focal_point", states=[br])
    refresh.send_due_requests(NOW)
    db.session.rollback()
    assert len(requests_of(br)) == 1
    assert len(mail(refresh_mail.REQUEST_MAIL)) == 1


def test_a_request_is_sent_at_the_time_of_the_run_for_the_states_cycle(member_state, user):
    br = due_state(member_state, "BR")
    person = user("focal_point", states=[br])
    refresh.send_due_requests(NOW)
    [request] = requests_of(br)
    assert (request.sent_at, request.focal_point_id, request.manual) == (NOW, person.id, False)
    assert request.requested_by_id is None
    assert request.cycle == refresh.standings(TODAY, [br.id])[0].cycle_on(TODAY)


def test_a_request_another_run_made_a_moment_ago_is_left_to_it_and_the_rest_are_asked(
    member_state, user
):
    br = due_state(member_state, "BR")
    first, second = user("focal_point", states=[br]), user("focal_point", states=[br])
    cycle = refresh.standings(TODAY, [br.id])[0].cycle_on(TODAY)
    table = RefreshRequest.__table__

    raced = []

    def the_other_run_asks_first(_conn, _cursor, statement, *_args):
        # Just after this run looked for existing requests, another run (its own
        # connection) creates the first focal point's request and commits.
        if not raced and statement.startswith(f"SELECT {table.name}.focal_point_id"):
            raced.append(statement)
            with db.engine.connect() as other:
                other.execute(
                    table.insert().values(
                        member_state_id=br.id, cycle=cycle, focal_point_id=first.id, sent_at=NOW
                    )
                )
                other.commit()

    sa.event.listen(db.engine, "after_cursor_execute", the_other_run_asks_first)
    try:
        report = refresh.send_due_requests(NOW)
    finally:
        sa.event.remove(db.engine, "after_cursor_execute", the_other_run_asks_first)
    assert raced
    theirs, ours = requests_of(br)
    assert (theirs.focal_point_id, ours.focal_point_id) == (first.id, second.id)
    assert report.requested == [ours.id]
    assert [m.recipient for m in mail(refresh_mail.REQUEST_MAIL)] == [second.email]


def test_a_second_run_skips_the_focal_points_already_asked_without_trying_to_write(
    member_state, user
):
    # The unique constraint only settles a race: a run finds who was asked and writes
    # nothing for them, not even an attempt the database would refuse.
    br = due_state(member_state, "BR")
    user("focal_point", states=[br])
    user("focal_point", states=[br])
    refresh.send_due_requests(NOW)
    table = RefreshRequest.__table__
    attempts = []

    def count_inserts(_conn, _cursor, statement, *_args):
        if statement.startswith(f"INSERT INTO {table.name}"):
            attempts.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count_inserts)
    try:
        again = refresh.send_due_requests(NOW + timedelta(hours=1))
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count_inserts)
    assert (again.requested, attempts) == ([], [])
    assert len(requests_of(br)) == 2


def test_a_request_tells_how_many_entries_the_state_lists_and_the_oldest_check(member_state, user):
    br = due_state(member_state, "BR")  # one entry, last verified on 2024-12-01
    contact(br, verified=TODAY - timedelta(days=20))
    user("focal_point", states=[br])
    refresh.send_due_requests(NOW)
    [request_mail] = mail(refresh_mail.REQUEST_MAIL)
    assert "2 entries are listed." in request_mail.body_text
    assert "The oldest was last verified on December 1, 2024." in request_mail.body_text


# --- escalations --------------------------------------------------------------------------


def test_an_escalation_is_due_on_the_escalation_day_itself(member_state, user):
    br = due_state(member_state, "BR")
    user("focal_point", states=[br])
    refresh.send_due_requests(NOW)
    assert refresh.send_escalations(ESCALATION_DAY - timedelta(seconds=1)).escalated == []
    report = refresh.send_escalations(ESCALATION_DAY)
    assert report.escalated == [r.id for r in requests_of(br)]
    [request] = requests_of(br)
    assert request.escalated_at == ESCALATION_DAY
    db.session.rollback()
    assert len(mail(refresh_mail.ESCALATION_MAIL)) == 1  # committed


def test_two_cycles_of_one_state_are_escalated_separately(member_state, user):
    br = due_state(member_state, "BR")
    person = user("focal_point", states=[br])
    for cycle in (date(2024, 6, 1), date(2024, 12, 1)):
        db.session.add(
            RefreshRequest(
                member_state_id=br.id,
                cycle=cycle,
                focal_point_id=person.id,
                sent_at=NOW - timedelta(days=40),
            )
        )
    db.session.commit()
    assert len(refresh.send_escalations(NOW).escalated) == 2
    assert len(mail(refresh_mail.ESCALATION_MAIL)) == 2


# --- the review link --------------------------------------------------------------------


def _asked(member_state, user):
    br = due_state(member_state, "BR")
    person = user("focal_point", states=[br])
    refresh.run_cycle(NOW)
    [request] = requests_of(br)
    return br, person, request


def test_a_review_link_names_its_request_and_focal_point(member_state, user):
    _br, person, request = _asked(member_state, user)
    assert refresh.request_from_token(refresh_mail.review_token(request)) == (request, person)


@pytest.mark.parametrize(
    "payload", [{"request": "1"}, {"req": 1}, [1], 1, {"request": None}, {"request": 1.0}]
)
def test_a_signed_link_without_a_request_number_is_invalid(app, payload):
    token = tokens.sign(refresh_mail.TOKEN_PURPOSE, payload)
    with pytest.raises(RefreshLinkError) as refused:
        refresh.request_from_token(token)
    assert refused.value.reason == "invalid"


def test_a_link_past_its_age_is_expired_and_a_tampered_one_invalid(member_state, user, app):
    _br, _person, request = _asked(member_state, user)
    token = refresh_mail.review_token(request)
    with pytest.raises(RefreshLinkError) as tampered:
        refresh.request_from_token(token[:-3] + "AAA")
    assert tampered.value.reason == "invalid"
    app.config["REFRESH_LINK_MAX_AGE_SECONDS"] = -1
    with pytest.raises(RefreshLinkError) as expired:
        refresh.request_from_token(token)
    assert expired.value.reason == "expired"


def test_a_link_of_someone_moved_to_another_state_is_revoked(member_state, user):
    _br, person, request = _asked(member_state, user)
    person.member_states = [member_state("MX")]
    db.session.commit()
    with pytest.raises(RefreshLinkError) as refused:
        refresh.request_from_token(refresh_mail.review_token(request))
    assert refused.value.reason == "revoked"


# --- a focal point's own requests -------------------------------------------------------


def test_a_focal_point_sees_their_own_open_and_answered_requests_of_their_states(
    member_state, user
):
    br, mx, ar = (due_state(member_state, code) for code in ("BR", "MX", "AR"))
    person = user("focal_point", states=[br, mx, ar])
    colleague = user("focal_point", states=[br])
    refresh.run_cycle(NOW)
    [mine_br] = [r for r in requests_of(br) if r.focal_point_id == person.id]
    [mine_mx], [mine_ar] = requests_of(mx), requests_of(ar)
    assert mine_ar.id < mine_mx.id  # asked in the order of the states' names
    refresh.answer_request(mine_mx, "confirmed", NOW + timedelta(days=1))
    refresh.answer_request(mine_ar, "confirmed", NOW + timedelta(days=2))
    db.session.commit()
    open_requests, answered = refresh.requests_for(person)
    assert open_requests == [mine_br]
    assert answered == [mine_ar, mine_mx]  # latest answer first, whatever the order asked
    assert refresh.requests_for(person, limit=1)[1] == [mine_ar]
    theirs_open, theirs_answered = refresh.requests_for(colleague)
    assert [r.focal_point_id for r in theirs_open] == [colleague.id]
    assert theirs_answered == []  # Mexico's and Argentina's answers are not theirs
    person.member_states = [mx]  # no longer speaks for Brazil
    db.session.commit()
    assert refresh.requests_for(person)[0] == []


def test_open_requests_come_oldest_first(member_state, user):
    br = due_state(member_state, "BR")
    person = user("focal_point", states=[br])
    for cycle, sent in ((date(2024, 12, 1), NOW), (date(2024, 6, 1), NOW - timedelta(days=9))):
        db.session.add(
            RefreshRequest(
                member_state_id=br.id, cycle=cycle, focal_point_id=person.id, sent_at=sent
            )
        )
    db.session.commit()
    open_requests, _ = refresh.requests_for(person)
    assert [r.cycle for r in open_requests] == [date(2024, 6, 1), date(2024, 12, 1)]


def test_a_signed_link_to_a_request_that_does_not_exist_is_invalid(app):
    token = tokens.sign(refresh_mail.TOKEN_PURPOSE, {"request": 987654})
    with pytest.raises(RefreshLinkError) as refused:
        refresh.request_from_token(token)
    assert refused.value.reason == "invalid"


@pytest.mark.parametrize(
    ("zone", "day"), [("America/Sao_Paulo", TODAY), ("America/Los_Angeles", TODAY - ONE_DAY)]
)
def test_an_answer_stamps_the_day_of_the_focal_points_own_zone_not_the_default(
    member_state, user, zone, day
):
    # 04:30 UTC in June: 01:30 in São Paulo and 00:30 in New York (the default zone), but
    # still the previous evening in Los Angeles.
    br = member_state("BR")
    entry = contact(br, verified=TODAY - timedelta(days=183))
    user("focal_point", states=[br], timezone=zone)
    refresh.send_due_requests(NOW)
    [request] = requests_of(br)
    refresh.answer_request(request, "confirmed", datetime(2025, 6, 2, 4, 30, tzinfo=UTC))
    db.session.commit()
    assert entry.last_verified_on == day


def test_a_reminder_tells_how_many_entries_the_state_lists(member_state, user):
    br = due_state(member_state, "BR")
    contact(br, verified=TODAY - timedelta(days=200))
    user("focal_point", states=[br])
    refresh.run_cycle(NOW)
    assert refresh.send_reminders(NOW + timedelta(days=14)).reminded != []
    [reminder] = mail(refresh_mail.REMINDER_MAIL)
    assert "2 entries are listed." in reminder.body_text


# --- who speaks for a state, and what its review lists ----------------------------------


def test_the_focal_points_of_each_state_are_its_signed_up_active_ones(member_state, user):
    br, mx, ar = member_state("BR"), member_state("MX"), member_state("AR")
    both = user("focal_point", states=[br, mx])
    brazilian = user("focal_point", states=[br])
    user("focal_point", states=[br], is_active_account=False)
    user("focal_point", states=[br]).password_hash = None  # invited, not signed up
    user("participant", states=[br, ar])
    db.session.commit()
    found = focal_points_by_state([br.id, mx.id, ar.id])
    assert found == {br.id: [both, brazilian], mx.id: [both]}
    assert focal_points_by_state([]) == {}


def test_only_an_active_focal_point_of_the_state_speaks_for_it(member_state, user):
    br, mx = member_state("BR"), member_state("MX")
    person = user("focal_point", states=[br])
    assert is_focal_point_of(person, br.id)
    assert not is_focal_point_of(person, mx.id)
    assert not is_focal_point_of(None, br.id)
    assert not is_focal_point_of(user("participant", states=[br]), br.id)
    assert not is_focal_point_of(user("focal_point", states=[br], is_active_account=False), br.id)


def test_the_review_lists_the_states_active_entries_by_name(member_state):
    br = member_state("BR")
    zoe, ana = contact(br, verified=TODAY), contact(br, verified=TODAY)
    zoe.name, ana.name = "Zoe Prado", "Ana Souza"
    contact(br, verified=TODAY).status = WITHDRAWN
    contact(member_state("MX"), verified=TODAY)
    db.session.commit()
    assert state_entries(br.id) == [ana, zoe]


def test_the_review_counts_the_active_entries_changed_after_the_request(member_state):
    br = member_state("BR")
    since = NOW - timedelta(days=5)
    before, exactly, after, later, gone = (contact(br, verified=TODAY) for _ in range(5))
    other = contact(member_state("MX"), verified=TODAY)
    gone.status = WITHDRAWN
    for entry, when in (
        (before, since - timedelta(seconds=1)),
        (exactly, since),
        (after, since + timedelta(seconds=1)),
        (later, since + timedelta(days=2)),
        (gone, since + timedelta(days=1)),
        (other, since + timedelta(days=1)),
    ):
        entry.updated_at = when
    db.session.commit()
    assert changed_since(br.id, since) == 2
    assert changed_since(member_state("AR").id, since) == 0
