"""An occurrence's agenda: items with presenters and times within the meeting."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.meetings.support import make_series
from webapp.core.errors import RuleError
from webapp.extensions import db
from webapp.meetings import agenda


@pytest.fixture()
def occurrence(user):
    organizer = user("organizer")
    return make_series(organizer, zone="America/Santiago").occurrences[0]


def test_items_keep_their_order_presenter_and_venue_time(occurrence):
    agenda.add_item(
        occurrence, title="Opening", presenter="Chair", starts=datetime(2027, 5, 4, 10)
    )
    agenda.add_item(occurrence, title="Risk profiling", duration_minutes=45)
    db.session.commit()
    assert [i.title for i in occurrence.agenda] == ["Opening", "Risk profiling"]
    assert occurrence.agenda[0].starts_at == datetime(2027, 5, 4, 14, tzinfo=UTC)


def test_an_item_outside_the_meeting_is_refused(occurrence):
    with pytest.raises(RuleError) as refused:
        agenda.add_item(occurrence, title="Late", starts=datetime(2027, 5, 4, 18))
    assert refused.value.field == "starts"


def test_the_organizer_adds_an_item_from_the_occurrence_page(client, login, occurrence):
    login(occurrence.series.organizer)
    response = client.post(
        f"/meetings/occurrences/{occurrence.id}/agenda",
        data={"agenda-title": "Opening", "agenda-presenter": "Chair"},
    )
    assert response.status_code == 302
    page = client.get(f"/meetings/occurrences/{occurrence.id}").get_data(as_text=True)
    assert "Opening" in page and "Chair" in page
