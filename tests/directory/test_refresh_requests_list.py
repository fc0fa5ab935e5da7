"""A focal point's requests, read in one statement: the open ones oldest first, and the
latest answered ones newest first, up to the limit, only for their own states."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from webapp.directory import refresh
from webapp.directory.models import CONFIRMED, RefreshRequest
from webapp.extensions import db

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_open_oldest_first_and_the_latest_answered_newest_first(member_state, user):
    brazil, mexico = member_state("BR"), member_state("MX")
    focal = user("focal_point", states=[brazil])
    other = user("focal_point", states=[brazil])

    def add(n: int, *, answered: bool, person=focal, state=brazil) -> RefreshRequest:
        made = RefreshRequest(
            member_state_id=state.id,
            cycle=date(2025, 1, 1) + timedelta(days=n),
            focal_point_id=person.id,
            sent_at=START + timedelta(days=n % 7),
            answered_at=START + timedelta(days=30 + n) if answered else None,
            answer=CONFIRMED if answered else None,
        )
        db.session.add(made)
        return made

    later_open, earlier_open = add(1, answered=False), add(2, answered=False)
    later_open.sent_at, earlier_open.sent_at = START + timedelta(days=3), START
    answered = [add(10 + n, answered=True) for n in range(5)]
    add(40, answered=False, person=other)  # someone else's
    add(41, answered=False, state=mexico)  # not one of their states
    db.session.commit()

    open_requests, latest = refresh.requests_for(focal, limit=3)
    assert open_requests == [earlier_open, later_open]
    assert latest == [answered[4], answered[3], answered[2]]
    assert refresh.requests_for(focal, limit=0)[1] == []
