"""The contributions pages: finance staff record through forms, bad input shows a clear
message on the form and changes nothing, everyone allowed reads the report."""

from __future__ import annotations

import io
from datetime import date

import pytest

from tests.contributions.conftest import count
from webapp.contributions import pledges, receipts
from webapp.contributions.models import (
    AcknowledgementLetter,
    Donor,
    ExchangeRate,
    Instalment,
    Pledge,
    Receipt,
)
from webapp.extensions import db


@pytest.fixture()
def as_finance(client, login, finance):
    login(finance)
    return client


def test_finance_records_a_member_state_as_a_donor(as_finance, member_state):
    mexico = member_state("MX")
    page = as_finance.get("/contributions/donors/new")
    assert f'value="member_state:{mexico.id}"' in page.get_data(as_text=True)
    response = as_finance.post(
        "/contributions/donors/new", data={"donor": f"member_state:{mexico.id}", "language": "es"}
    )
    assert response.status_code == 302
    donor = db.session.scalar(db.select(Donor))
    assert (donor.member_state_id, donor.language) == (mexico.id, "es")


def test_another_donor_needs_a_name(as_finance):
    page = as_finance.post("/contributions/donors/new", data={"donor": "other", "language": "en"})
    assert "Enter the donor&#39;s name." in page.get_data(as_text=True)
    assert count(Donor) == 0


def test_finance_records_a_pledge_with_instalments(as_finance, donor):
    brazil = donor()
    response = as_finance.post(
        "/contributions/pledges/new",
        data={
            "donor": brazil.id,
            "amount": "12000.00",
            "currency": "usd",
            "pledged_on": "2026-02-01",
            "instrument": "Agreement 7",
            "earmark_kind": "program",
            "earmark_label": "Border training",
            "instalments": "2026-06-30 6000\n2026-12-31 6000.00",
        },
    )
    assert response.status_code == 302
    [pledge] = db.session.scalars(db.select(Pledge)).all()
    assert [i.money.amount for i in pledge.instalments] == [6000, 6000]
    page = as_finance.get(f"/contributions/donors/{brazil.id}").get_data(as_text=True)
    assert "Agreement 7" in page
    assert "Program: Border training" in page


def test_instalments_that_do_not_add_up_show_on_the_form_and_post_nothing(as_finance, donor):
    brazil = donor()
    page = as_finance.post(
        "/contributions/pledges/new",
        data={
            "donor": brazil.id,
            "amount": "12000.00",
            "currency": "USD",
            "pledged_on": "2026-02-01",
            "earmark_kind": "unearmarked",
            "instalments": "2026-06-30 6000\n2026-12-31 5000",
        },
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="instalments-error"' in html
    assert "add up to 11000.00 USD, not to the pledge of 12000.00 USD" in html
    assert (count(Pledge), count(Instalment)) == (0, 0)


def test_a_receipt_in_another_currency_is_recorded_with_its_letter(as_finance, donor, rate):
    brazil = donor()
    rate("EUR", date(2026, 3, 2), "1.08")
    response = as_finance.post(
        "/contributions/receipts/new",
        data={
            "donor": brazil.id,
            "pledge": "0",
            "amount": "500",
            "currency": "EUR",
            "received_on": "2026-03-02",
            "bank_reference": "SWIFT 1",
            "earmark_kind": "unearmarked",
        },
    )
    assert response.status_code == 302
    [receipt] = db.session.scalars(db.select(Receipt)).all()
    assert str(receipt.usd) == "540.00 USD"
    pdf = as_finance.get(f"/contributions/receipts/{receipt.id}/letter.pdf")
    assert pdf.mimetype == "application/pdf"
    assert pdf.data == receipt.letter.pdf


def test_a_receipt_without_a_rate_shows_why_and_posts_nothing(as_finance, donor):
    brazil = donor()
    page = as_finance.post(
        "/contributions/receipts/new",
        data={
            "donor": brazil.id,
            "pledge": "0",
            "amount": "500",
            "currency": "EUR",
            "received_on": "2026-03-02",
            "earmark_kind": "unearmarked",
        },
    )
    assert "There is no exchange rate for EUR on Mar 2, 2026" in page.get_data(as_text=True)
    assert (count(Receipt), count(AcknowledgementLetter)) == (0, 0)


def test_too_many_decimals_for_the_currency_show_on_the_amount(as_finance, donor):
    brazil = donor()
    page = as_finance.post(
        "/contributions/receipts/new",
        data={
            "donor": brazil.id,
            "pledge": "0",
            "amount": "1.5",
            "currency": "JPY",
            "received_on": "2026-03-02",
            "earmark_kind": "unearmarked",
        },
    )
    html = page.get_data(as_text=True)
    assert 'id="amount-error"' in html
    assert "Amounts in JPY have no decimals." in html
    assert count(Receipt) == 0


def test_a_receipt_is_reversed_with_a_reason(as_finance, donor, finance):
    brazil = donor()
    receipt = receipts.record_receipt(
        donor=brazil, amount="10", currency="USD", received_on=date(2026, 3, 2), by=finance
    )
    db.session.commit()
    url = f"/contributions/receipt/{receipt.id}/reverse"
    refused = as_finance.post(url, data={"reason": ""})
    assert "This field is required." in refused.get_data(as_text=True)
    assert count(Receipt) == 1
    assert as_finance.post(url, data={"reason": "Bank returned it"}).status_code == 302
    assert count(Receipt) == 2
    page = as_finance.get(f"/contributions/donors/{brazil.id}").get_data(as_text=True)
    assert "Reversal: Bank returned it" in page
    assert "Reversed" in page


def test_rates_are_imported_from_a_csv_file(as_finance):
    data = b"currency,date,rate\nEUR,2026-03-02,1.0842\nJPY,2026-03-02,0.0067\n"
    response = as_finance.post(
        "/contributions/rates/import",
        data={"file": (io.BytesIO(data), "rates.csv"), "source": "ECB"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert count(ExchangeRate) == 2


def test_a_bad_line_refuses_the_whole_rate_file(as_finance):
    data = b"currency,date,rate\nEUR,2026-03-02,1.0842\nEUR,2026-03-03,-1\n"
    page = as_finance.post(
        "/contributions/rates/import",
        data={"file": (io.BytesIO(data), "rates.csv"), "source": "ECB"},
        content_type="multipart/form-data",
    )
    assert "Line 3: Enter a rate greater than zero." in page.get_data(as_text=True)
    db.session.rollback()
    assert count(ExchangeRate) == 0


def test_organizers_read_the_report_and_set_budgets_but_record_no_money(
    client, login, user, donor, finance
):
    pledges.record_pledge(
        donor=donor(), amount="100", currency="USD", pledged_on=date(2026, 1, 1), by=finance
    )
    db.session.commit()
    login(user("organizer"))
    assert "Brazil" in client.get("/contributions/").get_data(as_text=True)
    assert client.get("/contributions/pledges/new").status_code == 403
    response = client.post(
        "/contributions/budgets",
        data={"earmark_kind": "activity", "earmark_label": "Workshop", "amount": "2500"},
    )
    assert response.status_code == 302
    assert "Workshop" in client.get("/contributions/").get_data(as_text=True)


def test_the_exports_and_the_chart_download(as_finance, donor, finance):
    pledges.record_pledge(
        donor=donor(), amount="100", currency="USD", pledged_on=date(2026, 1, 1), by=finance
    )
    db.session.commit()
    assert as_finance.get("/contributions/report.csv").mimetype == "text/csv"
    xlsx = as_finance.get("/contributions/report.xlsx")
    assert xlsx.data.startswith(b"PK")
    assert as_finance.get("/contributions/chart.svg").mimetype == "image/svg+xml"


@pytest.mark.parametrize("language", ["en", "es", "fr", "pt"])
def test_the_report_reads_in_each_language(client, login, user, language):
    login(user("finance", language=language))
    page = client.get("/contributions/")
    assert page.status_code == 200
    assert f'lang="{language}"' in page.get_data(as_text=True)


def test_finance_records_an_in_kind_contribution(as_finance, donor):
    brazil = donor()
    response = as_finance.post(
        "/contributions/in-kind/new",
        data={
            "donor": brazil.id,
            "description": "Training room for five days",
            "amount": "4000",
            "currency": "USD",
            "received_on": "2026-03-02",
            "basis": "Market rent",
            "earmark_kind": "unearmarked",
        },
    )
    assert response.status_code == 302
    page = as_finance.get(f"/contributions/donors/{brazil.id}").get_data(as_text=True)
    assert "Training room for five days" in page
    assert "Market rent" in page


def test_a_rate_is_recorded_once_per_currency_and_day(as_finance):
    data = {"currency": "eur", "on": "2026-03-02", "rate": "1.0842", "source": "ECB"}
    assert as_finance.post("/contributions/rates", data=data).status_code == 302
    again = as_finance.post("/contributions/rates", data={**data, "rate": "1.09"})
    assert "A rate for EUR on Mar 2, 2026 is recorded already." in again.get_data(as_text=True)
    assert count(ExchangeRate) == 1


def test_a_contact_with_a_bad_address_is_refused_on_the_form(as_finance, donor):
    brazil = donor()
    page = as_finance.post(
        f"/contributions/donors/{brazil.id}/contacts",
        data={"name": "Desk", "email": "not-an-email@", "language": "pt"},
    )
    assert page.status_code == 400
    assert "nothing comes after the @ sign" in page.get_data(as_text=True)
    assert brazil.contacts == []


def test_the_kept_letter_opens_as_html_with_nothing_able_to_run(as_finance, donor, finance):
    receipt = receipts.record_receipt(
        donor=donor(language="fr"),
        amount="10",
        currency="USD",
        received_on=date(2026, 3, 2),
        by=finance,
    )
    db.session.commit()
    page = as_finance.get(f"/contributions/receipts/{receipt.id}/letter")
    assert "Accusé de réception de contribution" in page.get_data(as_text=True)
    assert page.headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_a_receipt_can_name_the_instalment_it_pays(as_finance, donor, finance):
    brazil = donor()
    pledge = pledges.record_pledge(
        donor=brazil,
        amount="200",
        currency="USD",
        pledged_on=date(2026, 1, 1),
        instalments=[(date(2026, 2, 1), "100"), (date(2026, 3, 1), "100")],
        by=finance,
    )
    db.session.commit()
    second = pledge.instalments[1]
    form = as_finance.get("/contributions/receipts/new").get_data(as_text=True)
    assert f'<option value="{second.id}">Brazil · Mar 1, 2026 · 100.00 USD</option>' in form
    response = as_finance.post(
        "/contributions/receipts/new",
        data={
            "donor": brazil.id,
            "pledge": "0",
            "instalment": second.id,
            "amount": "100",
            "currency": "USD",
            "received_on": "2026-02-20",
            "earmark_kind": "unearmarked",
        },
    )
    assert response.status_code == 302
    [receipt] = db.session.scalars(db.select(Receipt)).all()
    assert (receipt.pledge_id, receipt.instalment_id) == (pledge.id, second.id)


def test_the_report_downloads_as_a_file_no_cache_keeps(as_finance):
    for path, name in [("report.csv", "contributions.csv"), ("report.xlsx", "contributions.xlsx")]:
        response = as_finance.get(f"/contributions/{path}")
        assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
        assert response.headers["Cache-Control"] == "no-store"
