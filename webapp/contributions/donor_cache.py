"""A donor's page (name, links, pledges with their standing and instalments, receipts,
in-kind gifts, contact persons), rendered once per donor, pages, day, language and roles
of the reader, and kept until anything it reads changes, in any process (see
`webapp.core.freshness`): a receipt recorded, a letter written by a worker, a reversal, a
contact person added, a series renamed. A large donor's page took tens of milliseconds to
render; kept, it is served without reading the donor at all. Only the contact form, which
carries the reader's CSRF token, is rendered on every request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import render_template
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup

from webapp.contributions import donors
from webapp.contributions.queries import CONTRIBUTIONS, donor_ledger
from webapp.contributions.standing import payments_of, pledge_standings
from webapp.core import freshness
from webapp.core.access import can

# The letters' references show next to the receipts; a worker writes them. The contact
# persons are listed on the page.
freshness.watch(CONTRIBUTIONS, "acknowledgement_letters", "donor_contacts")


@dataclass(frozen=True)
class DonorPage:
    donor_id: int
    title: str
    html: Markup


def donor_page(
    donor_id: int, *, receipts_page: int, pledges_page: int, today: date
) -> DonorPage | None:
    """The donor's page but its contact form, or None if there is no such donor. What a
    reader may do (reverse, record, set budgets) follows from their roles, in the key."""
    roles = tuple(sorted(current_user.role_names))
    key = ("donor", donor_id, receipts_page, pledges_page, today, str(get_locale()), roles)

    def render() -> tuple[str, str] | None:
        donor = donors.get_donor(donor_id)
        if donor is None:
            return None
        ledger = donor_ledger(donor, receipts_page=receipts_page, pledges_page=pledges_page)
        shown = ledger.pledges
        html = render_template(
            "contributions/_donor_page.html",
            donor=donor,
            ledger=ledger,
            standings=pledge_standings(
                shown, payments_of(shown), today, reversed_pledges=ledger.reversed_pledges
            ),
            may_reverse=can("contributions.reverse"),
        )
        return donor.display_name, html

    found = freshness.cached(CONTRIBUTIONS, key, render)
    if found is None:
        return None
    title, html = found
    return DonorPage(donor_id, title, Markup(html))


# The blank contact form's fields by language: they hold no data and no token (the form's
# CSRF field is rendered apart), so they change only with the code, and rendering the
# three fields through WTForms was a fifth of the page's time.
_blank_contact_fields: dict[str, str] = {}


def contact_fields(form: FlaskForm) -> Markup:
    """The contact form's fields (without its CSRF token): as submitted, with any errors,
    or blank."""
    if form.is_submitted():
        return Markup(render_template("contributions/_contact_fields.html", form=form))
    language = str(get_locale())
    if language not in _blank_contact_fields:
        html = render_template("contributions/_contact_fields.html", form=form)
        _blank_contact_fields[language] = html
    return Markup(_blank_contact_fields[language])
