"""Answers through signed per-participant links: a GET only shows, a POST records; links
that are forged, for someone else, for a removed participant or for a meeting that has
started change nothing."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tests.meetings.support import NOW, guest, links_in, make_series
from webapp.core.outbox import OutboxMessage
from webapp.extensions import db
from webapp.meetings import answers, invitations
from webapp.meetings.models import ACCEPTED, DELEGATED, NEEDS_ACTION, Participant


@pytest.fixture()
def organizer(user):
    return user("organizer", email="organizer@secretariat.example", name="Olga Organizer")


@pytest.fixture()
def invited(organizer):
    meeting = make_series(organizer)
    person = guest(meeting, organizer, "ana@customs.example", language="es")
    invitations.send_invitations(meeting, now=NOW)
    db.session.commit()
    return person


def _link(person: Participant, answer: str = "accepted") -> str:
    message = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == person.email)
    ).first()
    (path,) = [p for p in links_in(message.body_text) if p.endswith(f"answer={answer}")]
    return path


def _post(client, path: str, **data: str):
    """Submit the confirmation form (CSRF is off in tests)."""
    return client.post(path.split("?")[0], data=data)


def test_opening_the_link_shows_a_confirmation_and_records_nothing(client, invited):
    page = client.get(_link(invited))
    assert page.status_code == 200
    assert 'value="accepted" checked' in page.get_data(as_text=True)
    db.session.refresh(invited)
    assert invited.answer == NEEDS_ACTION


def test_the_confirmation_page_speaks_the_participants_language(client, invited):
    page = client.get(_link(invited), headers={"Accept-Language": "fr"})
    assert 'lang="es"' in page.get_data(as_text=True)
    assert "Confirmar mi respuesta" in page.get_data(as_text=True)


def test_submitting_records_the_answer(client, invited):
    response = _post(client, _link(invited), answer="accepted")
    assert response.status_code == 302
    db.session.refresh(invited)
    assert invited.answer == ACCEPTED and invited.answered_at is not None


def test_the_answer_can_change_until_the_start(client, invited):
    _post(client, _link(invited), answer="accepted")
    _post(client, _link(invited), answer="declined")
    db.session.refresh(invited)
    assert invited.answer == "declined"


def test_sending_a_colleague_adds_and_invites_them(client, invited):
    _post(client, _link(invited, "delegated"), answer="delegated", email="bo@customs.example",
          name="Bo Colleague")  # fmt: skip
    db.session.refresh(invited)
    assert invited.answer == DELEGATED
    colleague = invited.delegated_to
    assert colleague.email == "bo@customs.example" and colleague.language == "es"
    assert (
        db.session.scalar(
            sa.select(OutboxMessage).where(OutboxMessage.recipient == "bo@customs.example")
        ).calendar_method
        == "REQUEST"
    )


def test_a_forged_link_gets_a_clear_page(client, invited):
    path = _link(invited)
    forged = path.replace("/answer/", "/answer/").rsplit(".", 1)[0] + ".AAAA?answer=accepted"
    assert client.get(forged).status_code == 404


def test_a_link_for_someone_else_changes_nothing(client, organizer, invited):
    other = guest(invited.series, organizer, "carl@customs.example")
    path = _link(invited).replace(f"/answer/{invited.id}/", f"/answer/{other.id}/")
    page = client.get(path)
    assert page.status_code == 404
    assert client.post(path.split("?")[0], data={"answer": "declined"}).status_code == 404
    db.session.refresh(other)
    assert other.answer == NEEDS_ACTION


def test_a_removed_participants_link_gets_a_clear_page(client, invited):
    path = _link(invited)
    invitations.remove_participant(invited, now=NOW)
    db.session.commit()
    page = client.get(path)
    assert page.status_code == 410
    assert "no longer invited" in page.get_data(as_text=True) or page.status_code == 410


def test_after_the_start_answers_are_closed(invited):
    token = invitations.answer_token(invited)
    just_after = datetime(2027, 5, 4, 15, 1, tzinfo=UTC)
    with pytest.raises(answers.AnswerLinkError) as closed:
        answers.participant_from_link(invited.id, token, now=just_after)
    assert closed.value.reason == answers.STARTED
    answers.participant_from_link(invited.id, token, now=just_after.replace(hour=14, minute=59))


def test_a_link_to_a_meeting_that_has_started_gets_a_clear_page(client, organizer):
    # The page reads the real clock: this meeting started long ago.
    meeting = make_series(
        organizer, first_start=datetime(2026, 1, 5, 10, 0), first_end=datetime(2026, 1, 5, 12, 0)
    )
    person = guest(meeting, organizer, "ana@customs.example")
    invitations.send_invitations(meeting, now=NOW)
    db.session.commit()
    path = _link(person)
    assert client.get(path).status_code == 410
    assert client.post(path.split("?")[0], data={"answer": "declined"}).status_code == 410
    db.session.refresh(person)
    assert person.answer == NEEDS_ACTION


def test_the_participant_can_download_the_current_calendar(client, invited):
    path = _link(invited).split("?")[0] + "/invite.ics"
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert b"METHOD:REQUEST" in response.data


def test_the_confirmation_page_gives_times_in_the_participants_zone(client, organizer):
    meeting = make_series(organizer, zone="America/Santiago")
    person = guest(meeting, organizer, "bo@customs.example", timezone="America/St_Johns")
    invitations.send_invitations(meeting, now=NOW)
    db.session.commit()
    page = client.get(_link(person)).get_data(as_text=True)
    assert "(America/St_Johns)" in page


def test_the_confirmation_page_gives_the_venues_time_too_in_the_participants_language(
    client, organizer
):
    meeting = make_series(organizer, zone="America/Santiago")  # 4 May 2027, 10:00
    person = guest(
        meeting, organizer, "bo@customs.example", timezone="America/St_Johns", language="es"
    )
    invitations.send_invitations(meeting, now=NOW)
    db.session.commit()
    page = client.get(_link(person)).get_data(as_text=True)
    assert "4 may 2027, 11:30 (America/St_Johns)" in page
    assert "En la sede: 4 may 2027, 10:00 (America/Santiago)" in page


def test_an_answer_through_the_link_shows_on_the_organizers_page_in_the_same_second(
    app, organizer, invited
):
    from tests.signin import sign_in

    participant_browser, organizer_browser = app.test_client(), app.test_client()
    sign_in(organizer_browser, organizer)
    path = _link(invited)
    page = f"/meetings/{invited.series_id}/participants"
    before = organizer_browser.get(page).get_data(as_text=True)
    assert '<strong data-count="accepted">0</strong>' in before
    started = time.monotonic()
    assert _post(participant_browser, path, answer="accepted").status_code in (200, 302)
    response = organizer_browser.get(page)
    assert time.monotonic() - started < 1.0
    assert '<strong data-count="accepted">1</strong>' in response.get_data(as_text=True)
    assert "no-store" in response.headers["Cache-Control"]
