"""Donors and their contact persons: who gives, and who receives their letters."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from webapp.accounts.models import User
from webapp.contributions.models import (
    DONOR_KINDS,
    MEMBER_STATE,
    ORGANIZATION,
    OTHER,
    PERMANENT_OBSERVER,
    Donor,
    DonorContact,
)
from webapp.core.addresses import email_address
from webapp.core.audit import acting_as
from webapp.core.errors import RuleError
from webapp.core.reference import MemberState, Organization, PermanentObserver, sort_key
from webapp.extensions import db

_REFERENCE = {
    MEMBER_STATE: (MemberState, "member_state_id"),
    PERMANENT_OBSERVER: (PermanentObserver, "permanent_observer_id"),
    ORGANIZATION: (Organization, "organization_id"),
}


def _language(code: str | None, field: str) -> str:
    if code not in current_app.config["LANGUAGES"]:
        raise RuleError(_("Choose one of the official languages."), field)
    return code


def create_donor(
    *,
    kind: str,
    by: User,
    reference_id: int | None = None,
    name: str = "",
    language: str = "en",
) -> Donor:
    """A donor from the reference data (member state, permanent observer, organization)
    or, for kind "other", by name. One donor per reference row. The caller commits."""
    if kind not in DONOR_KINDS:
        raise RuleError(_("Choose the kind of donor."), "kind")
    language = _language(language, "language")
    donor = Donor(kind=kind, language=language)
    if kind == OTHER:
        name = (name or "").strip()
        if not name:
            raise RuleError(_("Enter the donor's name."), "name")
        if len(name) > 200:
            raise RuleError(_("Use at most 200 characters."), "name")
        donor.name = name
    else:
        model, column = _REFERENCE[kind]
        row = db.session.get(model, reference_id) if reference_id else None
        if row is None:
            raise RuleError(_("Choose the donor from the list."), "reference")
        if db.session.scalar(sa.select(Donor.id).where(getattr(Donor, column) == row.id)):
            raise RuleError(_("This donor is recorded already."), "reference")
        setattr(donor, column, row.id)
        donor.name = row.name_en
    with acting_as(by.id, by.email):
        db.session.add(donor)
        db.session.flush()
    return donor


def add_contact(donor: Donor, *, name: str, email: str, language: str, by: User) -> DonorContact:
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise RuleError(_("Enter the contact's name (at most 200 characters)."), "name")
    address = email_address(email, "email")
    contact = DonorContact(name=name, email=address, language=_language(language, "language"))
    with acting_as(by.id, by.email):
        donor.contacts.append(contact)
        db.session.flush()
    return contact


def all_donors() -> list[Donor]:
    donors = db.session.scalars(sa.select(Donor)).unique().all()
    return sorted(donors, key=lambda d: sort_key(d.display_name))


def get_donor(donor_id: int) -> Donor | None:
    return db.session.get(Donor, donor_id)


def reference_choices(kind: str) -> list[tuple[int, str]]:
    """The reference rows of a kind not yet recorded as donors, by name."""
    if kind not in _REFERENCE:
        return []
    model, column = _REFERENCE[kind]
    taken = sa.select(getattr(Donor, column)).where(getattr(Donor, column).is_not(None))
    rows = db.session.scalars(sa.select(model).where(model.id.not_in(taken))).all()
    return sorted(((r.id, r.name) for r in rows), key=lambda pair: sort_key(pair[1]))
