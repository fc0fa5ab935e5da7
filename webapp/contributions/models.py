"""Voluntary contributions: donors, pledges and their instalments, receipts, in-kind gifts,
exchange rates, activity budgets and acknowledgement letters.

Amounts are whole minor units of their currency (`*_minor`), read as `Money`. Pledges,
instalments, receipts and in-kind contributions are ledger entries: once posted they are
never updated or deleted. A correction is a reversal: a row of the same kind carrying the
negated amount, linked to the original by `reverses_id`, with a reason; sums over the
table then net out by themselves.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.core.audit import AppendOnlyError, Audited
from webapp.core.money import USD, Money
from webapp.core.reference import MemberState, Organization, PermanentObserver
from webapp.core.timezones import UTCDateTime, utcnow
from webapp.extensions import db

MEMBER_STATE, PERMANENT_OBSERVER, ORGANIZATION, OTHER = (
    "member_state",
    "permanent_observer",
    "organization",
    "other",
)
DONOR_KINDS = (MEMBER_STATE, PERMANENT_OBSERVER, ORGANIZATION, OTHER)
DONOR_KIND_LABELS = {
    MEMBER_STATE: _l("Member state"),
    PERMANENT_OBSERVER: _l("Permanent observer"),
    ORGANIZATION: _l("International organization"),
    OTHER: _l("Other donor"),
}

# A meeting series is an earmark by its foreign key (`meeting_series_id`, with the series'
# id as `earmark_label`, so that grouping by kind and label keeps two series apart);
# training programs will join the same way when they exist; `earmark_label` names a
# program or activity until then.
UNEARMARKED, PROGRAM, ACTIVITY = "unearmarked", "program", "activity"
MEETING_SERIES = "meeting_series"
EARMARK_KINDS = (UNEARMARKED, PROGRAM, MEETING_SERIES, ACTIVITY)
EARMARK_LABELS = {
    UNEARMARKED: _l("Unearmarked"),
    PROGRAM: _l("Program"),
    MEETING_SERIES: _l("Meeting series"),
    ACTIVITY: _l("Named activity"),
}

# Rates are USD per one unit of the currency; 12 decimals is more than any publisher uses.
RATE_DIGITS = 12


class RateText(sa.types.TypeDecorator):
    """An exchange rate kept exactly, as text (SQLite has no exact decimal type)."""

    impl = sa.String(40)
    cache_ok = True

    def process_bind_param(self, value: object, dialect: object) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: str | None, dialect: object) -> object:
        from decimal import Decimal

        return None if value is None else Decimal(value)


class Donor(Audited, db.Model):
    __tablename__ = "donors"
    __audit_fields__ = (
        "kind",
        "name",
        "member_state_id",
        "permanent_observer_id",
        "organization_id",
        "language",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    # For kind "other"; for the others the reference row names the donor in every language.
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    member_state_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("member_states.id"), unique=True
    )
    permanent_observer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("permanent_observers.id"), unique=True
    )
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id"), unique=True
    )
    language: Mapped[str] = mapped_column(sa.String(8), default="en")  # of its letters
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    member_state: Mapped[MemberState | None] = relationship(lazy="joined")
    permanent_observer: Mapped[PermanentObserver | None] = relationship(lazy="joined")
    organization: Mapped[Organization | None] = relationship(lazy="joined")
    contacts: Mapped[list[DonorContact]] = relationship(
        back_populates="donor", order_by="DonorContact.id", cascade="all, delete-orphan"
    )

    @property
    def reference(self) -> MemberState | PermanentObserver | Organization | None:
        return self.member_state or self.permanent_observer or self.organization

    def name_in(self, language: str) -> str:
        ref = self.reference
        return ref.name_in(language) if ref is not None else self.name

    @property
    def display_name(self) -> str:
        ref = self.reference
        return ref.name if ref is not None else self.name

    def __repr__(self) -> str:
        return f"<Donor {self.id} {self.kind}>"


class DonorContact(Audited, db.Model):
    __tablename__ = "donor_contacts"
    __audit_fields__ = ("name", "email", "language")

    id: Mapped[int] = mapped_column(primary_key=True)
    donor_id: Mapped[int] = mapped_column(sa.ForeignKey("donors.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(320))
    language: Mapped[str] = mapped_column(sa.String(8), default="en")

    donor: Mapped[Donor] = relationship(back_populates="contacts")


class Posted:
    """A ledger entry: an amount in a currency, its US-dollar value and rate, and the
    reversal bookkeeping. Rows are never updated or deleted (see `_refuse_rewrite`)."""

    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    usd_minor: Mapped[int] = mapped_column(sa.BigInteger)
    usd_rate: Mapped[object] = mapped_column(RateText())
    rate_source: Mapped[str] = mapped_column(sa.String(200))
    reason: Mapped[str] = mapped_column(sa.Text, default="")  # of a reversal
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    posted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    @property
    def money(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)

    @property
    def usd(self) -> Money:
        return Money.from_minor(self.usd_minor, USD)

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None  # type: ignore[attr-defined]


class Earmarked:
    earmark_kind: Mapped[str] = mapped_column(sa.String(20), default=UNEARMARKED)
    earmark_label: Mapped[str] = mapped_column(sa.String(200), default="")
    meeting_series_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meeting_series.id"), index=True
    )

    @property
    def earmark_key(self) -> tuple[str, str]:
        return self.earmark_kind, self.earmark_label


class Pledge(Posted, Earmarked, Audited, db.Model):
    __tablename__ = "pledges"
    __audit_fields__ = (
        "donor_id",
        "amount_minor",
        "currency",
        "pledged_on",
        "instrument",
        "earmark_kind",
        "earmark_label",
        "meeting_series_id",
        "reverses_id",
        "reason",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    donor_id: Mapped[int] = mapped_column(sa.ForeignKey("donors.id"), index=True)
    pledged_on: Mapped[date] = mapped_column(index=True)
    instrument: Mapped[str] = mapped_column(sa.String(200), default="")
    reverses_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pledges.id"), unique=True)

    donor: Mapped[Donor] = relationship()
    instalments: Mapped[list[Instalment]] = relationship(
        back_populates="pledge", order_by="(Instalment.due_on, Instalment.id)"
    )
    reverses: Mapped[Pledge | None] = relationship(remote_side=[id], foreign_keys=[reverses_id])

    def __repr__(self) -> str:
        return f"<Pledge {self.id} {self.money}>"


class Instalment(Audited, db.Model):
    """One due date of a pledge's schedule; posted with the pledge, never changed. A
    reversed pledge takes its instalments with it."""

    __tablename__ = "instalments"
    __audit_fields__ = ("pledge_id", "due_on", "amount_minor")

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(sa.ForeignKey("pledges.id"), index=True)
    due_on: Mapped[date] = mapped_column(index=True)
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)

    pledge: Mapped[Pledge] = relationship(back_populates="instalments")

    @property
    def money(self) -> Money:
        return Money.from_minor(self.amount_minor, self.pledge.currency)


class Receipt(Posted, Earmarked, Audited, db.Model):
    __tablename__ = "receipts"
    __audit_fields__ = (
        "donor_id",
        "amount_minor",
        "currency",
        "received_on",
        "bank_reference",
        "pledge_id",
        "instalment_id",
        "usd_minor",
        "usd_rate",
        "rate_source",
        "reverses_id",
        "reason",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    donor_id: Mapped[int] = mapped_column(sa.ForeignKey("donors.id"), index=True)
    received_on: Mapped[date] = mapped_column(index=True)  # the value date
    bank_reference: Mapped[str] = mapped_column(sa.String(120), default="")
    pledge_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pledges.id"), index=True)
    instalment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("instalments.id"))
    reverses_id: Mapped[int | None] = mapped_column(sa.ForeignKey("receipts.id"), unique=True)

    donor: Mapped[Donor] = relationship()
    pledge: Mapped[Pledge | None] = relationship()
    instalment: Mapped[Instalment | None] = relationship()
    reverses: Mapped[Receipt | None] = relationship(remote_side=[id], foreign_keys=[reverses_id])
    letter: Mapped[AcknowledgementLetter | None] = relationship(back_populates="receipt")

    def __repr__(self) -> str:
        return f"<Receipt {self.id} {self.money}>"


class InKindContribution(Posted, Earmarked, Audited, db.Model):
    """Goods or services given; `basis` says how the valuation was reached."""

    __tablename__ = "in_kind_contributions"
    __audit_fields__ = (
        "donor_id",
        "description",
        "amount_minor",
        "currency",
        "received_on",
        "basis",
        "reverses_id",
        "reason",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    donor_id: Mapped[int] = mapped_column(sa.ForeignKey("donors.id"), index=True)
    description: Mapped[str] = mapped_column(sa.Text)
    received_on: Mapped[date] = mapped_column()
    basis: Mapped[str] = mapped_column(sa.String(300))
    reverses_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("in_kind_contributions.id"), unique=True
    )

    donor: Mapped[Donor] = relationship()
    letter: Mapped[AcknowledgementLetter | None] = relationship(back_populates="in_kind")


class ExchangeRate(Audited, db.Model):
    """US dollars per one unit of `currency` on `on`, with where the figure came from."""

    __tablename__ = "exchange_rates"
    __table_args__ = (sa.UniqueConstraint("currency", "on", name="currency_day"),)
    __audit_fields__ = ("currency", "on", "rate", "source")

    id: Mapped[int] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(sa.String(3))
    on: Mapped[date] = mapped_column()
    rate: Mapped[object] = mapped_column(RateText())
    source: Mapped[str] = mapped_column(sa.String(200))


class ActivityBudget(Audited, db.Model):
    """What an earmarked program or activity needs, in US dollars, set by organizers."""

    __tablename__ = "activity_budgets"
    __table_args__ = (sa.UniqueConstraint("earmark_kind", "earmark_label", name="earmark"),)
    __audit_fields__ = ("earmark_kind", "earmark_label", "meeting_series_id", "usd_minor")

    id: Mapped[int] = mapped_column(primary_key=True)
    earmark_kind: Mapped[str] = mapped_column(sa.String(20))
    earmark_label: Mapped[str] = mapped_column(sa.String(200))
    meeting_series_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meeting_series.id"), index=True
    )
    usd_minor: Mapped[int] = mapped_column(sa.BigInteger)

    @property
    def usd(self) -> Money:
        return Money.from_minor(self.usd_minor, USD)


class LetterSequence(db.Model):
    """The last acknowledgement number used in a year: numbers are taken in the
    receipt's transaction, so a rolled-back receipt leaves no gap."""

    __tablename__ = "letter_sequences"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)


class AcknowledgementLetter(db.Model):
    """The letter acknowledging one receipt or one in-kind contribution; both kinds share
    the year's gap-free sequence."""

    __tablename__ = "acknowledgement_letters"
    __table_args__ = (
        sa.UniqueConstraint("year", "number", name="year_number"),
        sa.CheckConstraint(
            "(receipt_id IS NULL) <> (in_kind_id IS NULL)", name="one_acknowledged_entry"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int | None] = mapped_column(sa.ForeignKey("receipts.id"), unique=True)
    in_kind_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("in_kind_contributions.id"), unique=True
    )
    year: Mapped[int] = mapped_column()
    number: Mapped[int] = mapped_column()
    language: Mapped[str] = mapped_column(sa.String(8))
    html: Mapped[str] = mapped_column(sa.Text)
    pdf: Mapped[bytes] = mapped_column(sa.LargeBinary)
    sent_to: Mapped[str] = mapped_column(sa.String(320), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    receipt: Mapped[Receipt | None] = relationship(back_populates="letter")
    in_kind: Mapped[InKindContribution | None] = relationship(back_populates="letter")

    @property
    def reference(self) -> str:
        return f"{self.year}/{self.number:04d}"


LEDGER_MODELS = (Pledge, Instalment, Receipt, InKindContribution, AcknowledgementLetter)


def _refuse_rewrite(mapper: object, connection: object, target: object) -> None:
    raise AppendOnlyError(f"{type(target).__name__} rows are posted: reverse, never rewrite")


for _model in LEDGER_MODELS:
    event.listen(_model, "before_update", _refuse_rewrite)
    event.listen(_model, "before_delete", _refuse_rewrite)
