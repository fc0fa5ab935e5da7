"""Changing a series' rule from a date on: what happens to the meetings before the date,
at it and after it, which ones participants get a CANCEL for, what the earlier rule's
event keeps, and where the new rule's meetings take place."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.meetings.support import NOW, make_series
from webapp.core.errors import RuleError
from webapp.meetings import calendar, series
from webapp.meetings.models import CANCELLED, DRAFT, SCHEDULED


@pytest.fixture()
def organizer(user):
    return user("organizer", email="organizer@secretariat.example")


def _change(made, first_start: datetime, rule: str = "FREQ=YEARLY;COUNT=2", fold=None):
    return series.change_rule(made, rule=rule, first_start=first_start, fold=fold, now=NOW)


def _by_start(made) -> dict[str, object]:
    return {o.original_start.isoformat(): o for o in made.occurrences}


def test_a_new_rule_starting_now_is_refused_it_must_start_in_the_future(organizer):
    made = make_series(organizer, rule="FREQ=YEARLY;COUNT=2")
    # NOW is 07:00 in Bogota, the series' zone.
    with pytest.raises(RuleError) as refused:
        _change(made, datetime(2026, 3, 2, 7, 0))
    assert (refused.value.field, refused.value.message) == (
        "starts",
        "A new rule can only start in the future.",
    )
    assert made.rule == "FREQ=YEARLY;COUNT=2" and made.sequence == 0


def test_a_new_rule_starting_at_a_time_the_clocks_skip_is_refused_on_its_start(organizer):
    made = make_series(organizer, zone="America/New_York", rule="FREQ=YEARLY;COUNT=2")
    with pytest.raises(RuleError) as refused:
        _change(made, datetime(2027, 3, 14, 2, 30))
    assert refused.value.field == "starts"
    assert "does not exist" in refused.value.message


def test_a_new_rule_starting_in_the_repeated_hour_is_at_the_pass_chosen(organizer):
    made = make_series(organizer, zone="America/New_York", rule="FREQ=YEARLY;COUNT=2")
    _change(made, datetime(2026, 11, 1, 1, 30), rule="FREQ=YEARLY;COUNT=1", fold=1)
    (new,) = [o for o in made.occurrences if o.status == DRAFT]
    assert new.starts_at == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # the second, EST


def test_a_scheduled_meeting_at_the_very_start_of_the_new_rule_is_cancelled(organizer):
    # Yearly on 4 May 2027, 2028, 2029 at 10:00 in Bogota (15:00 UTC); from 4 May 2028
    # on, every six months.
    made = make_series(organizer, rule="FREQ=YEARLY;COUNT=3")
    before = made.occurrences[0]
    cancelled = _change(made, datetime(2028, 5, 4, 10, 0), rule="FREQ=MONTHLY;INTERVAL=6;COUNT=3")
    assert [o.original_start.date().isoformat() for o in cancelled] == [
        "2028-05-04",
        "2029-05-04",
    ]
    assert all(o.status == CANCELLED and o.sequence == 1 for o in cancelled)
    # One meeting per time: where a cancelled meeting stands, the new rule adds none, and
    # it still adds the ones after.
    by_start = _by_start(made)
    assert {k: o.status for k, o in by_start.items()} == {
        "2027-05-04T15:00:00+00:00": SCHEDULED,
        "2028-05-04T15:00:00+00:00": CANCELLED,
        "2028-11-04T15:00:00+00:00": DRAFT,
        "2029-05-04T15:00:00+00:00": CANCELLED,
    }
    assert before.sequence == 0
    # The earlier rule's event ends at its last meeting before the date.
    (part,) = made.parts
    assert part.until == datetime(2027, 5, 4, 15, 0, tzinfo=UTC)
    assert part.rule == "FREQ=YEARLY;COUNT=3"


def test_a_cancelled_meeting_goes_one_version_up_from_its_own(organizer):
    made = make_series(organizer, rule="FREQ=YEARLY;COUNT=2")
    moved = made.occurrences[1]
    for hour in (11, 12):  # moved twice: sequence 2
        starts, ends = series.wall_clock(moved)
        series.update_occurrence(
            moved,
            series.OccurrenceInput(
                starts=starts.replace(hour=hour), ends=ends, zone=moved.zone,
                venue=series.Venue(moved.venue_address), status=SCHEDULED,
            ),
            now=NOW,
        )  # fmt: skip
    assert moved.sequence == 2
    (cancelled,) = _change(made, datetime(2028, 1, 10, 10, 0))
    assert cancelled is moved and moved.sequence == 3
    # The earlier rule's event goes out above every version its meetings had.
    (part,) = made.parts
    assert part.sequence == made.sequence + 3


def test_each_change_of_rule_is_a_new_version_and_a_new_event(organizer):
    made = make_series(organizer, rule="FREQ=YEARLY;COUNT=3")
    uids = [calendar.series_uid(made)]
    _change(made, datetime(2028, 1, 10, 10, 0))
    uids.append(calendar.series_uid(made))
    _change(made, datetime(2029, 1, 10, 10, 0))
    uids.append(calendar.series_uid(made))
    assert made.sequence == 2 and made.rule_generation == 2
    assert len(set(uids)) == 3
    assert [p.uid for p in made.parts] == uids[:2]


def test_a_one_off_meeting_given_a_rule_has_no_earlier_rule_to_keep(organizer):
    made = make_series(organizer)
    uid = calendar.series_uid(made)
    _change(made, datetime(2027, 6, 1, 10, 0))
    assert made.parts == [] and calendar.series_uid(made) == uid
    assert made.rule == "FREQ=YEARLY;COUNT=2" and made.sequence == 1


def test_drafts_after_the_date_give_way_to_the_new_rule_at_the_same_venue(organizer, member_state):
    jamaica = member_state("JM")
    venue = series.Venue(
        "Conference Centre, Kingston", jamaica, "https://meet.example.org/b", ["es", "fr"]
    )
    made = make_series(organizer, rule="FREQ=YEARLY;COUNT=3", venue=venue, schedule=False)
    assert _change(made, datetime(2028, 1, 10, 10, 0)) == []
    assert sorted(_by_start(made)) == [
        "2027-05-04T15:00:00+00:00",
        "2028-01-10T15:00:00+00:00",
        "2029-01-10T15:00:00+00:00",
    ]
    assert {
        (o.venue_address, o.host_state, o.online_url, o.languages) for o in made.occurrences
    } == {("Conference Centre, Kingston", jamaica, "https://meet.example.org/b", "es,fr")}


def test_a_series_of_drafts_all_after_the_date_is_replaced_whole(organizer):
    made = make_series(organizer, rule="FREQ=YEARLY;COUNT=2", schedule=False)
    assert _change(made, datetime(2027, 1, 10, 10, 0), rule="FREQ=YEARLY;COUNT=3") == []
    assert sorted(_by_start(made)) == [
        "2027-01-10T15:00:00+00:00",
        "2028-01-10T15:00:00+00:00",
        "2029-01-10T15:00:00+00:00",
    ]
    # Nothing of the earlier rule was kept: its event ends with none of its own versions.
    (part,) = made.parts
    assert part.until is None and part.sequence == made.sequence == 1
