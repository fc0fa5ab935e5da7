"""What changing one meeting of a series does: which changes are updates participants get
(a higher SEQUENCE), what the update says the meeting was before, which moves are kept in
its history, which changes of status are possible, and when overlapping other
organizations' activities needs a stated reason."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.meetings.support import NOW, make_series
from webapp.core.errors import RuleError
from webapp.core.reference import Organization
from webapp.extensions import db
from webapp.meetings import activities, series
from webapp.meetings.models import CANCELLED, HELD, POSTPONED, SCHEDULED, Occurrence


@pytest.fixture()
def organizer(user):
    return user("organizer", email="organizer@secretariat.example")


def _edit(occurrence: Occurrence, **changes: object) -> series.Changes:
    """Submit the occurrence's form with `changes`, everything else as it is."""
    starts, ends = series.wall_clock(occurrence)
    venue = series.Venue(
        occurrence.venue_address,
        occurrence.host_state,
        occurrence.online_url,
        occurrence.language_list,
    )
    data = series.OccurrenceInput(
        starts=changes.pop("starts", starts),
        ends=changes.pop("ends", ends),
        zone=changes.pop("zone", occurrence.zone),
        title=changes.pop("title", occurrence.title_override or ""),
        venue=changes.pop("venue", venue),
        status=changes.pop("status", occurrence.status),
        **changes,
    )
    return series.update_occurrence(occurrence, data, now=NOW)


def _refusal(occurrence: Occurrence, **changes: object) -> RuleError:
    with pytest.raises(RuleError) as refused:
        _edit(occurrence, **changes)
    return refused.value


# Times


def test_lengthening_a_meeting_is_a_move_participants_are_told_of(organizer):
    occurrence = make_series(organizer).occurrences[0]  # 10:00-17:00 in Bogota
    changes = _edit(occurrence, ends=datetime(2027, 5, 4, 18, 0))
    assert changes.what == [series.TIME] and changes.notify
    assert occurrence.sequence == 1
    assert occurrence.ends_at == datetime(2027, 5, 4, 23, 0, tzinfo=UTC)
    (move,) = occurrence.moves
    assert (move.from_ends_at, move.to_ends_at) == (
        datetime(2027, 5, 4, 22, 0, tzinfo=UTC),
        datetime(2027, 5, 4, 23, 0, tzinfo=UTC),
    )


def test_a_meeting_moved_into_the_repeated_hour_is_at_the_pass_chosen(organizer):
    occurrence = make_series(organizer, zone="America/New_York").occurrences[0]
    _edit(
        occurrence,
        starts=datetime(2026, 11, 1, 1, 10),
        ends=datetime(2026, 11, 1, 1, 50),
        fold=1,
    )
    assert (occurrence.starts_at, occurrence.ends_at) == (
        datetime(2026, 11, 1, 6, 10, tzinfo=UTC),
        datetime(2026, 11, 1, 6, 50, tzinfo=UTC),
    )


def test_a_meeting_moved_to_end_when_it_starts_is_refused_and_stays(organizer):
    occurrence = make_series(organizer).occurrences[0]
    before = (occurrence.starts_at, occurrence.ends_at)
    refused = _refusal(occurrence, ends=datetime(2027, 5, 4, 10, 0))
    assert (refused.field, refused.message) == ("ends", "The end must be after the start.")
    assert (occurrence.starts_at, occurrence.ends_at) == before and occurrence.sequence == 0


# Place, title, reminders


def test_relocating_says_where_the_meeting_was_and_keeps_the_new_host_and_languages(
    organizer, member_state
):
    jamaica = member_state("JM")
    occurrence = make_series(organizer).occurrences[0]
    changes = _edit(
        occurrence,
        venue=series.Venue("Conference Centre, Kingston", jamaica, "", ["es", "fr"]),
    )
    assert changes.what == [series.PLACE] and changes.notify
    assert changes.previous_place == "OAS Building, Washington"
    assert changes.previous_status == SCHEDULED
    assert (occurrence.venue_address, occurrence.host_state, occurrence.language_list) == (
        "Conference Centre, Kingston",
        jamaica,
        ["es", "fr"],
    )


def test_a_title_on_two_lines_is_refused_on_the_title_field(organizer):
    occurrence = make_series(organizer).occurrences[0]
    refused = _refusal(occurrence, title="Special\nsession")
    assert refused.field == "title"
    assert occurrence.title == "Border cooperation meeting"


def test_a_link_that_is_not_a_web_address_is_refused_for_one_meeting_too(organizer):
    occurrence = make_series(organizer).occurrences[0]
    refused = _refusal(occurrence, venue=series.Venue(online_url="meet.example.org"))
    assert refused.field == "online_url"


def test_one_meeting_can_have_its_own_reminders_and_go_back_to_the_series(organizer):
    occurrence = make_series(organizer, rule="FREQ=YEARLY;COUNT=2").occurrences[0]
    changes = _edit(occurrence, reminder_offsets=[3 * 1440, 60])
    assert occurrence.offsets == [3 * 1440, 60]
    assert occurrence.series.occurrences[1].offsets == [14 * 1440, 1440]
    assert changes.what == [] and occurrence.sequence == 0
    _edit(occurrence, reminder_offsets=None)
    assert occurrence.offsets == [14 * 1440, 1440]


def test_a_reminder_over_a_year_before_one_meeting_is_refused(organizer):
    occurrence = make_series(organizer).occurrences[0]
    refused = _refusal(occurrence, reminder_offsets=[400 * 1440])
    assert refused.field == "reminders"


# Status


def test_a_cancelled_meeting_cannot_be_scheduled_again_and_the_organizer_is_told(organizer):
    occurrence = make_series(organizer).occurrences[0]
    changes = _edit(occurrence, status=CANCELLED)
    assert changes.what == [series.STATUS] and changes.previous_status == SCHEDULED
    refused = _refusal(occurrence, status=SCHEDULED)
    assert (refused.field, refused.message) == (
        "status",
        "This change of status is not possible.",
    )
    assert occurrence.status == CANCELLED and occurrence.sequence == 1


def test_a_meeting_can_be_marked_as_held_from_the_moment_it_starts(organizer):
    # NOW is 07:00 in Bogota.
    occurrence = make_series(
        organizer, first_start=datetime(2026, 3, 2, 7, 0), first_end=datetime(2026, 3, 2, 9, 0)
    ).occurrences[0]
    assert occurrence.starts_at == NOW
    assert _edit(occurrence, status=HELD).what == [series.STATUS]
    assert occurrence.status == HELD


def test_a_meeting_not_yet_started_cannot_be_marked_as_held(organizer):
    occurrence = make_series(
        organizer, first_start=datetime(2026, 3, 2, 7, 1), first_end=datetime(2026, 3, 2, 9, 0)
    ).occurrences[0]
    refused = _refusal(occurrence, status=HELD)
    assert (refused.field, refused.message) == (
        "status",
        "A meeting can be marked as held only after it starts.",
    )
    assert occurrence.status == SCHEDULED


# Overlapping other organizations' activities


@pytest.fixture()
def overlapped(organizer, area):
    """A draft meeting on 4 May 2027 and another organization's workshop on the same
    topic the day before."""
    unodc = Organization(
        acronym="UNODC", name_en="UNODC", name_es="UNODC", name_fr="ONUDC", name_pt="UNODC"
    )
    db.session.add(unodc)
    customs = area("customs")
    meeting = make_series(organizer, topics=[customs], schedule=False)
    activities.add_activity(
        activities.ActivityInput(
            organization=unodc,
            title="Container control programme workshop",
            starts_on=date(2027, 5, 3),
            ends_on=date(2027, 5, 3),
            topics=[customs],
        ),
        by=organizer,
    )
    db.session.commit()
    return meeting.occurrences[0]


REASON = "Different audience: port authorities, not customs trainers."


def test_scheduling_over_an_activity_asks_why_and_keeps_the_reason_given(overlapped):
    refused = _refusal(overlapped, status=SCHEDULED)
    assert (refused.field, refused.message) == (
        "overlap_reason",
        "Other organizations' activities overlap. Say why this meeting goes ahead.",
    )
    assert overlapped.status != SCHEDULED
    _edit(overlapped, status=SCHEDULED, overlap_reason=f"  {REASON} ")
    assert (overlapped.status, overlapped.overlap_reason) == (SCHEDULED, REASON)


def test_a_reason_given_once_is_kept_through_later_changes(overlapped):
    _edit(overlapped, status=SCHEDULED, overlap_reason=REASON)
    _edit(overlapped, title="Special session")
    assert overlapped.overlap_reason == REASON


def test_without_an_overlap_scheduling_needs_no_reason_and_records_none(organizer):
    occurrence = make_series(organizer, schedule=False).occurrences[0]
    _edit(occurrence, status=SCHEDULED)
    assert (occurrence.status, occurrence.overlap_reason) == (SCHEDULED, "")


def test_renaming_or_relocating_a_scheduled_meeting_asks_no_reason_again(overlapped):
    _edit(overlapped, status=SCHEDULED, overlap_reason=REASON)
    _edit(overlapped, title="Special session", venue=series.Venue("Kingston"))
    assert overlapped.title == "Special session"


@pytest.mark.parametrize("status", [SCHEDULED, POSTPONED])
def test_moving_a_scheduled_meeting_over_an_activity_asks_why(overlapped, status):
    _edit(overlapped, status=SCHEDULED, overlap_reason=REASON)
    later = series.wall_clock(overlapped)[0] + timedelta(hours=1)
    refused = _refusal(overlapped, starts=later, status=status)
    assert refused.field == "overlap_reason"
    _edit(overlapped, starts=later, status=status, overlap_reason="Still needed.")
    assert (overlapped.status, overlapped.overlap_reason) == (status, "Still needed.")


def test_cancelling_a_meeting_over_an_activity_asks_no_reason(overlapped):
    _edit(overlapped, status=SCHEDULED, overlap_reason=REASON)
    later = series.wall_clock(overlapped)[0] + timedelta(hours=1)
    assert series.STATUS in _edit(overlapped, starts=later, status=CANCELLED).what
    assert overlapped.status == CANCELLED


def test_keeping_a_draft_a_draft_over_an_activity_asks_no_reason(overlapped):
    _edit(overlapped, title="Preparatory session")
    assert overlapped.title == "Preparatory session"
