"""A donor's ledger on their page (pledges with their standing and instalments, receipts,
in-kind gifts), rendered once per donor, pages, day, language and whether the reader may
reverse entries, and kept until anything it reads changes, in any process (see
`webapp.core.freshness`): a receipt recorded, a letter written by a worker, a reversal, a
series renamed. A large donor's page took tens of milliseconds to render."""

from __future__ import annotations

from datetime import date

from flask import render_template
from flask_babel import get_locale
from markupsafe import Markup

from webapp.contributions.models import Donor
from webapp.contributions.queries import CONTRIBUTIONS, donor_ledger
from webapp.contributions.standing import payments_of, pledge_standings
from webapp.core import freshness

# The letters' references show next to the receipts; a worker writes them.
freshness.watch(CONTRIBUTIONS, "acknowledgement_letters")


def ledger_section(
    donor: Donor, *, receipts_page: int, pledges_page: int, today: date, may_reverse: bool
) -> Markup:
    key = ("donor", donor.id, receipts_page, pledges_page, today, str(get_locale()), may_reverse)

    def render() -> str:
        ledger = donor_ledger(donor, receipts_page=receipts_page, pledges_page=pledges_page)
        shown = ledger.pledges
        return render_template(
            "contributions/_donor_ledger.html",
            donor=donor,
            ledger=ledger,
            standings=pledge_standings(
                shown, payments_of(shown), today, reversed_pledges=ledger.reversed_pledges
            ),
            may_reverse=may_reverse,
        )

    return Markup(freshness.cached(CONTRIBUTIONS, key, render))
