"""The weekly digest of overdue instalments to finance staff, run by Celery beat."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tasks.contributions import send_overdue_instalments_digest
from tasks.schedule import beat_schedule
from webapp.contributions import digest, pledges, receipts
from webapp.core.locks import acquire
from webapp.extensions import db


@pytest.fixture()
def overdue(donor, finance):
    brazil = donor()
    pledge = pledges.record_pledge(
        donor=brazil,
        amount="900",
        currency="USD",
        pledged_on=date(2026, 1, 1),
        instalments=[
            (date(2026, 2, 1), "300"),
            (date(2026, 3, 1), "300"),
            (date(2026, 6, 1), "300"),
        ],
        by=finance,
    )
    receipts.record_receipt(
        donor=brazil,
        pledge=pledge,
        amount="300",
        currency="USD",
        received_on=date(2026, 2, 3),
        by=finance,
        now=datetime(2026, 2, 3, tzinfo=UTC),
    )
    db.session.commit()
    return pledge


def test_only_unpaid_instalments_past_due_are_overdue(overdue):
    found = digest.overdue_instalments(date(2026, 3, 16))
    assert [(o.due_on, str(o.unpaid), o.days_late) for o in found] == [
        (date(2026, 3, 1), "300.00 USD", 15)
    ]


def test_each_finance_officer_gets_one_digest_a_week(overdue, finance, user, sent_mail):
    user("organizer")
    assert send_overdue_instalments_digest(today="2026-03-16") == 1
    assert send_overdue_instalments_digest(today="2026-03-18") == 0  # same ISO week
    assert send_overdue_instalments_digest(today="2026-03-23") == 1
    sent = sent_mail(digest.OVERDUE_DIGEST)
    assert [m.recipient for m in sent] == [finance.email, finance.email]
    assert "Brazil" in sent[0].body_text
    assert "15 days late" in sent[0].body_text


def test_nothing_is_sent_when_nothing_is_overdue(overdue, finance, sent_mail):
    assert send_overdue_instalments_digest(today="2026-02-15") == 0
    assert sent_mail(digest.OVERDUE_DIGEST) == []


def test_a_run_while_another_holds_the_lock_does_nothing(overdue, finance, sent_mail):
    assert acquire("contributions-overdue-digest", 600)
    assert send_overdue_instalments_digest(today="2026-03-16") == 0
    assert sent_mail(digest.OVERDUE_DIGEST) == []


def test_the_digest_is_in_the_beat_schedule_weekly(app):
    entry = beat_schedule(app.config)["contributions-overdue-digest"]
    assert entry["task"] == "tasks.contributions.send_overdue_instalments_digest"
    assert entry["schedule"].days == 7
