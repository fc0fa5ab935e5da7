"""After the meeting: attendance, minutes and action items once it is held; documents
within size and type limits, stored in the database."""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO

import pytest

from tests.meetings.support import guest, make_series
from webapp.core.errors import RuleError
from webapp.extensions import db
from webapp.meetings import followup
from webapp.meetings.models import CLOSED, HELD

PDF = b"%PDF-1.7\n%fake but well-typed\n"


@pytest.fixture()
def organizer(user):
    return user("organizer", email="organizer@secretariat.example")


@pytest.fixture()
def held(organizer):
    meeting = make_series(organizer)
    guest(meeting, organizer, "ana@customs.example")
    guest(meeting, organizer, "bo@customs.example")
    occurrence = meeting.occurrences[0]
    occurrence.status = HELD
    db.session.commit()
    return occurrence


def test_attendance_is_recorded_from_the_meetings_participants(held):
    people = followup.attendees(held)
    assert followup.record_attendance(held, [people[0].id]) == 1
    db.session.commit()
    assert followup.present_ids(held) == {people[0].id}
    followup.record_attendance(held, [p.id for p in people])
    assert followup.present_ids(held) == {p.id for p in people}


def test_attendance_refuses_strangers_and_meetings_not_held(held, organizer):
    with pytest.raises(RuleError):
        followup.record_attendance(held, [999])
    upcoming = make_series(organizer).occurrences[0]
    with pytest.raises(RuleError):
        followup.record_attendance(upcoming, [])


def test_action_items_are_followed_until_closed(held):
    item = followup.add_action(
        held, title="Share the risk indicators", owner="Ana", member_state=None,
        due_on=date(2027, 6, 1),
    )  # fmt: skip
    followup.set_action_status(item, CLOSED, now=datetime(2027, 6, 2).astimezone())
    assert item.status == CLOSED and item.closed_at is not None
    followup.set_action_status(item, "open", now=datetime(2027, 6, 3).astimezone())
    assert item.closed_at is None


def test_minutes_are_kept(held):
    followup.save_minutes(held, "Agreed: quarterly exchanges.")
    db.session.commit()
    assert followup.minutes_of(held) == "Agreed: quarterly exchanges."


@pytest.mark.parametrize(
    ("filename", "data", "problem"),
    [
        ("notes.exe", b"MZ", "Upload a PDF"),
        ("report.pdf", b"PK\x03\x04", "does not match"),
        ("report.pdf", b"", "empty"),
        ("big.pdf", b"%PDF-" + b"0" * followup.MAX_DOCUMENT_BYTES, "10 MB"),
    ],
)
def test_mistyped_empty_or_oversized_documents_are_refused(held, filename, data, problem):
    with pytest.raises(RuleError) as refused:
        followup.add_document(held, filename=filename, data=data, uploaded_by=None)
    assert problem in refused.value.message


def test_an_organizer_uploads_and_a_focal_point_downloads_a_document(
    client, login, user, organizer, member_state
):
    br = member_state("BR")
    occurrence = make_series(organizer, member_states=[br]).occurrences[0]
    login(organizer)
    response = client.post(
        f"/meetings/occurrences/{occurrence.id}/documents",
        data={"file": (BytesIO(PDF), "../../agenda.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    (document,) = followup.documents_of(occurrence)
    assert document.filename == "agenda.pdf" and document.size == len(PDF)
    login(user("focal_point", states=[br]))
    download = client.get(f"/meetings/documents/{document.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.mimetype == "application/pdf"
    login(user("focal_point", states=[member_state("CA")]))
    assert client.get(f"/meetings/documents/{document.id}").status_code == 404


def test_the_record_page_shows_attendance_minutes_and_actions_once_held(client, login, held):
    login(held.series.organizer)
    page = client.get(f"/meetings/occurrences/{held.id}/record").get_data(as_text=True)
    for person in followup.attendees(held):
        assert f'name="present" value="{person.id}"' in page
    assert 'name="minutes"' in page and 'name="title"' in page


def test_open_action_items_of_every_meeting_are_listed_soonest_due_first_until_closed(
    client, login, organizer, held
):
    other = make_series(organizer, title="Caribbean ports meeting").occurrences[0]
    other.status = HELD
    late = followup.add_action(
        held, title="Share the risk indicators", owner="Ana", member_state=None,
        due_on=date(2020, 6, 1),
    )  # fmt: skip
    followup.add_action(
        other, title="Draft the joint patrol plan", owner="Bo", member_state=None,
        due_on=date(2099, 1, 1),
    )  # fmt: skip
    followup.add_action(held, title="Write to UNODC", owner="", member_state=None, due_on=None)
    closed = followup.add_action(
        held, title="Book the room", owner="", member_state=None, due_on=date(2020, 1, 1)
    )
    followup.set_action_status(closed, CLOSED, now=datetime(2027, 6, 2).astimezone())
    db.session.commit()
    login(organizer)
    assert "/meetings/actions" in client.get("/meetings/").get_data(as_text=True)
    page = client.get("/meetings/actions").get_data(as_text=True)
    order = ["Share the risk indicators", "Draft the joint patrol plan", "Write to UNODC"]
    assert [page.index(title) for title in order] == sorted(page.index(t) for t in order)
    assert "Book the room" not in page
    assert page.count("overdue</strong>") == 1
    assert f"/meetings/occurrences/{other.id}/record" in page
    followup.set_action_status(late, CLOSED, now=datetime(2027, 6, 2).astimezone())
    db.session.commit()
    assert "Share the risk indicators" not in client.get("/meetings/actions").get_data(
        as_text=True
    )


def test_open_action_items_follow_who_may_see_the_meeting(
    client, login, user, organizer, held, member_state
):
    followup.add_action(held, title="Share the risk indicators", owner="", member_state=None,
                        due_on=None)  # fmt: skip
    db.session.commit()
    login(user("focal_point", states=[member_state("CA")]))
    assert "Share the risk indicators" not in client.get("/meetings/actions").get_data(
        as_text=True
    )
    login(user("participant", email="ana@customs.example"))  # invited to the meeting
    assert "Share the risk indicators" in client.get("/meetings/actions").get_data(as_text=True)
    login(user("finance"))
    assert client.get("/meetings/actions").status_code == 403
