"""The weekly digest of overdue instalments, mailed to every active finance officer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import ngettext

from webapp.accounts.models import User
from webapp.contributions.models import Donor, Pledge
from webapp.contributions.reports import unpaid_instalments
from webapp.core import mailer
from webapp.core.access import FINANCE
from webapp.core.money import Money
from webapp.extensions import db

OVERDUE_DIGEST = "contribution-overdue-digest"


@dataclass(frozen=True)
class Overdue:
    donor: Donor
    pledge: Pledge
    due_on: date
    unpaid: Money
    days_late: int


def overdue_instalments(today: date) -> list[Overdue]:
    """Instalments past due and not fully paid, on pledges still standing."""
    unpaid = [u for u in unpaid_instalments() if u.due_on < today]
    pledge_ids = {u.pledge_id for u in unpaid}
    pledges = {
        p.id: p for p in db.session.scalars(sa.select(Pledge).where(Pledge.id.in_(pledge_ids)))
    }
    donors = {d.id: d for d in db.session.scalars(sa.select(Donor)).unique()}
    found = [
        Overdue(
            donors[u.donor_id], pledges[u.pledge_id], u.due_on, u.left, (today - u.due_on).days
        )
        for u in unpaid
    ]
    return sorted(found, key=lambda o: (o.due_on, o.donor.display_name))


def send_overdue_digest(today: date) -> int:
    """One message per finance officer for the ISO week of `today`, when anything is
    overdue; running twice in a week sends nothing more. Returns messages written.
    The caller commits."""
    overdue = overdue_instalments(today)
    if not overdue:
        return 0
    year, week, _day = today.isocalendar()
    staff = [
        u
        for u in db.session.scalars(sa.select(User).where(User.roles.contains(FINANCE)))
        if u.is_active and FINANCE in u.role_names
    ]
    written = 0
    for person in staff:
        written += (
            mailer.compose(
                OVERDUE_DIGEST,
                mailer.Recipient(person.email, person.name, person.language, person.timezone),
                subject=lambda: ngettext(
                    "%(num)d overdue instalment", "%(num)d overdue instalments", len(overdue)
                ),
                template="contributions/mail/overdue_digest",
                key=f"contributions-overdue-digest:{person.id}:{year}-W{week:02d}",
                context={"overdue": overdue, "today": today},
            )
            is not None
        )
    return written
