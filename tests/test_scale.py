"""`flask demo scale` fills a database deterministically from a seed, at any volume."""

from datetime import date

import sqlalchemy as sa

from webapp.accounts.models import User
from webapp.accounts.signin import authenticate
from webapp.contributions.models import Pledge, Receipt
from webapp.core.audit import AuditEntry
from webapp.core.outbox import OutboxMessage
from webapp.core.reference import MemberState
from webapp.directory.models import Agency, PointOfContact, RefreshRequest
from webapp.extensions import db
from webapp.meetings.access import visible_series
from webapp.meetings.models import CalendarSubscription, MeetingSeries, Occurrence, Participant
from webapp.meetings.wallclock import expand, wall_to_utc
from webapp.scale import SCALE_PASSWORD, Volumes, empty_tables, fill

SMALL = Volumes(
    agencies=90,
    contacts=300,
    audit_entries=200,
    outbox_messages=120,
    meeting_series=12,
    occurrences=120,
    participants=900,
    busiest_series_participants=200,
    pledges=40,
    receipts=300,
)
DAY = date(2026, 6, 1)


def contents() -> list[tuple]:
    return list(
        db.session.execute(
            sa.select(
                PointOfContact.name,
                PointOfContact.email,
                PointOfContact.last_verified_on,
                MemberState.code,
                Agency.name,
            )
            .join(PointOfContact.member_state)
            .join(PointOfContact.agency)
            .order_by(PointOfContact.email)
        )
    )


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_volumes_asked_for_are_made(app):
    made = dict(fill(3, DAY, SMALL))
    db.session.commit()
    assert count(MemberState) == made["reference"] == 35
    assert count(Agency) == 90 and count(PointOfContact) == 300
    assert count(OutboxMessage) == 120 and count(AuditEntry) >= 200
    assert count(RefreshRequest) == made["refresh requests"] > 0
    assert count(MeetingSeries) == 12 and count(Occurrence) == 120
    assert count(Participant) == 900
    assert count(Pledge) == 40 and count(Receipt) == 300


def test_the_first_series_has_the_busiest_participants_page(app):
    list(fill(3, DAY, SMALL))
    db.session.commit()
    first = db.session.scalar(sa.select(sa.func.min(MeetingSeries.id)))
    wide = db.session.scalar(sa.select(sa.func.count()).where(Participant.series_id == first))
    assert wide == 200


def test_occurrences_follow_their_series_rule_in_the_venue_zone(app):
    list(fill(3, DAY, SMALL))
    db.session.commit()
    for found in db.session.scalars(sa.select(MeetingSeries)):
        starts = expand(found.rule, found.first_start, found.zone)
        made = sorted(o.original_start for o in found.occurrences)
        assert made == [wall_to_utc(s, found.zone, 0, "rule") for s in starts]


def test_the_participant_account_has_meetings_and_a_calendar_feed(app):
    list(fill(3, DAY, SMALL))
    db.session.commit()
    user = db.session.scalar(sa.select(User).where(User.email == "participant@scale.example.org"))
    assert db.session.scalars(visible_series(user)).all()
    assert db.session.scalar(
        sa.select(CalendarSubscription).where(CalendarSubscription.user_id == user.id)
    )


def test_the_same_seed_gives_the_same_rows_and_another_seed_others(app):
    list(fill(3, DAY, SMALL))
    db.session.commit()
    first = contents()
    empty_tables()
    list(fill(3, DAY, SMALL))
    db.session.commit()
    assert contents() == first
    empty_tables()
    list(fill(4, DAY, SMALL))
    db.session.commit()
    assert contents() != first


def test_every_role_can_sign_in_with_the_printed_password(app):
    list(fill(3, DAY, SMALL))
    db.session.commit()
    for email in ("admin@scale.example.org", "focal1.mx@scale.example.org"):
        assert authenticate(email, SCALE_PASSWORD, "127.0.0.1") is not None
    assert count(User) > 4


def test_the_command_refuses_a_database_that_holds_accounts(app, runner):
    list(fill(3, DAY, SMALL))
    db.session.commit()
    result = runner.invoke(args=["demo", "scale", "--contacts", "50", "--agencies", "80"])
    assert result.exit_code != 0 and "--reset" in result.output
