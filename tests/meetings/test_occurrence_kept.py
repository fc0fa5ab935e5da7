"""A meeting's page is kept between requests and follows any change it shows, made in any
process: the meeting edited or moved, an agenda item added, another organization's
activity registered over it, the account that moved it renamed. Its forms carry each
session's own token; a refused form is shown again with what was typed."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.meetings.support import NOW, make_series
from tests.querycount import count_queries
from tests.signin import sign_in
from webapp.accounts.models import User
from webapp.core import freshness
from webapp.core.reference import Organization
from webapp.directory.models import Area
from webapp.extensions import db
from webapp.meetings import activities, agenda, series
from webapp.meetings.models import AgendaItem, Occurrence
from webapp.meetings.occurrence_cache import OCCURRENCE_PAGE

ORGANIZER = "organizer@secretariat.example"


@pytest.fixture()
def organizer(user):
    freshness.touch(db.session, OCCURRENCE_PAGE)  # the row the migration makes
    db.session.commit()
    return user("organizer", email=ORGANIZER, name="Olga Organizer")


@pytest.fixture()
def page(organizer, area, login):
    meeting = make_series(organizer, topics=[area("customs")])
    login(organizer)
    return f"/meetings/occurrences/{meeting.occurrences[0].id}"


def test_the_page_is_reused_while_nothing_changes(client, page):
    with count_queries() as first:
        client.get(page)
    with count_queries() as again:
        assert "OAS Building, Washington" in client.get(page).get_data(as_text=True)
    assert again.count < first.count


def test_a_change_of_the_meeting_or_its_agenda_in_another_process_shows_at_once(
    changed_by_another_process, client, page
):
    client.get(page)
    with changed_by_another_process():
        db.session.scalar(sa.select(Occurrence)).venue_address = "Port of Spain"
    assert "Port of Spain" in client.get(page).get_data(as_text=True)
    with changed_by_another_process():
        agenda.add_item(db.session.scalar(sa.select(Occurrence)), title="Risk profiling")
    assert "Risk profiling" in client.get(page).get_data(as_text=True)


def test_an_activity_registered_over_it_by_another_process_shows_at_once(
    changed_by_another_process, client, page
):
    assert "an activity of" not in client.get(page).get_data(as_text=True)
    with changed_by_another_process():
        who = sa.select(User).where(User.email == ORGANIZER)
        unodc = Organization(
            acronym="UNODC", name_en="UNODC", name_es="UNODC", name_fr="ONUDC", name_pt="UNODC"
        )
        db.session.add(unodc)
        activities.add_activity(
            activities.ActivityInput(
                organization=unodc,
                title="Container control programme workshop",
                starts_on=date(2027, 5, 3),
                ends_on=date(2027, 5, 3),
                topics=[db.session.scalar(sa.select(Area).where(Area.code == "customs"))],
            ),
            by=db.session.scalar(who),
        )
    assert "Container control programme workshop" in client.get(page).get_data(as_text=True)


def test_the_forms_of_the_kept_page_carry_each_sessions_own_token(app, organizer, page):
    app.config["WTF_CSRF_ENABLED"] = True
    tokens = []
    for _browser in range(2):  # two sessions: the second is served the kept page
        browser = sign_in(app.test_client(), organizer)
        html = browser.get(page).get_data(as_text=True)
        found = set(re.findall(r'csrf_token" type="hidden" value="([^"]+)"', html))
        assert len(found) == 1  # the meeting's form and the agenda's: the same
        tokens.append(found.pop())
        added = browser.post(
            f"{page}/agenda",
            data={"agenda-csrf_token": tokens[-1], "agenda-title": f"Item {_browser}"},
        )
        assert added.status_code == 302
    assert tokens[0] != tokens[1]
    assert db.session.scalar(sa.select(sa.func.count(AgendaItem.id))) == 2


def test_a_refused_form_is_shown_again_with_what_was_typed(client, page):
    client.get(page)  # kept
    refused = client.post(
        page,
        data={"title": "Extraordinary session", "status": "scheduled", "zone": "America/Bogota",
              "starts": "2027-05-04T10:00", "ends": "2027-05-04T09:00", "host_state": "0"},
    )  # fmt: skip
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert 'value="Extraordinary session"' in html and "The end must be after the start" in html


def test_a_move_made_in_another_process_shows_with_who_made_it(
    changed_by_another_process, client, page
):
    assert "Earlier times" not in client.get(page).get_data(as_text=True)
    with changed_by_another_process():
        occurrence = db.session.scalar(sa.select(Occurrence))
        starts, ends = series.wall_clock(occurrence)
        series.update_occurrence(
            occurrence,
            series.OccurrenceInput(
                starts=starts + timedelta(days=1), ends=ends + timedelta(days=1),
                zone=occurrence.zone, status=occurrence.status,
                venue=series.Venue(occurrence.venue_address),
            ),
            now=NOW,
            by=db.session.scalar(sa.select(User).where(User.email == ORGANIZER)),
        )  # fmt: skip
    moved = client.get(page).get_data(as_text=True)
    assert "Earlier times" in moved and "Olga Organizer" in moved
    with changed_by_another_process():
        db.session.scalar(sa.select(User).where(User.email == ORGANIZER)).name = "Olga Ortiz"
    assert "Olga Ortiz" in client.get(page).get_data(as_text=True)


def test_each_reader_is_served_the_page_in_their_own_language_and_zone(app, user, page):
    """The meeting starts at 10:00 in Bogotá, 17:00 in Madrid. Readers who differ only in
    language, or only in zone, are each served their own page, whoever came first."""
    lead = '<p class="lead">'
    written_for = {
        ("en", "America/Bogota"): f"{lead}May 4, 2027, 10:00\u202fAM (America/Bogota)",
        ("es", "America/Bogota"): f"{lead}4 may 2027, 10:00 (America/Bogota)",
        ("en", "Europe/Madrid"): f"{lead}May 4, 2027, 5:00\u202fPM (Europe/Madrid)",
    }
    # All made first: the page watches the accounts, and a new one would drop it.
    readers = {
        (lang, zone): user("organizer", language=lang, timezone=zone) for lang, zone in written_for
    }
    for language, zone in [*written_for, ("en", "America/Bogota")]:  # the first again
        browser = sign_in(app.test_client(), readers[language, zone])
        html = browser.get(page).get_data(as_text=True)
        for (other_language, other_zone), when in written_for.items():
            assert (when in html) == ((other_language, other_zone) == (language, zone))
