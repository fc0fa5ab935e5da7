"""A donor's page is kept between requests and follows any change it shows, made in any
process: a receipt recorded, a letter renumbered, a reversal, a contact person added, the
donor's name; and what one role may do is never served to another."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tests.querycount import count_queries
from webapp.accounts.models import User
from webapp.contributions import donors, receipts
from webapp.contributions.models import OTHER, AcknowledgementLetter, Donor, Receipt
from webapp.core import freshness
from webapp.core.reference import MemberState
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
    changed_by_another_process, client, login, finance, brazil
):
    login(finance)
    assert "WIRE-SECOND" not in page(client, brazil)
    with changed_by_another_process():
        receipts.record_receipt(
            donor=db.session.get(Donor, brazil.id),
            amount="25",
            currency="USD",
            received_on=date(2026, 4, 1),
            by=db.session.get(User, finance.id),
            bank_reference="WIRE-SECOND",
        )
    assert "WIRE-SECOND" in page(client, brazil)


def test_a_letter_renumbered_by_another_process_shows_at_once(
    changed_by_another_process, client, login, finance, brazil
):
    login(finance)
    letter = db.session.scalar(sa.select(AcknowledgementLetter))
    assert f">{letter.year}/{letter.number:04d}</a>" in page(client, brazil)
    with changed_by_another_process():
        db.session.execute(sa.update(AcknowledgementLetter).values(number=9876))
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


def test_a_kept_page_reads_only_the_reader_and_the_token(client, login, finance, brazil):
    login(finance)
    page(client, brazil)
    with count_queries() as again:
        assert "WIRE-FIRST" in page(client, brazil)
    assert again.count == 2  # the signed-in session, then the freshness token


def test_a_contact_person_added_by_another_process_shows_at_once(
    changed_by_another_process, client, login, finance, brazil
):
    login(finance)
    assert "maria@itamaraty.example" not in page(client, brazil)
    with changed_by_another_process():
        donors.add_contact(
            db.session.get(Donor, brazil.id),
            name="Maria Silva",
            email="maria@itamaraty.example",
            language="pt",
            by=db.session.get(User, finance.id),
        )
    assert "Maria Silva · maria@itamaraty.example" in page(client, brazil)


def test_a_state_renamed_by_another_process_renames_its_donor_page(
    changed_by_another_process, client, login, finance, brazil
):
    login(finance)
    assert "<title>Brazil · Puerto</title>" in page(client, brazil)
    with changed_by_another_process():
        db.session.execute(
            sa.update(MemberState)
            .where(MemberState.id == brazil.member_state_id)
            .values(name_en="Federative Republic of Brazil")
        )
    shown = page(client, brazil)
    assert "<title>Federative Republic of Brazil · Puerto</title>" in shown
    assert "<h1>Federative Republic of Brazil</h1>" in shown


def test_a_donor_not_found_is_found_once_another_process_records_it(
    changed_by_another_process, client, login, finance, brazil
):
    login(finance)
    missing = brazil.id + 1
    assert client.get(f"/contributions/donors/{missing}").status_code == 404
    with changed_by_another_process():
        made = donors.create_donor(
            kind=OTHER,
            name="Harbour Foundation",
            language="en",
            by=db.session.get(User, finance.id),
        )
        assert made.id == missing
    response = client.get(f"/contributions/donors/{missing}")
    assert response.status_code == 200
    assert "<h1>Harbour Foundation</h1>" in response.get_data(as_text=True)


def test_a_refused_contact_keeps_what_was_typed_and_the_blank_form_stays_blank(
    client, login, finance, brazil
):
    login(finance)
    page(client, brazil)  # the blank form, kept
    refused = client.post(
        f"/contributions/donors/{brazil.id}/contacts",
        data={"name": "Desk Officer", "email": "not-an-email@", "language": "pt"},
    ).get_data(as_text=True)
    assert 'value="Desk Officer"' in refused and "nothing comes after the @ sign" in refused
    blank = page(client, brazil)
    assert "Desk Officer" not in blank and "nothing comes after the @ sign" not in blank
    assert 'name="csrf_token"' in blank


def test_the_blank_contact_form_is_kept_apart_per_language(client, login, user, brazil):
    login(user("finance", language="es"))
    assert 'for="email">Correo electrónico</label>' in page(client, brazil)
    login(user("finance", email="other-finance@example.org"))
    assert 'for="email">Email</label>' in page(client, brazil)
