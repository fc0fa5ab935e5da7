"""Avoiding duplication: the register of other organizations' activities, its CSV import,
and the stated reason needed to schedule or move a meeting over an overlapping one."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from tests.meetings.support import NOW, make_series
from webapp.core.errors import RuleError
from webapp.core.reference import Organization
from webapp.extensions import db
from webapp.meetings import activities, series
from webapp.meetings.models import DRAFT, SCHEDULED, ExternalActivity


@pytest.fixture()
def organizer(user):
    return user("organizer", email="organizer@secretariat.example")


@pytest.fixture()
def unodc(app):
    made = Organization(
        acronym="UNODC", name_en="UNODC", name_es="UNODC", name_fr="ONUDC", name_pt="UNODC"
    )
    db.session.add(made)
    db.session.commit()
    return made


def _activity(organizer, unodc, topics=(), states=(), starts=date(2027, 5, 3)) -> ExternalActivity:
    made = activities.add_activity(
        activities.ActivityInput(
            organization=unodc,
            title="Container control programme workshop",
            starts_on=starts,
            ends_on=starts,
            topics=list(topics),
            member_states=list(states),
        ),
        by=organizer,
    )
    db.session.commit()
    return made


def _schedule(occurrence, reason: str = "") -> series.Changes:
    starts, ends = series.wall_clock(occurrence)
    return series.update_occurrence(
        occurrence,
        series.OccurrenceInput(
            starts=starts, ends=ends, zone=occurrence.zone, status=SCHEDULED,
            venue=series.Venue(occurrence.venue_address), overlap_reason=reason,
        ),
        now=NOW,
    )  # fmt: skip


def test_an_overlapping_activity_with_a_shared_topic_needs_a_reason(organizer, unodc, area):
    customs = area("customs")
    meeting = make_series(organizer, topics=[customs], schedule=False)
    _activity(organizer, unodc, topics=[customs])
    occurrence = meeting.occurrences[0]
    with pytest.raises(RuleError) as refused:
        _schedule(occurrence)
    assert refused.value.field == "overlap_reason"
    assert occurrence.status == DRAFT
    _schedule(occurrence, "Different audience: port authorities, not customs trainers.")
    assert occurrence.status == SCHEDULED
    assert occurrence.overlap_reason.startswith("Different audience")


def test_a_shared_state_counts_as_well(organizer, unodc, member_state):
    jm = member_state("JM")
    meeting = make_series(organizer, member_states=[jm], schedule=False)
    _activity(organizer, unodc, states=[jm])
    assert len(activities.overlapping(meeting, *_span(meeting))) == 1


def test_activities_outside_the_window_or_without_common_ground_do_not_count(
    organizer, unodc, member_state, area
):
    customs, firearms = area("customs"), area("firearms")
    meeting = make_series(organizer, topics=[customs], schedule=False)
    _activity(organizer, unodc, topics=[firearms])
    _activity(organizer, unodc, topics=[customs], starts=date(2027, 7, 1))
    assert activities.overlapping(meeting, *_span(meeting)) == []
    _schedule(meeting.occurrences[0])


def test_the_window_is_configurable(organizer, unodc, app, area):
    customs = area("customs")
    meeting = make_series(organizer, topics=[customs], schedule=False)
    _activity(organizer, unodc, topics=[customs], starts=date(2027, 5, 20))
    assert activities.overlapping(meeting, *_span(meeting)) == []
    app.config["MEETINGS_OVERLAP_WINDOW_DAYS"] = 30
    assert len(activities.overlapping(meeting, *_span(meeting))) == 1


def _span(meeting) -> tuple[datetime, datetime]:
    occurrence = meeting.occurrences[0]
    return occurrence.starts_at, occurrence.ends_at


def test_a_csv_file_is_imported_whole(organizer, unodc, member_state, area):
    area("customs")
    member_state("JM")
    text = (
        "organization,title,starts_on,ends_on,place,topics,states\n"
        "UNODC,Port control workshop,2027-05-03,2027-05-04,Kingston,customs,JM\n"
        'unodc,"Seminar, second",2027-06-01,,,,\n'
    )
    assert activities.import_csv(text, by=organizer) == 2
    db.session.commit()
    rows = db.session.scalars(sa.select(ExternalActivity).order_by(ExternalActivity.id)).all()
    assert [r.title for r in rows] == ["Port control workshop", "Seminar, second"]
    assert rows[0].member_states[0].code == "JM"


def test_a_bad_row_refuses_the_whole_file_and_names_the_row(organizer, unodc):
    text = (
        "organization,title,starts_on,ends_on\n"
        "UNODC,Good,2027-05-03,2027-05-04\n"
        "NOPE,Bad organization,2027-05-03,2027-05-04\n"
    )
    with pytest.raises(RuleError) as refused:
        activities.import_csv(text, by=organizer)
    assert "3" in refused.value.message
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(ExternalActivity.id))) == 0


def test_the_register_page_lists_and_imports(client, login, organizer, unodc):
    login(organizer)
    _activity(organizer, unodc)
    page = client.get("/meetings/activities")
    assert page.status_code == 200
    assert "Container control programme workshop" in page.get_data(as_text=True)


def test_on_the_page_the_overlap_is_shown_the_reason_asked_then_recorded_and_shown(
    client, login, organizer, unodc, area
):
    customs = area("customs")
    meeting = make_series(organizer, topics=[customs], schedule=False)
    _activity(organizer, unodc, topics=[customs])
    occurrence = meeting.occurrences[0]
    login(organizer)
    form = client.get(f"/meetings/occurrences/{occurrence.id}").get_data(as_text=True)
    organization = "the United Nations Office on Drugs and Crime"
    assert f"Container control programme workshop, an activity of {organization}" in form
    data = {
        "title": "", "status": SCHEDULED, "starts": "2027-05-04T10:00",
        "ends": "2027-05-04T17:00", "zone": occurrence.zone, "host_state": "0",
        "venue_address": occurrence.venue_address, "online_url": "", "reminders": "",
    }  # fmt: skip
    refused = client.post(f"/meetings/occurrences/{occurrence.id}", data=data)
    assert refused.status_code == 400
    assert "Say why this meeting goes ahead" in refused.get_data(as_text=True)
    db.session.refresh(occurrence)
    assert occurrence.status == DRAFT
    reason = "Different audience: port authorities, not customs trainers."
    saved = client.post(
        f"/meetings/occurrences/{occurrence.id}", data={**data, "overlap_reason": reason}
    )
    assert saved.status_code == 302
    db.session.refresh(occurrence)
    assert (occurrence.status, occurrence.overlap_reason) == (SCHEDULED, reason)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f"Overlap accepted: {reason}" in page
