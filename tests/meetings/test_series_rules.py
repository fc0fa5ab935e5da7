"""What an organizer is told, and what is kept, when creating or describing a series: the
venue (address, online link, host state, languages), the reminders, the times on the
venue's wall clock (including the nights the clocks change) and the series' details."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.meetings.support import make_series
from webapp.core.errors import RuleError
from webapp.meetings import series
from webapp.meetings.models import DEFAULT_REMINDERS, DRAFT

YEAR_IN_MINUTES = 366 * 24 * 60


@pytest.fixture()
def organizer(user):
    return user("organizer", email="organizer@secretariat.example")


def _refusal(organizer, **fields) -> RuleError:
    with pytest.raises(RuleError) as refused:
        make_series(organizer, **fields)
    return refused.value


# The venue


def test_every_meeting_of_a_new_series_is_at_the_venue_given(organizer, member_state):
    jamaica = member_state("JM")
    venue = series.Venue(
        address="Conference Centre, Kingston",
        host_state=jamaica,
        online_url="https://meet.example.org/border",
        languages=["es", "en"],
    )
    made = make_series(organizer, rule="FREQ=YEARLY;COUNT=2", venue=venue)
    assert [
        (o.venue_address, o.host_state, o.online_url, o.language_list) for o in made.occurrences
    ] == [
        ("Conference Centre, Kingston", jamaica, "https://meet.example.org/border", ["es", "en"])
    ] * 2


def test_only_the_sites_languages_are_kept_for_interpretation(organizer):
    made = make_series(organizer, venue=series.Venue("Lima", languages=["fr", "qu", "pt"]))
    assert made.occurrences[0].language_list == ["fr", "pt"]


@pytest.mark.parametrize("field", ["address", "online_url"])
def test_an_address_or_link_of_500_characters_is_kept(organizer, field):
    text = "https://meet.example.org/" + "a" * 475 if field == "online_url" else "a" * 500
    made = make_series(organizer, venue=series.Venue(**{field: text}))
    occurrence = made.occurrences[0]
    kept = occurrence.online_url if field == "online_url" else occurrence.venue_address
    assert kept == text


@pytest.mark.parametrize(
    ("field", "form_field"), [("address", "venue_address"), ("online_url", "online_url")]
)
def test_a_longer_address_or_link_is_refused_on_its_own_field(organizer, field, form_field):
    text = "https://meet.example.org/" + "a" * 476 if field == "online_url" else "a" * 501
    refused = _refusal(organizer, venue=series.Venue(**{field: text}))
    assert refused.field == form_field
    assert refused.message == "Use at most 500 characters."


def test_an_address_on_two_lines_is_refused_on_the_address_field(organizer):
    refused = _refusal(organizer, venue=series.Venue("OAS Building\nWashington"))
    assert refused.field == "venue_address"


@pytest.mark.parametrize("url", ["https://meet.example.org/x", "http://meet.example.org/x"])
def test_an_online_link_over_https_or_http_is_kept(organizer, url):
    made = make_series(organizer, venue=series.Venue(online_url=url))
    assert made.occurrences[0].online_url == url
    assert made.occurrences[0].place == url


@pytest.mark.parametrize(
    "url", ["meet.example.org/x", "ftp://meet.example.org/x", "javascript:alert(1)"]
)
def test_an_online_link_that_is_not_a_web_address_is_refused_and_says_why(organizer, url):
    refused = _refusal(organizer, venue=series.Venue(online_url=url))
    assert (refused.field, refused.message) == (
        "online_url",
        "An online link starts with https://",
    )


# Reminders


def test_a_new_series_without_reminders_given_follows_the_default(organizer):
    made = make_series(organizer)
    assert made.reminder_offsets == DEFAULT_REMINDERS
    assert made.occurrences[0].offsets == [14 * 1440, 1440]


def test_a_new_series_keeps_its_own_reminders_latest_first_without_repeats(organizer):
    made = make_series(organizer, reminder_offsets=[60, 2 * 1440, 60])
    assert made.reminder_offsets == "2880,60"
    assert made.occurrences[0].offsets == [2880, 60]


@pytest.mark.parametrize("offsets", [[1], [YEAR_IN_MINUTES], [1, YEAR_IN_MINUTES]])
def test_reminders_from_one_minute_to_one_year_before_are_accepted(organizer, offsets):
    made = make_series(organizer, reminder_offsets=offsets)
    assert made.occurrences[0].offsets == sorted(offsets, reverse=True)


@pytest.mark.parametrize("offsets", [[0], [-60], [YEAR_IN_MINUTES + 1], [1440, 0]])
def test_a_reminder_at_the_start_after_it_or_over_a_year_before_is_refused(organizer, offsets):
    refused = _refusal(organizer, reminder_offsets=offsets)
    assert (refused.field, refused.message) == (
        "reminders",
        "Reminders are from 1 minute to 1 year before the start.",
    )


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [("14, 1", [20160, 1440]), ("14; 1", [20160, 1440]), ("0.5", [720]), (" 7 ,", [10080])],
)
def test_reminder_days_as_typed_become_minutes(typed, minutes):
    assert series.reminder_offsets_from(typed) == minutes


@pytest.mark.parametrize("typed", [None, "", "   "])
def test_no_reminder_days_typed_means_the_default(typed):
    assert series.reminder_offsets_from(typed) is None


def test_reminder_days_that_are_not_numbers_are_refused_on_the_reminders_field():
    with pytest.raises(RuleError) as refused:
        series.reminder_offsets_from("two weeks, 1")
    assert (refused.value.field, refused.value.message) == (
        "reminders",
        "Write reminder days as numbers, e.g. 14, 1.",
    )


# Times on the venue's wall clock


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (datetime(2027, 3, 14, 2, 30), datetime(2027, 3, 14, 4, 0), "starts"),
        (datetime(2027, 3, 14, 1, 0), datetime(2027, 3, 14, 2, 30), "ends"),
    ],
)
def test_a_start_or_end_the_clocks_skip_is_refused_on_its_own_field(organizer, start, end, field):
    refused = _refusal(organizer, zone="America/New_York", first_start=start, first_end=end)
    assert refused.field == field
    assert "does not exist" in refused.message


def test_a_meeting_within_the_repeated_hour_is_at_the_pass_chosen_start_and_end(organizer):
    made = make_series(
        organizer,
        zone="America/New_York",
        first_start=datetime(2026, 11, 1, 1, 10),
        first_end=datetime(2026, 11, 1, 1, 50),
        fold=1,
    )
    occurrence = made.occurrences[0]
    # The second 01:10-01:50 is in EST (UTC-5).
    assert (occurrence.starts_at, occurrence.ends_at) == (
        datetime(2026, 11, 1, 6, 10, tzinfo=UTC),
        datetime(2026, 11, 1, 6, 50, tzinfo=UTC),
    )
    assert made.duration_minutes == 40


def test_a_meeting_that_ends_when_it_starts_is_refused(organizer):
    start = datetime(2027, 5, 4, 10, 0)
    refused = _refusal(organizer, first_start=start, first_end=start)
    assert (refused.field, refused.message) == ("ends", "The end must be after the start.")


def test_a_rule_that_lands_on_a_time_the_clocks_skip_is_refused_on_the_rule(organizer):
    # Sundays at 02:30 in Paris: on 28 March 2027 the clocks go from 02:00 to 03:00.
    refused = _refusal(
        organizer,
        zone="Europe/Paris",
        first_start=datetime(2027, 3, 21, 2, 30),
        first_end=datetime(2027, 3, 21, 4, 0),
        rule="FREQ=WEEKLY;COUNT=2",
    )
    assert refused.field == "rule"
    assert "does not exist" in refused.message


def test_a_rule_meeting_on_the_night_the_clocks_go_back_is_at_the_first_pass(organizer):
    # Sundays at 01:30 in New York: on 1 November 2026, 01:30 happens twice.
    made = make_series(
        organizer,
        zone="America/New_York",
        first_start=datetime(2026, 10, 25, 1, 30),
        first_end=datetime(2026, 10, 25, 2, 0),
        rule="FREQ=WEEKLY;COUNT=2",
    )
    assert made.occurrences[1].starts_at == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # EDT


def test_a_new_series_meetings_are_drafts_until_scheduled(organizer):
    made = make_series(organizer, rule="FREQ=YEARLY;COUNT=2", schedule=False)
    assert [o.status for o in made.occurrences] == [DRAFT, DRAFT]


# What describes the series


@pytest.mark.parametrize("title", ["", "   "])
def test_a_series_needs_a_title(organizer, title):
    refused = _refusal(organizer, title=title)
    assert (refused.field, refused.message) == ("title", "This field is required.")


@pytest.mark.parametrize("scope", ["", "global", "Regional"])
def test_a_scope_outside_the_list_is_refused(organizer, scope):
    refused = _refusal(organizer, scope=scope)
    assert (refused.field, refused.message) == ("scope", "Choose a scope.")


def test_a_new_series_keeps_what_describes_it_and_who_created_it(organizer, member_state, area):
    brazil, customs = member_state("BR"), area("customs")
    made = make_series(
        organizer,
        description="  Second session of the working group \n",
        scope="hemispheric",
        is_public=True,
        member_states=[brazil],
        topics=[customs],
    )
    assert (made.description, made.scope, made.is_public) == (
        "Second session of the working group",
        "hemispheric",
        True,
    )
    assert (made.member_states, made.topics) == ([brazil], [customs])
    assert made.created_by_id == organizer.id and made.organizers == [organizer]


def test_a_new_series_without_description_has_an_empty_one(organizer):
    assert make_series(organizer, description="").description == ""


def _details(**fields) -> series.SeriesDetails:
    return series.SeriesDetails(title=fields.pop("title", "Border meeting"), **fields)


def test_editing_a_series_can_empty_its_description(organizer):
    made = make_series(organizer, description="First session")
    series.update_series(made, _details(description=""))
    assert made.description == ""


@pytest.mark.parametrize("title", ["", "  "])
def test_an_edited_series_still_needs_a_title_and_keeps_the_old_one(organizer, title):
    made = make_series(organizer, title="Border meeting")
    with pytest.raises(RuleError) as refused:
        series.update_series(made, _details(title=title))
    assert (refused.value.field, refused.value.message) == ("title", "This field is required.")
    assert made.title == "Border meeting"


def test_an_edited_title_on_two_lines_is_refused_on_the_title_field(organizer):
    made = make_series(organizer)
    with pytest.raises(RuleError) as refused:
        series.update_series(made, _details(title="Border\nmeeting"))
    assert refused.value.field == "title"


def test_an_edited_scope_outside_the_list_is_refused_and_keeps_the_old_one(organizer):
    made = make_series(organizer, scope="subregional")
    with pytest.raises(RuleError) as refused:
        series.update_series(made, _details(scope="worldwide"))
    assert (refused.value.field, refused.value.message) == ("scope", "Choose a scope.")
    assert made.scope == "subregional"
