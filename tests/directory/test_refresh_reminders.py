"""Reminders after REFRESH_REMINDER_DAYS and escalation after REFRESH_ESCALATION_DAYS, each at
most once per request, with an explicit clock."""

from __future__ import annotations

from datetime import timedelta

from tests.directory.fixtures import NOW, TODAY
from webapp.directory import refresh
from webapp.extensions import db

DUE_VERIFIED = TODAY - timedelta(days=183)


def asked_state(contact, member_state, user, focal_points=1, code="BR"):
    state = member_state(code)
    contact(state, verified=DUE_VERIFIED)
    people = [user("focal_point", states=[state]) for _ in range(focal_points)]
    refresh.send_due_requests(NOW)
    return state, people


def test_an_unanswered_request_is_reminded_after_the_reminder_days(
    contact, requests_of, sent_mail, member_state, user
):
    br, [person] = asked_state(contact, member_state, user)
    later = NOW + timedelta(days=14)
    report = refresh.send_reminders(later)
    [request] = requests_of(br)
    [reminder] = sent_mail("directory-refresh-reminder")
    assert report.reminded == [request.id]
    assert request.reminded_at == later
    assert reminder.recipient == person.email
    assert reminder.idempotency_key == f"directory-refresh-reminder:{request.id}"
    assert "/directory/refresh/" in reminder.body_text


def test_no_reminder_is_sent_before_the_reminder_days(contact, sent_mail, member_state, user):
    asked_state(contact, member_state, user)
    report = refresh.send_reminders(NOW + timedelta(days=13, hours=23))
    assert report.reminded == []
    assert sent_mail("directory-refresh-reminder") == []


def test_a_request_is_reminded_only_once(contact, sent_mail, member_state, user):
    asked_state(contact, member_state, user)
    refresh.send_reminders(NOW + timedelta(days=14))
    again = refresh.send_reminders(NOW + timedelta(days=20))
    assert again.reminded == []
    assert len(sent_mail("directory-refresh-reminder")) == 1


def test_an_answered_request_is_not_reminded(contact, requests_of, member_state, user):
    br, _people = asked_state(contact, member_state, user)
    refresh.answer_request(requests_of(br)[0], "confirmed", NOW + timedelta(days=2))
    db.session.commit()
    assert refresh.send_reminders(NOW + timedelta(days=15)).reminded == []


def test_the_reminder_days_come_from_the_configuration(contact, app, member_state, user):
    app.config["REFRESH_REMINDER_DAYS"] = 3
    asked_state(contact, member_state, user)
    assert len(refresh.send_reminders(NOW + timedelta(days=3)).reminded) == 1


def test_someone_who_no_longer_speaks_for_the_state_is_not_reminded(
    contact, sent_mail, member_state, user
):
    _br, [person] = asked_state(contact, member_state, user)
    person.role_names = {"participant"}
    db.session.commit()
    assert refresh.send_reminders(NOW + timedelta(days=14)).reminded == []
    assert sent_mail("directory-refresh-reminder") == []


def test_an_unanswered_request_is_escalated_to_the_secretariat(
    contact, requests_of, sent_mail, app, member_state, user
):
    br, [person] = asked_state(contact, member_state, user)
    later = NOW + timedelta(days=30)
    report = refresh.send_escalations(later)
    [request] = requests_of(br)
    [escalation] = sent_mail("directory-refresh-escalation")
    assert report.escalated == [request.id]
    assert request.escalated_at == later
    assert escalation.recipient == app.config["SECRETARIAT_EMAIL"]
    assert "Brazil" in escalation.subject
    assert person.email in escalation.body_text


def test_no_escalation_before_the_escalation_days(contact, sent_mail, member_state, user):
    asked_state(contact, member_state, user)
    assert refresh.send_escalations(NOW + timedelta(days=29, hours=23)).escalated == []
    assert sent_mail("directory-refresh-escalation") == []


def test_a_request_is_escalated_only_once(contact, sent_mail, member_state, user):
    asked_state(contact, member_state, user)
    refresh.send_escalations(NOW + timedelta(days=30))
    again = refresh.send_escalations(NOW + timedelta(days=45))
    assert again.escalated == []
    assert len(sent_mail("directory-refresh-escalation")) == 1


def test_one_escalation_per_state_names_every_focal_point_asked(
    contact, sent_mail, member_state, user
):
    _br, people = asked_state(contact, member_state, user, focal_points=2)
    report = refresh.send_escalations(NOW + timedelta(days=30))
    [escalation] = sent_mail("directory-refresh-escalation")
    assert len(report.escalated) == 2
    assert all(p.email in escalation.body_text for p in people)


def test_each_state_is_escalated_separately(contact, sent_mail, member_state, user):
    asked_state(contact, member_state, user, code="BR")
    asked_state(contact, member_state, user, code="MX")
    refresh.send_escalations(NOW + timedelta(days=30))
    assert len(sent_mail("directory-refresh-escalation")) == 2


def test_an_answered_request_is_not_escalated(contact, requests_of, member_state, user):
    br, _people = asked_state(contact, member_state, user)
    refresh.answer_request(requests_of(br)[0], "corrected", NOW + timedelta(days=20))
    db.session.commit()
    assert refresh.send_escalations(NOW + timedelta(days=31)).escalated == []


def test_the_whole_cycle_reminds_then_escalates_on_schedule(
    contact, sent_mail, member_state, user
):
    asked_state(contact, member_state, user)
    day = {n: refresh.run_cycle(NOW + timedelta(days=n)).as_dict() for n in (1, 14, 15, 30, 31)}
    assert day[1] == {"requested": 0, "flagged": 0, "reminded": 0, "escalated": 0}
    assert day[14]["reminded"] == 1
    assert day[15]["reminded"] == 0
    assert day[30]["escalated"] == 1
    assert day[31]["escalated"] == 0
    assert len(sent_mail()) == 3  # request, reminder, escalation
