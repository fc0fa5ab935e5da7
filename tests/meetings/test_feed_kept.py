"""The calendar feed is written once and kept until something in it changes, in any
process: while nothing changed its DTSTAMP stays (the time it was written, RFC 5545), and
clients that poll with a conditional GET get a 304."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.meetings.support import NOW, guest, make_series
from tests.querycount import count_queries
from webapp.core import freshness
from webapp.extensions import db
from webapp.meetings import feeds, invitations
from webapp.meetings.models import CalendarSubscription, MeetingSeries


@pytest.fixture()
def feed_url(user, member_state):
    freshness.touch(db.session, "meetings")  # the row the migration makes
    db.session.commit()
    organizer = user("organizer", email="organizer@secretariat.example")
    meeting = make_series(organizer, title="Port security review")
    guest(meeting, organizer, "delegate@customs.example")
    invitations.send_invitations(meeting, now=NOW)
    subscription = feeds.current(user("participant", email="delegate@customs.example"))
    db.session.commit()
    return f"/meetings/feed/{subscription.token}.ics"


def stamps(text: str) -> set[str]:
    return set(re.findall(r"^DTSTAMP:(\S+)", text, re.M))


def test_the_feed_is_kept_with_its_dtstamp_while_nothing_changes(client, feed_url):
    with count_queries() as first:
        one = client.get(feed_url)
    with count_queries() as again:
        two = client.get(feed_url)
    assert one.get_data() == two.get_data() and len(stamps(one.get_data(as_text=True))) == 1
    assert one.headers["ETag"] == two.headers["ETag"]
    assert again.count < first.count


def _next_second() -> None:
    time.sleep(1.05 - datetime.now(UTC).microsecond / 1e6)


def test_a_client_polling_with_its_etag_gets_a_304_until_a_change(client, feed_url):
    first = client.get(feed_url)
    etag = first.headers["ETag"]
    assert "private" in first.headers["Cache-Control"]
    unchanged = client.get(feed_url, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.get_data() == b""
    _next_second()
    modified = client.get(feed_url).headers["Last-Modified"]
    assert client.get(feed_url, headers={"If-Modified-Since": modified}).status_code == 304
    db.session.scalar(sa.select(MeetingSeries)).title = "Port security review, renamed"
    db.session.commit()
    changed = client.get(feed_url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "renamed" in changed.get_data(as_text=True)


def test_a_change_made_by_another_process_shows_at_once(
    changed_by_another_process, client, feed_url
):
    etag = client.get(feed_url).headers["ETag"]
    with changed_by_another_process():
        db.session.scalar(sa.select(MeetingSeries)).title = "Moved elsewhere"
    changed = client.get(feed_url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "Moved elsewhere" in changed.get_data(as_text=True)


def test_the_etag_names_the_content_not_the_time_it_was_written(
    changed_by_another_process, client, feed_url
):
    """A change elsewhere has the feed written again (a new DTSTAMP, in another process
    too): a client whose copy still says the same gets its 304."""
    etag = client.get(feed_url).headers["ETag"]
    with changed_by_another_process():
        freshness.touch(db.session, "meetings")
    assert client.get(feed_url, headers={"If-None-Match": etag}).status_code == 304


def test_a_revoked_address_answers_404_at_once_though_its_feed_was_kept(client, feed_url):
    assert client.get(feed_url).status_code == 200
    subscription = db.session.scalar(sa.select(CalendarSubscription))
    feeds.renew(subscription.user, now=NOW)
    db.session.commit()
    assert client.get(feed_url).status_code == 404


def test_a_feed_written_again_at_another_time_keeps_its_etag(feed_url):
    token = feed_url.rsplit("/", 1)[1].removesuffix(".ics")
    first = feeds.feed_for_token(token, now=NOW)
    freshness.touch(db.session, "meetings")  # written again, as after a change elsewhere
    db.session.commit()
    later = feeds.feed_for_token(token, now=NOW + timedelta(hours=1))
    assert stamps(first) != stamps(later) and first.etag == later.etag


def test_a_change_in_the_same_second_is_not_hidden_from_a_client_polling_by_date(client, feed_url):
    """Last-Modified has one-second precision: given while the feed's second still runs,
    a change later in that second would carry the same date and be answered with a 304."""
    written = client.get(feed_url)
    assert "Last-Modified" not in written.headers  # its second is not over yet
    _next_second()
    modified = client.get(feed_url).headers["Last-Modified"]
    db.session.scalar(sa.select(MeetingSeries)).title = "Renamed within the second"
    db.session.commit()
    changed = client.get(feed_url, headers={"If-Modified-Since": modified})
    assert changed.status_code == 200
    assert "Renamed within the second" in changed.get_data(as_text=True)
    assert "Last-Modified" not in changed.headers
