"""The refresh cycle's service: when a state comes due, who is asked, and never twice."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tests.directory.fixtures import NOW, TODAY, at
from webapp.core import tokens
from webapp.directory import refresh, refresh_mail
from webapp.directory.models import WITHDRAWN, DirectorySettings, RefreshRequest
from webapp.directory.standing import set_verification_days, standing_of
from webapp.extensions import db

DUE_VERIFIED = TODAY - timedelta(days=183)  # due three days ago with the 180-day default
DUE_ON = DUE_VERIFIED + timedelta(days=180)


def invited(person):
    """An account invited but not signed up yet: it has no password."""
    person.password_hash = None
    db.session.commit()
    return person


def standing(state):
    return standing_of(state.id, TODAY)


def test_a_state_comes_due_when_its_oldest_entry_is_older_than_the_period(contact, member_state):
    br = member_state("BR")
    contact(br, verified=DUE_VERIFIED)
    contact(br, verified=TODAY - timedelta(days=10))
    assert standing(br).due_on == DUE_ON
    assert standing(br).cycle_on(TODAY) == DUE_ON


def test_a_state_verified_within_the_period_is_not_due(contact, member_state):
    br = member_state("BR")
    contact(br, verified=TODAY - timedelta(days=179))
    assert standing(br).cycle_on(TODAY) is None


def test_withdrawn_entries_do_not_make_a_state_due(contact, member_state):
    br = member_state("BR")
    contact(br, verified=TODAY - timedelta(days=400), status=WITHDRAWN)
    contact(br, verified=TODAY - timedelta(days=5))
    assert standing(br).cycle_on(TODAY) is None


def test_a_state_period_overrides_the_configured_default(contact, member_state):
    br = member_state("BR")
    contact(br, verified=TODAY - timedelta(days=40))
    set_verification_days(br.id, 30)
    db.session.commit()
    assert standing(br).due_on == TODAY - timedelta(days=10)


def test_the_configured_default_period_applies_without_a_setting(contact, app, member_state):
    app.config["DIRECTORY_VERIFICATION_DAYS"] = 30
    br = member_state("BR")
    contact(br, verified=TODAY - timedelta(days=40))
    assert standing(br).period_days == 30
    assert standing(br).cycle_on(TODAY) == TODAY - timedelta(days=10)


def test_an_entry_never_verified_counts_from_its_creation(contact, member_state):
    br = member_state("BR")
    contact(br, verified=None, created=at(TODAY - timedelta(days=200)))
    assert standing(br).oldest_verified_on == TODAY - timedelta(days=200)
    assert standing(br).never_verified == 1


def test_the_state_last_answer_counts_as_a_verification(contact, member_state, user):
    br = member_state("BR")
    contact(br, verified=DUE_VERIFIED)
    person = user("focal_point", states=[br])
    db.session.add(
        RefreshRequest(
            member_state_id=br.id,
            cycle=date(2024, 1, 1),
            focal_point_id=person.id,
            sent_at=at(TODAY - timedelta(days=20)),
            answered_at=at(TODAY - timedelta(days=2)),
            answer="confirmed",
        )
    )
    db.session.commit()
    assert standing(br).due_on == TODAY - timedelta(days=2) + timedelta(days=180)


def test_setting_a_period_outside_one_to_3650_days_is_refused(member_state):
    br = member_state("BR")
    with pytest.raises(ValueError):
        set_verification_days(br.id, 0)
    with pytest.raises(ValueError):
        set_verification_days(br.id, 3651)
    assert db.session.get(DirectorySettings, br.id) is None


def test_each_focal_point_of_a_due_state_gets_one_request_for_the_cycle(
    contact, requests_of, member_state, user
):
    br = member_state("BR")
    contact(br, verified=DUE_VERIFIED)
    first = user("focal_point", states=[br])
    second = user("focal_point", states=[br])
    report = refresh.send_due_requests(NOW)
    made = requests_of(br)
    assert len(report.requested) == 2
    assert {r.focal_point_id for r in made} == {first.id, second.id}
    assert {r.cycle for r in made} == {DUE_ON}
    assert {r.sent_at for r in made} == {NOW}
    assert not any(r.manual for r in made)


def test_each_focal_point_is_mailed_a_refresh_request(
    contact, requests_of, sent_mail, member_state, user
):
    br = member_state("BR")
    contact(br, verified=DUE_VERIFIED)
    person = user("focal_point", states=[br])
    refresh.send_due_requests(NOW)
    [message] = sent_mail("directory-refresh-request")
    assert message.recipient == person.email
    assert "Brazil" in message.subject
    assert message.idempotency_key == f"directory-refresh-request:{requests_of(br)[0].id}"


def test_the_request_mail_is_in_the_focal_point_language(contact, sent_mail, member_state, user):
    br = member_state("BR")
    br.name_es = "Brasil"
    db.session.commit()
    contact(br, verified=DUE_VERIFIED)
    user("focal_point", states=[br], language="es")
    refresh.send_due_requests(NOW)
    [message] = sent_mail("directory-refresh-request")
    assert message.language == "es"
    assert "Brasil" in message.subject


def test_the_request_mail_links_to_the_review_page_with_a_signed_token(
    contact, requests_of, sent_mail, member_state, user
):
    br = member_state("BR")
    contact(br, verified=DUE_VERIFIED)
    user("focal_point", states=[br])
    refresh.send_due_requests(NOW)
    [message] = sent_mail("directory-refresh-request")
    [request] = requests_of(br)
    prefix = "http://localhost/directory/refresh/"
    link = next(word for word in message.body_text.split() if word.startswith(prefix))
    payload = tokens.verify(refresh_mail.TOKEN_PURPOSE, link[len(prefix) :], max_age=60)
    assert payload == {"request": request.id}


def test_running_the_cycle_twice_sends_nothing_new(
    contact, requests_of, sent_mail, member_state, user
):
    br = member_state("BR")
    contact(br, verified=DUE_VERIFIED)
    user("focal_point", states=[br])
    refresh.send_due_requests(NOW)
    again = refresh.send_due_requests(NOW + timedelta(hours=1))
    assert again.requested == []
    assert len(requests_of(br)) == 1
    assert len(sent_mail("directory-refresh-request")) == 1


def test_the_database_refuses_a_second_request_for_the_same_cycle(member_state, user):
    br = member_state("BR")
    person = user("focal_point", states=[br])
    for _ in range(2):
        db.session.add(
            RefreshRequest(member_state_id=br.id, cycle=DUE_ON, focal_point_id=person.id)
        )
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_only_active_focal_points_of_the_state_are_asked(contact, requests_of, member_state, user):
    br, mx = member_state("BR"), member_state("MX")
    contact(br, verified=DUE_VERIFIED)
    asked = user("focal_point", states=[br])
    user("participant", states=[br])
    user("focal_point", states=[mx])
    user("focal_point", states=[br], is_active_account=False)
    refresh.send_due_requests(NOW)
    assert [r.focal_point_id for r in requests_of(br)] == [asked.id]


def test_a_focal_point_invited_but_not_yet_signed_up_is_not_asked(
    contact, requests_of, sent_mail, member_state, user
):
    br = member_state("BR")
    contact(br, verified=DUE_VERIFIED)
    asked = user("focal_point", states=[br])
    invited(user("focal_point", states=[br]))
    refresh.send_due_requests(NOW)
    assert [r.focal_point_id for r in requests_of(br)] == [asked.id]
    assert len(sent_mail("directory-refresh-request")) == 1


def test_a_due_state_whose_only_focal_point_has_not_signed_up_is_flagged(
    contact, requests_of, member_state, user
):
    br = member_state("BR")
    contact(br, verified=DUE_VERIFIED)
    invited(user("focal_point", states=[br]))
    report = refresh.send_due_requests(NOW)
    assert report.flagged == [br.id]
    assert requests_of(br) == []


def test_a_state_that_is_not_due_is_not_asked(contact, requests_of, member_state, user):
    br = member_state("BR")
    contact(br, verified=TODAY - timedelta(days=3))
    user("focal_point", states=[br])
    refresh.send_due_requests(NOW)
    assert requests_of(br) == []


def test_a_due_state_without_focal_point_is_flagged_to_the_secretariat(
    contact, requests_of, sent_mail, app, member_state
):
    br = member_state("BR")
    contact(br, verified=DUE_VERIFIED)
    report = refresh.send_due_requests(NOW)
    [flag] = sent_mail("directory-refresh-no-focal-point")
    assert report.flagged == [br.id]
    assert flag.recipient == app.config["SECRETARIAT_EMAIL"]
    assert "Brazil" in flag.subject
    assert requests_of(br) == []


def test_a_state_without_focal_point_is_flagged_once_per_cycle(contact, sent_mail, member_state):
    br = member_state("BR")
    contact(br, verified=DUE_VERIFIED)
    refresh.send_due_requests(NOW)
    again = refresh.send_due_requests(NOW + timedelta(days=1))
    assert again.flagged == []
    assert len(sent_mail("directory-refresh-no-focal-point")) == 1


def test_a_focal_point_added_later_is_asked_in_the_open_cycle(
    contact, requests_of, member_state, user
):
    br = member_state("BR")
    contact(br, verified=DUE_VERIFIED)
    user("focal_point", states=[br])
    refresh.send_due_requests(NOW)
    newcomer = user("focal_point", states=[br])
    refresh.send_due_requests(NOW + timedelta(days=40))
    made = requests_of(br)
    assert [r.focal_point_id for r in made][-1] == newcomer.id
    assert {r.cycle for r in made} == {DUE_ON}


def test_an_answered_state_is_not_asked_again_in_the_next_run(
    contact, requests_of, member_state, user
):
    br = member_state("BR")
    contact(br, verified=DUE_VERIFIED)
    user("focal_point", states=[br])
    refresh.send_due_requests(NOW)
    refresh.answer_request(requests_of(br)[0], "confirmed", NOW + timedelta(days=1))
    db.session.commit()
    later = refresh.send_due_requests(NOW + timedelta(days=2))
    assert later.requested == []
    assert len(requests_of(br)) == 1


def test_answering_stamps_every_active_entry_and_closes_the_state_requests(
    contact, requests_of, member_state, user
):
    br = member_state("BR")
    entries = [contact(br, verified=DUE_VERIFIED) for _ in range(3)]
    gone = contact(br, verified=DUE_VERIFIED, status=WITHDRAWN)
    user("focal_point", states=[br])
    user("focal_point", states=[br])
    refresh.send_due_requests(NOW)
    first, second = requests_of(br)
    answered_at = NOW + timedelta(days=3)
    stamped = refresh.answer_request(first, "confirmed", answered_at)
    db.session.commit()
    assert stamped == 3
    assert {e.last_verified_on for e in entries} == {answered_at.date()}
    assert gone.last_verified_on == DUE_VERIFIED
    assert (second.answered_at, second.answer) == (answered_at, "confirmed")
    assert second.answered_by_id == first.focal_point_id


def test_an_unknown_answer_is_refused_and_changes_nothing(
    contact, requests_of, member_state, user
):
    br = member_state("BR")
    entry = contact(br, verified=DUE_VERIFIED)
    user("focal_point", states=[br])
    refresh.send_due_requests(NOW)
    with pytest.raises(ValueError):
        refresh.answer_request(requests_of(br)[0], "maybe", NOW)
    db.session.rollback()
    assert entry.last_verified_on == DUE_VERIFIED
    assert requests_of(br)[0].answered_at is None


def test_a_withdrawn_member_state_is_not_asked(contact, member_state, user):
    br = member_state("BR", status="withdrawn")
    contact(br, verified=DUE_VERIFIED)
    user("focal_point", states=[br])
    refresh.send_due_requests(NOW)
    assert db.session.scalar(sa.select(sa.func.count(RefreshRequest.id))) == 0


def test_entries_are_stamped_with_the_day_where_the_focal_point_lives(
    contact, requests_of, member_state, user
):
    br = member_state("BR")
    entry = contact(br, verified=DUE_VERIFIED)
    user("focal_point", states=[br], timezone="America/Mexico_City")
    refresh.send_due_requests(NOW)
    evening_in_mexico = at(TODAY, hour=2)  # 02:00 UTC is the previous evening there
    refresh.answer_request(requests_of(br)[0], "confirmed", evening_in_mexico)
    db.session.commit()
    assert entry.last_verified_on == TODAY - timedelta(days=1)
