"""A donor's ledger on their page is kept between requests and follows any change it
shows, made in any process: a receipt recorded, a letter renumbered, a reversal; and what
one role may do is never served to another."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tests.querycount import count_queries
from webapp.accounts.models import User
from webapp.contributions import receipts
from webapp.contributions.models import AcknowledgementLetter, Donor, Receipt
from webapp.core import freshness
from webapp.extensions import db


@pytest.fixture()
def brazil(donor, finance):
    freshness.touch(db.session, "contributions")  # the row the migration makes
    db.session.commit()
    made = donor()
    receipts.record_receipt(
        donor=made,
        amount="10",
        currency="USD",
        received_on=date(2026, 3, 2),
        by=finance,
        bank_reference="WIRE-FIRST",
    )
    db.session.commit()
    return made


def page(client, donor) -> str:
    return client.get(f"/contributions/donors/{donor.id}").get_data(as_text=True)


def test_the_ledger_is_reused_while_nothing_changes(client, login, finance, brazil):
    login(finance)
    with count_queries() as first:
        page(client, brazil)
    with count_queries() as again:
        assert "WIRE-FIRST" in page(client, brazil)
    assert again.count < first.count


def test_a_receipt_recorded_by_another_process_shows_at_once(
    another_app, client, login, finance, brazil
):
    login(finance)
    assert "WIRE-SECOND" not in page(client, brazil)
    with another_app().app_context():
        receipts.record_receipt(
            donor=db.session.get(Donor, brazil.id),
            amount="25",
            currency="USD",
            received_on=date(2026, 4, 1),
            by=db.session.get(User, finance.id),
            bank_reference="WIRE-SECOND",
        )
        db.session.commit()
    assert "WIRE-SECOND" in page(client, brazil)


def test_a_letter_renumbered_by_another_process_shows_at_once(
    another_app, client, login, finance, brazil
):
    login(finance)
    letter = db.session.scalar(sa.select(AcknowledgementLetter))
    assert f">{letter.year}/{letter.number:04d}</a>" in page(client, brazil)
    with another_app().app_context():
        db.session.execute(sa.update(AcknowledgementLetter).values(number=9876))
        db.session.commit()
    assert f">{letter.year}/9876</a>" in page(client, brazil)


def test_the_reverse_links_are_kept_apart_for_those_who_may_not_reverse(
    client, login, user, finance, brazil
):
    receipt = db.session.scalar(sa.select(Receipt))
    reverse = f"/contributions/receipt/{receipt.id}/reverse"
    login(finance)
    assert reverse in page(client, brazil)
    login(user("organizer"))
    assert reverse not in page(client, brazil) and "WIRE-FIRST" in page(client, brazil)
