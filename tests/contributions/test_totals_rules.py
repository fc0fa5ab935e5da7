"""Contributions' totals, the rules mutation testing found unpinned (tests/MUTATION.md):
amounts and schedules as typed, reversals, and where a pledge stands."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from tests.contributions.conftest import count
from tests.meetings.support import make_series
from webapp.contributions import amounts, ledger, pledges, receipts
from webapp.contributions.models import (
    ACTIVITY,
    MEETING_SERIES,
    PROGRAM,
    UNEARMARKED,
    InKindContribution,
    Instalment,
    Pledge,
    Receipt,
)
from webapp.contributions.queries import donor_ledger
from webapp.contributions.standing import (
    DUE,
    OVERDUE,
    PAID,
    PARTLY_PAID,
    allocate,
    pledge_standings,
)
from webapp.core.audit import AuditEntry
from webapp.core.errors import RuleError
from webapp.core.money import Money
from webapp.extensions import db

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def _pledge(donor, finance, amount="12000", currency="USD", instalments=(), **fields):
    made = pledges.record_pledge(
        donor=donor,
        amount=amount,
        currency=currency,
        pledged_on=fields.pop("pledged_on", date(2026, 2, 1)),
        instalments=list(instalments),
        by=finance,
        **fields,
    )
    db.session.commit()
    return made


def _pay(donor, finance, amount, *, pledge=None, instalment=None, currency="USD"):
    made = receipts.record_receipt(
        donor=donor,
        amount=amount,
        currency=currency,
        received_on=date(2026, 3, 2),
        pledge=pledge,
        instalment=instalment,
        by=finance,
        now=NOW,
    )
    db.session.commit()
    return made


# --- amounts as typed ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [(" 1250.50 ", " usd ", 125050), ("7", "JPY", 7), ("0.001", "KWD", 1)],
)
def test_an_amount_is_read_exactly_in_its_currency(text, currency, minor):
    money = amounts.parse_amount(text, currency)
    assert (money.minor_units, money.currency) == (minor, currency.strip().upper())


@pytest.mark.parametrize("text", ["0", "0.00", "-5", None, ""])
def test_an_amount_must_be_greater_than_zero(app, text):
    with pytest.raises(RuleError) as refused:
        amounts.parse_amount(text, "USD", "paid")
    assert refused.value.field == "paid"
    assert refused.value.message in (
        "Enter an amount greater than zero.",
        "Enter the amount as a number, such as 1250.50.",
    )


def test_the_largest_amount_has_fifteen_digits_of_minor_units(app):
    assert amounts.parse_amount("9999999999999.99", "USD").minor_units == 10**15 - 1
    with pytest.raises(RuleError) as refused:
        amounts.parse_amount("10000000000000.00", "USD", "paid")
    assert (refused.value.field, refused.value.message) == ("paid", "This amount is too large.")


@pytest.mark.parametrize("currency", ["ZZZ", "", None, "US"])
def test_an_unknown_currency_is_refused_on_the_currency_field(app, currency):
    with pytest.raises(RuleError) as refused:
        amounts.parse_amount("100", currency, "paid")
    assert refused.value.field == "currency"
    assert refused.value.message.endswith("is not an ISO 4217 currency code.")


def test_a_refused_currency_is_named_and_cut_short(app):
    with pytest.raises(RuleError) as refused:
        amounts.parse_amount("100", "NOTACURRENCYATALL")
    assert str(refused.value).startswith("NOTACURREN is not")
    with pytest.raises(RuleError, match=r"^\? "):
        amounts.parse_amount("100", "")


@pytest.mark.parametrize(
    ("text", "currency", "says"),
    [("1.5", "JPY", "^Amounts in JPY have no decimals"),
     ("1.2345", "KWD", "^Amounts in KWD have at most 3 decimals"),
     ("1.234", "USD", "^Amounts in USD have at most 2 decimals")],
)  # fmt: skip
def test_too_many_decimals_are_refused_on_the_amounts_field(app, text, currency, says):
    with pytest.raises(RuleError, match=says) as refused:
        amounts.parse_amount(text, currency, "paid")
    assert refused.value.field == "paid"


def test_the_refusal_for_too_many_decimals_speaks_the_readers_language(app):
    with force_locale("fr"), pytest.raises(RuleError) as refused:
        amounts.parse_amount("1.234", "USD")
    assert refused.value.message == "Les montants en USD ont au plus 2 décimales."


def test_a_currency_is_read_alone(app):
    assert amounts.parse_currency(" eur ") == "EUR"
    with pytest.raises(RuleError) as refused:
        amounts.parse_currency("XYZ", "rate_currency")
    assert refused.value.field == "rate_currency"
    assert "XYZ" in str(refused.value)


# --- pledges and their schedules ----------------------------------------------------------


def test_a_schedule_skips_blank_lines_and_takes_a_semicolon_for_a_space():
    assert pledges.parse_schedule("\n2026-06-30;5000\n  \n2026-12-31 7000.50\n") == [
        (date(2026, 6, 30), "5000"),
        (date(2026, 12, 31), "7000.50"),
    ]
    assert pledges.parse_schedule(None) == []


@pytest.mark.parametrize(
    ("text", "line"),
    [("2026-06-30 5000\n2026-07-31", "2"), ("2026-06-30 5000 USD", "1"),
     ("\n\n30/06/2026 5000", "3")],
)  # fmt: skip
def test_a_schedule_line_needs_exactly_a_date_and_an_amount(app, text, line):
    with pytest.raises(RuleError, match=f"line {line}:") as refused:
        pledges.parse_schedule(text)
    assert refused.value.field == "instalments"


def test_instalments_are_kept_in_the_order_they_fall_due(donor, finance):
    made = _pledge(donor(), finance, amount="300",
                   instalments=[(date(2026, 9, 1), "100"), (date(2026, 3, 1), "120"),
                                (date(2026, 6, 1), "80")])  # fmt: skip
    assert [(i.due_on.month, i.amount_minor) for i in made.instalments] == [
        (3, 12000),
        (6, 8000),
        (9, 10000),
    ]


def test_a_schedule_of_sixty_instalments_is_accepted_and_one_more_refused(donor, finance):
    brazil = donor()
    sixty = [(date(2026, 1, 1 + n % 28).replace(month=1 + n // 28), "10") for n in range(60)]
    made = _pledge(brazil, finance, amount="600", instalments=sixty)
    assert len(made.instalments) == 60
    with pytest.raises(RuleError) as refused:
        _pledge(brazil, finance, amount="610", instalments=[*sixty, (date(2026, 12, 1), "10")])
    assert (refused.value.field, refused.value.message) == (
        "instalments",
        "A schedule has at most 60 instalments.",
    )


def test_a_bad_instalment_names_its_due_date(donor, finance):
    with pytest.raises(RuleError, match="Instalment due May 1, 2026") as refused:
        _pledge(
            donor(),
            finance,
            amount="100",
            instalments=[(date(2026, 4, 1), "100"), (date(2026, 5, 1), "0")],
        )
    assert refused.value.field == "instalments"
    assert count(Pledge) == 0


def test_an_instalment_in_another_currencys_precision_is_read_in_the_pledges(donor, finance):
    # 0.5 is a valid amount of US dollars, but not of yen: the pledge's currency rules.
    with pytest.raises(RuleError, match="no decimals"):
        _pledge(
            donor(),
            finance,
            amount="1",
            currency="JPY",
            instalments=[(date(2026, 4, 1), "0.5"), (date(2026, 5, 1), "0.5")],
        )


def test_instalments_adding_up_exactly_are_accepted(donor, finance):
    made = _pledge(
        donor(),
        finance,
        amount="10000.01",
        instalments=[(date(2026, 4, 1), "5000"), (date(2026, 5, 1), "5000.01")],
    )
    assert sum(i.amount_minor for i in made.instalments) == made.amount_minor == 1000001


def test_the_instrument_is_kept_trimmed_and_at_most_two_hundred_characters(donor, finance):
    brazil = donor()
    assert _pledge(brazil, finance, instrument="  Note 12  ").instrument == "Note 12"
    assert len(_pledge(brazil, finance, instrument="x" * 200).instrument) == 200
    with pytest.raises(RuleError) as refused:
        _pledge(brazil, finance, instrument="x" * 201)
    assert (refused.value.field, refused.value.message) == (
        "instrument",
        "Use at most 200 characters.",
    )


def test_a_pledge_given_without_an_instrument_names_none(donor, finance):
    assert _pledge(donor(), finance).instrument == ""


def test_a_pledge_records_who_posted_it_and_when(donor, finance):
    made = _pledge(donor(), finance)
    assert made.posted_by_id == finance.id
    assert made.posted_at is not None
    assert made.pledged_on == date(2026, 2, 1)


@pytest.mark.parametrize(
    ("kind", "label", "stored"),
    [(None, "ignored", (UNEARMARKED, "")), (UNEARMARKED, "ignored", (UNEARMARKED, "")),
     (PROGRAM, "  Border training  ", (PROGRAM, "Border training")),
     (ACTIVITY, "x" * 200, (ACTIVITY, "x" * 200))],
)  # fmt: skip
def test_an_earmark_is_stored_as_its_kind_and_trimmed_label(app, kind, label, stored):
    assert pledges.check_earmark(kind, label) == stored


@pytest.mark.parametrize(
    ("kind", "label", "field"),
    [("gift", "x", "earmark_kind"), (PROGRAM, "", "earmark_label"),
     (ACTIVITY, "x" * 201, "earmark_label"), (PROGRAM, "   ", "earmark_label")],
)  # fmt: skip
def test_an_earmark_without_a_known_kind_or_a_label_is_refused(app, kind, label, field):
    with pytest.raises(RuleError) as refused:
        pledges.check_earmark(kind, label)
    assert refused.value.field == field
    assert refused.value.message in (
        "Choose an earmark from the list.",
        "Name the program or activity (at most 200 characters).",
    )


def test_a_meeting_series_earmark_is_stored_by_the_series_id(user):
    organizer = user("organizer")
    meeting = make_series(organizer)
    assert pledges.check_earmark(MEETING_SERIES, "", f" {meeting.id} ") == (
        MEETING_SERIES,
        str(meeting.id),
    )
    assert pledges.series_of(MEETING_SERIES, str(meeting.id)) == meeting.id
    assert pledges.series_of(PROGRAM, "7") is None
    for unknown in (None, "", "abc", str(meeting.id + 1000)):
        with pytest.raises(RuleError) as refused:
            pledges.check_earmark(MEETING_SERIES, "", unknown)
        assert refused.value.field == "earmark_series"
        assert refused.value.message == "Choose a meeting series from the list."


def test_a_pledge_earmarked_for_a_meeting_series_points_to_it(donor, finance, user):
    meeting = make_series(user("organizer"))
    made = _pledge(donor(), finance, earmark_kind=MEETING_SERIES, earmark_series=meeting.id)
    assert (made.earmark_kind, made.earmark_label, made.meeting_series_id) == (
        MEETING_SERIES,
        str(meeting.id),
        meeting.id,
    )


def test_open_pledges_leave_out_reversals_and_what_they_reversed_and_go_oldest_first(
    donor, finance
):
    brazil, mexico = donor(), donor("MX", language="es")
    late = _pledge(brazil, finance, pledged_on=date(2026, 3, 1))
    early = _pledge(brazil, finance, pledged_on=date(2026, 1, 1))
    gone = _pledge(brazil, finance, pledged_on=date(2026, 2, 1))
    other = _pledge(mexico, finance, pledged_on=date(2026, 1, 15))
    ledger.reverse(gone, reason="Withdrawn", by=finance, now=NOW)
    db.session.commit()
    assert pledges.open_pledges() == [early, other, late]
    assert pledges.open_pledges(brazil) == [early, late]
    assert pledges.get_pledge(early.id) == early
    assert pledges.get_instalment(10**6) is None


# --- reversals ----------------------------------------------------------------------------


def test_a_reversal_of_a_pledge_carries_everything_over_but_negates_the_amounts(
    donor, finance, rate
):
    rate("EUR", date(2026, 2, 1), "1.08")
    original = _pledge(donor(), finance, amount="1000", currency="EUR", instrument="Note 7",
                       earmark_kind=PROGRAM, earmark_label="Training")  # fmt: skip
    reversal = ledger.reverse(original, reason="  Typed twice  ", by=finance, now=NOW)
    db.session.commit()
    copied = ("donor_id", "pledged_on", "instrument", "earmark_kind", "earmark_label",
              "meeting_series_id", "currency", "usd_rate", "rate_source")  # fmt: skip
    assert {f: getattr(reversal, f) for f in copied} == {f: getattr(original, f) for f in copied}
    assert (reversal.amount_minor, reversal.usd_minor) == (-100000, -original.usd_minor)
    assert original.usd_minor == 108000
    assert (reversal.reverses_id, reversal.reason) == (original.id, "Typed twice")
    assert (reversal.posted_at, reversal.posted_by_id) == (NOW, finance.id)
    assert ledger.reversal_of(original) == reversal
    assert ledger.reversal_of(reversal) is None


def test_a_reversal_of_a_receipt_keeps_what_it_was_paid_against(donor, finance):
    brazil = donor()
    pledge = _pledge(
        brazil,
        finance,
        amount="200",
        instalments=[(date(2026, 4, 1), "100"), (date(2026, 5, 1), "100")],
    )
    paid = _pay(brazil, finance, "100", pledge=pledge, instalment=pledge.instalments[1])
    reversal = ledger.reverse(paid, reason="Bounced", by=finance, now=NOW)
    assert (reversal.pledge_id, reversal.instalment_id) == (pledge.id, pledge.instalments[1].id)
    assert (reversal.received_on, reversal.donor_id) == (paid.received_on, paid.donor_id)
    assert reversal.amount_minor == -10000


def test_a_reversal_of_a_gift_in_kind_keeps_its_description_and_basis(donor, finance):
    gift = receipts.record_in_kind(donor=donor(), description="Forty laptops", amount="20000",
                                   currency="USD", received_on=date(2026, 3, 1),
                                   basis="Invoice value", by=finance, now=NOW)  # fmt: skip
    db.session.commit()
    reversal = ledger.reverse(gift, reason="Returned", by=finance, now=NOW)
    assert (reversal.description, reversal.basis) == ("Forty laptops", "Invoice value")
    assert reversal.amount_minor == -gift.amount_minor
    assert ledger.find_entry("in-kind", gift.id) == gift
    assert ledger.find_entry("gift", gift.id) is None
    assert ledger.find_entry("receipt", gift.id) != gift


def test_a_reason_of_two_thousand_characters_is_enough_and_one_more_too_many(donor, finance):
    brazil = donor()
    first, second = (_pay(brazil, finance, "10") for _ in range(2))
    assert ledger.reverse(first, reason="x" * 2000, by=finance, now=NOW).reason == "x" * 2000
    for missing in ("x" * 2001, None):
        with pytest.raises(RuleError) as refused:
            ledger.reverse(second, reason=missing, by=finance, now=NOW)
        assert refused.value.field == "reason"
        assert refused.value.message.startswith("Give the reason for the reversal")
    assert ledger.reversal_of(second) is None


def test_a_pledge_whose_receipts_were_all_reversed_can_be_reversed(donor, finance):
    brazil = donor()
    pledge = _pledge(brazil, finance, amount="100")
    for _ in range(2):
        ledger.reverse(_pay(brazil, finance, "50", pledge=pledge), reason="Bounced",
                       by=finance, now=NOW)  # fmt: skip
    assert ledger.reverse(pledge, reason="Withdrawn", by=finance, now=NOW).amount_minor == -10000


def test_a_pledge_with_one_receipt_left_cannot_be_reversed(donor, finance):
    brazil = donor()
    pledge = _pledge(brazil, finance, amount="100")
    ledger.reverse(_pay(brazil, finance, "50", pledge=pledge), reason="Bounced", by=finance,
                   now=NOW)  # fmt: skip
    _pay(brazil, finance, "50", pledge=pledge)
    with pytest.raises(RuleError):
        ledger.reverse(pledge, reason="Withdrawn", by=finance, now=NOW)
    assert count(Pledge) == 1


def test_another_pledges_receipts_do_not_stop_a_reversal(donor, finance):
    brazil = donor()
    paid_for, free = _pledge(brazil, finance), _pledge(brazil, finance)
    _pay(brazil, finance, "50", pledge=paid_for)
    assert ledger.reverse(free, reason="Withdrawn", by=finance, now=NOW).reverses_id == free.id


def test_which_entries_were_reversed_is_answered_for_the_ids_asked(donor, finance):
    brazil = donor()
    kept, reversed_, other = (_pay(brazil, finance, "10") for _ in range(3))
    ledger.reverse(reversed_, reason="Bounced", by=finance, now=NOW)
    ledger.reverse(other, reason="Bounced", by=finance, now=NOW)
    assert ledger.reversed_ids(Receipt, [kept.id, reversed_.id]) == {reversed_.id}
    assert ledger.reversed_ids(Receipt, []) == set()
    assert ledger.reversed_ids(InKindContribution, [reversed_.id]) == set()


# --- where a pledge stands ----------------------------------------------------------------


def test_an_overpayment_of_one_instalment_pays_the_next():
    assert allocate([(1, 6000), (2, 6000)], {1: 7000}, 0) == [0, 5000]


def test_a_payment_against_the_pledge_pays_oldest_first_after_direct_payments():
    assert allocate([(1, 100), (2, 100), (3, 100)], {2: 100}, 150) == [0, 0, 50]


def test_nothing_paid_leaves_every_instalment_owed():
    assert allocate([(1, 100), (2, 50)], {}, 0) == [100, 50]


def _standing(donor, pledge, today):
    found = donor_ledger(donor)
    return pledge_standings(found.pledges, found.receipts, today)[pledge.id]


def test_a_pledges_standing_counts_every_receipt_against_it_and_no_other(donor, finance):
    brazil = donor()
    pledge = _pledge(
        brazil,
        finance,
        amount="300",
        instalments=[(date(2026, 3, 1), "100"), (date(2026, 4, 1), "200")],
    )
    other = _pledge(brazil, finance, amount="50")
    _pay(brazil, finance, "999")  # not against a pledge, and received first
    _pay(brazil, finance, "120", pledge=pledge, instalment=pledge.instalments[1])
    _pay(brazil, finance, "30", pledge=pledge)
    _pay(brazil, finance, "50", pledge=other)
    standing = _standing(brazil, pledge, date(2026, 3, 15))
    assert standing.paid == Money.from_minor(15000, "USD")
    assert standing.outstanding == Money.from_minor(15000, "USD")
    first, second = standing.instalments
    assert (first.left, first.paid, first.state) == (
        Money.from_minor(7000, "USD"),
        Money.from_minor(3000, "USD"),
        OVERDUE,
    )
    assert (second.left, second.paid, second.state) == (
        Money.from_minor(8000, "USD"),
        Money.from_minor(12000, "USD"),
        PARTLY_PAID,
    )
    assert (first.state_label, second.state_label) == ("Overdue", "Partly paid")


def test_an_instalment_paid_in_full_is_paid_even_after_its_date(donor, finance):
    brazil = donor()
    pledge = _pledge(
        brazil,
        finance,
        amount="200",
        instalments=[(date(2026, 3, 1), "100"), (date(2026, 4, 1), "100")],
    )
    _pay(brazil, finance, "100", pledge=pledge)
    first, second = _standing(brazil, pledge, date(2026, 5, 1)).instalments
    assert (first.state, second.state) == (PAID, OVERDUE)
    assert (first.state_label, second.state_label) == ("Paid", "Overdue")
    first, second = _standing(brazil, pledge, date(2026, 4, 1)).instalments
    assert (second.state, second.state_label) == (DUE, "Due")


def test_reversed_pledges_and_their_reversals_have_no_standing(donor, finance):
    brazil = donor()
    kept, gone = _pledge(brazil, finance), _pledge(brazil, finance)
    reversal = ledger.reverse(gone, reason="Withdrawn", by=finance, now=NOW)
    db.session.commit()
    found = donor_ledger(brazil)
    standings = pledge_standings(found.pledges, found.receipts, date(2026, 3, 15))
    assert set(standings) == {kept.id}
    assert reversal.id not in standings


def test_a_pledge_without_schedule_stands_by_its_receipts(donor, finance):
    brazil = donor()
    pledge = _pledge(brazil, finance, amount="100")
    _pay(brazil, finance, "40", pledge=pledge)
    standing = _standing(brazil, pledge, date(2026, 3, 15))
    assert (standing.paid.minor_units, standing.outstanding.minor_units) == (4000, 6000)
    assert standing.instalments == []
    assert count(Instalment) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Receipt)) == 1


def test_one_cent_left_is_not_paid(donor, finance):
    brazil = donor()
    pledge = _pledge(brazil, finance, amount="100", instalments=[(date(2026, 4, 1), "100")])
    _pay(brazil, finance, "99.99", pledge=pledge)
    [only] = _standing(brazil, pledge, date(2026, 3, 15)).instalments
    assert (only.state, only.left.minor_units) == (PARTLY_PAID, 1)


def test_every_receipt_against_the_pledge_and_against_an_instalment_counts(donor, finance):
    brazil = donor()
    pledge = _pledge(brazil, finance, amount="300",
                     instalments=[(date(2026, 3, 1), "100"), (date(2026, 4, 1), "100"),
                                  (date(2026, 5, 1), "100")])  # fmt: skip
    for _ in range(2):
        _pay(brazil, finance, "50", pledge=pledge)  # against the pledge: the oldest first
        _pay(brazil, finance, "50", pledge=pledge, instalment=pledge.instalments[2])
    first, second, third = _standing(brazil, pledge, date(2026, 3, 15)).instalments
    assert [first.state, second.state, third.state] == [PAID, DUE, PAID]


def test_a_reversed_pledge_listed_first_does_not_hide_the_next(donor, finance):
    brazil = donor()
    gone = _pledge(brazil, finance, pledged_on=date(2026, 1, 1))
    kept = _pledge(brazil, finance, pledged_on=date(2026, 2, 1))
    ledger.reverse(gone, reason="Withdrawn", by=finance, now=NOW)
    db.session.commit()
    found = donor_ledger(brazil)
    assert set(pledge_standings(found.pledges, found.receipts, date(2026, 3, 15))) == {kept.id}


def test_a_reversal_is_audited_under_the_account_that_posted_it(donor, finance):
    paid = _pay(donor(), finance, "10")
    reversal = ledger.reverse(paid, reason="Bounced", by=finance, now=NOW)
    db.session.commit()
    entry = db.session.scalar(
        sa.select(AuditEntry).where(
            AuditEntry.entity_type == "Receipt", AuditEntry.entity_id == reversal.id
        )
    )
    assert (entry.actor_id, entry.actor_label) == (finance.id, finance.email)


def test_a_currency_read_alone_is_refused_on_its_own_field_named_and_cut_short(app):
    with pytest.raises(RuleError) as refused:
        amounts.parse_currency("NOTACURRENCYATALL")
    assert refused.value.field == "currency"
    assert refused.value.message.startswith("NOTACURREN is not")
    with pytest.raises(RuleError, match=r"^\? is not"):
        amounts.parse_currency(None)


def test_a_pledge_and_its_instalments_are_audited_under_the_account_that_posted_them(
    donor, finance
):
    made = _pledge(donor(), finance, amount="100", instalments=[(date(2026, 6, 1), "100")])
    audited = db.session.execute(
        sa.select(AuditEntry.entity_type, AuditEntry.actor_id, AuditEntry.actor_label).where(
            AuditEntry.entity_type.in_(("Pledge", "Instalment"))
        )
    ).all()
    assert sorted(audited) == [
        ("Instalment", finance.id, finance.email),
        ("Pledge", finance.id, finance.email),
    ]
    assert made.instalments[0].amount_minor == 10000


def test_instalments_due_the_same_day_keep_the_order_they_were_typed_in(donor, finance):
    day = date(2026, 6, 1)
    made = _pledge(donor(), finance, amount="100", instalments=[(day, "70"), (day, "30")])
    assert [i.amount_minor for i in made.instalments] == [7000, 3000]
