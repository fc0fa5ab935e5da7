"""A point of contact's entry: the one validator of its fields, and creating, editing and
withdrawing it. The entry form and the CSV import both validate through
`validate_contact`, which returns every field error at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp.accounts.models import User
from webapp.core import grammar
from webapp.core.deferred import deferred_gettext
from webapp.core.reference import MemberState
from webapp.core.timezones import utcnow
from webapp.directory.errors import InvalidEntry
from webapp.directory.fields import normalise_email, normalise_languages, normalise_phones
from webapp.directory.models import (
    ACTIVE,
    ALL_MEMBER_STATES,
    DESIGNATIONS,
    PRIMARY,
    VISIBILITIES,
    WITHDRAWN,
    Agency,
    Area,
    PointOfContact,
)
from webapp.directory.permissions import require_edit_state
from webapp.extensions import db


@dataclass
class ContactData:
    """An entry's fields as typed, before validation."""

    name: str
    agency_id: int | None
    email: str
    title: str = ""
    phones: str = ""
    languages: Sequence[str] = ()
    area_ids: Sequence[int] = ()
    designation: str = PRIMARY
    source_reference: str = ""
    source_date: date | None = None
    visibility: str = ALL_MEMBER_STATES


@dataclass
class CleanContact:
    """Validated values, ready to be written on a PointOfContact."""

    name: str
    title: str
    agency: Agency
    email: str
    phones: str
    languages: str
    areas: list[Area]
    designation: str
    source_reference: str
    source_date: date | None
    visibility: str


def is_id(value: object) -> bool:
    """A plausible primary key (the database refuses integers beyond its range)."""
    return isinstance(value, int) and 0 < value <= 2**31 - 1


def validate_contact(
    data: ContactData, region: str | None, today: date
) -> tuple[dict[str, Any], list[InvalidEntry]]:
    """Check an entry's own fields (not its agency and areas, which the form and the
    import find each in their own way). Returns the values as stored and every error,
    each naming its field. Phones are checked only when the state's `region` is known."""
    errors: list[InvalidEntry] = []
    values: dict[str, Any] = {}

    def check(name: str, rule: Any, *args: Any) -> None:
        try:
            values[name] = rule(*args)
        except InvalidEntry as error:
            errors.append(error)

    name = (data.name or "").strip()
    if not name:
        errors.append(InvalidEntry(deferred_gettext("Enter the person's name."), "name"))
    elif len(name) > 200:
        errors.append(
            InvalidEntry(deferred_gettext("The name is longer than 200 characters."), "name")
        )
    values["name"] = name
    title = (data.title or "").strip()
    if len(title) > 200:
        errors.append(
            InvalidEntry(deferred_gettext("The title is longer than 200 characters."), "title")
        )
    values["title"] = title
    if data.designation not in DESIGNATIONS:
        errors.append(
            InvalidEntry(deferred_gettext("Choose primary or alternate."), "designation")
        )
    values["designation"] = data.designation
    if data.visibility not in VISIBILITIES:
        errors.append(
            InvalidEntry(deferred_gettext("Choose who may see this entry."), "visibility")
        )
    values["visibility"] = data.visibility
    reference = (data.source_reference or "").strip()
    if len(reference) > 200:
        errors.append(
            InvalidEntry(
                deferred_gettext("The reference is longer than 200 characters."),
                "source_reference",
            )
        )
    values["source_reference"] = reference
    if data.source_date and data.source_date > today:
        errors.append(
            InvalidEntry(
                deferred_gettext("The note verbale's date cannot be in the future."), "source_date"
            )
        )
    values["source_date"] = data.source_date
    check("email", normalise_email, data.email)
    if region is not None:
        check("phones", normalise_phones, data.phones, region)
        if len(values.get("phones", "")) > 400:
            errors.append(InvalidEntry(deferred_gettext("Too many phone numbers."), "phones"))
    check("languages", normalise_languages, data.languages)
    return values, errors


def _agency_and_areas(
    state: MemberState, data: ContactData
) -> tuple[Agency | None, list[Area], list[InvalidEntry]]:
    """The entry form's agency (of this state) and areas (from the list), by id."""
    errors: list[InvalidEntry] = []
    agency = db.session.get(Agency, data.agency_id) if is_id(data.agency_id) else None
    if agency is None or agency.member_state_id != state.id:
        agency = None
        errors.append(
            InvalidEntry(
                _("Choose an agency %(of_state)s.", of_state=grammar.state_name(state, "of")),
                "agency_id",
            )
        )
    area_ids = sorted(set(data.area_ids))
    areas: list[Area] = []
    if not all(is_id(i) for i in area_ids):
        errors.append(InvalidEntry(_("Choose areas from the list."), "areas"))
    else:
        if area_ids:
            areas = list(db.session.scalars(sa.select(Area).where(Area.id.in_(area_ids))))
        if len(areas) != len(area_ids):
            errors.append(InvalidEntry(_("Choose areas from the list."), "areas"))
    return agency, areas, errors


def clean_contact(state: MemberState, data: ContactData, today: date) -> CleanContact:
    """Validate an entry for `state`; raise InvalidEntry carrying every field error."""
    agency, areas, errors = _agency_and_areas(state, data)
    values, field_errors = validate_contact(data, state.code, today)
    errors.extend(field_errors)
    if errors or agency is None:
        raise InvalidEntry.every(errors)
    return CleanContact(
        agency=agency, areas=sorted(areas, key=lambda a: (a.position, a.id)), **values
    )


def write_contact(contact: PointOfContact, clean: CleanContact, verified_on: date) -> None:
    contact.name = clean.name
    contact.title = clean.title
    contact.agency = clean.agency
    contact.agency_id = clean.agency.id
    contact.email = clean.email
    contact.phones = clean.phones
    contact.languages = clean.languages
    if sorted(a.id for a in contact.areas) != sorted(a.id for a in clean.areas):
        contact.areas = clean.areas
    contact.designation = clean.designation
    contact.source_reference = clean.source_reference
    contact.source_date = clean.source_date
    contact.visibility = clean.visibility
    contact.last_verified_on = verified_on


def create_contact(
    user: User, state: MemberState, data: ContactData, today: date
) -> PointOfContact:
    """A new active entry, verified `today` (the editor's day). The caller commits."""
    require_edit_state(user, state.id)
    clean = clean_contact(state, data, today)
    contact = PointOfContact(member_state=state, status=ACTIVE)
    write_contact(contact, clean, today)
    db.session.add(contact)
    db.session.flush()
    return contact


def update_contact(
    user: User, contact: PointOfContact, data: ContactData, today: date
) -> PointOfContact:
    """Save an edit; the entry counts as verified `today`. The caller commits."""
    require_edit_state(user, contact.member_state_id)
    if contact.status != ACTIVE:
        raise InvalidEntry(_("A withdrawn entry cannot be edited."))
    clean = clean_contact(contact.member_state, data, today)
    write_contact(contact, clean, today)
    db.session.flush()
    return contact


def withdraw_contact(user: User, contact: PointOfContact) -> None:
    require_edit_state(user, contact.member_state_id)
    if contact.status == WITHDRAWN:
        return
    contact.status = WITHDRAWN
    contact.withdrawn_at = utcnow()
    db.session.flush()
