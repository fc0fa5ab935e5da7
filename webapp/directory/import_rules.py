"""What each row of a directory import must say: the file's words (state codes, agency
and area names, "primary", "secretariat", dates as text) read against the reference
data, and the entry's own fields checked by the one contact validator."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from webapp.core.deferred import Message, deferred_gettext
from webapp.core.reference import MemberState
from webapp.directory.entries import ContactData, validate_contact
from webapp.directory.fields import split_list
from webapp.directory.models import (
    AGENCY_KINDS,
    ALL_MEMBER_STATES,
    ALTERNATE,
    PRIMARY,
    SECRETARIAT_ONLY,
    Agency,
    Area,
)
from webapp.extensions import db

DESIGNATION_WORDS = {"primary": PRIMARY, "alternate": ALTERNATE, "": PRIMARY}
VISIBILITY_WORDS = {
    "": ALL_MEMBER_STATES,
    "member_states": ALL_MEMBER_STATES,
    "all": ALL_MEMBER_STATES,
    "all member states": ALL_MEMBER_STATES,
    "secretariat": SECRETARIAT_ONLY,
    "secretariat only": SECRETARIAT_ONLY,
    "secretariat_only": SECRETARIAT_ONLY,
}
# The contact validator's field names, as the file's columns.
FIELD_COLUMNS = {"source_reference": "note_verbale_reference", "source_date": "note_verbale_date"}


@dataclass
class ValidRow:
    row: int
    state_id: int
    state_code: str
    agency_key: tuple[int, str]
    agency_name: str
    agency_kind: str | None
    name: str
    title: str
    email: str
    phones: str
    languages: str
    area_ids: list[int]
    designation: str
    source_reference: str
    source_date: date | None
    visibility: str


@dataclass
class Reference:
    """What the rows are checked against, as plain values (safe across commits)."""

    states: dict[str, tuple[int, str]]  # code -> (id, code)
    agencies: dict[tuple[int, str], str]  # (state id, lower name) -> kind
    areas: dict[str, int]  # lower code or name -> id
    new_agencies: dict[tuple[int, str], tuple[str, int]] = field(default_factory=dict)
    emails: dict[tuple[int, str], int] = field(default_factory=dict)


def load_reference() -> Reference:
    states = {
        code.upper(): (state_id, code.upper())
        for state_id, code in db.session.execute(sa.select(MemberState.id, MemberState.code))
    }
    agencies = {
        (state_id, name.lower()): kind
        for state_id, name, kind in db.session.execute(
            sa.select(Agency.member_state_id, Agency.name, Agency.kind)
        )
    }
    areas: dict[str, int] = {}
    for area in db.session.scalars(sa.select(Area).where(Area.is_active)):
        for label in (area.code, area.name_en, area.name_es, area.name_fr, area.name_pt):
            areas.setdefault(label.strip().lower(), area.id)
    return Reference(states, agencies, areas)


def _agency_errors(
    row: dict[str, str], ref: Reference, state: tuple[int, str] | None, number: int
) -> tuple[tuple[int, str], str, str | None, list[tuple[str, Message]]]:
    """The row's agency: known, planned by an earlier row, or new (then it needs a kind)."""
    errors: list[tuple[str, Message]] = []
    agency_name = " ".join(row["agency"].split())
    kind_raw = row["agency_kind"].strip().lower()
    kind = kind_raw or None
    if kind is not None and kind not in AGENCY_KINDS:
        errors.append(
            (
                "agency_kind",
                deferred_gettext(
                    "“%(kind)s” is not a kind of agency. Use one of: %(kinds)s.",
                    kind=row["agency_kind"],
                    kinds=", ".join(AGENCY_KINDS),
                ),
            )
        )
        kind = None
    agency_key = (state[0] if state else 0, agency_name.lower())
    if not agency_name:
        errors.append(("agency", deferred_gettext("Enter the agency's name.")))
    elif len(agency_name) > 300:
        errors.append(
            ("agency", deferred_gettext("The agency's name is longer than 300 characters."))
        )
    elif state is not None:
        known = ref.agencies.get(agency_key)
        planned = ref.new_agencies.get(agency_key)
        if known is not None:
            if kind and kind != known:
                errors.append(
                    (
                        "agency_kind",
                        deferred_gettext(
                            "%(agency)s is recorded as “%(known)s”, not “%(kind)s”.",
                            agency=agency_name,
                            known=known,
                            kind=kind,
                        ),
                    )
                )
        elif planned is not None:
            if kind and kind != planned[0]:
                errors.append(
                    (
                        "agency_kind",
                        deferred_gettext(
                            "Row %(row)s gives %(agency)s the kind “%(known)s”.",
                            row=planned[1],
                            agency=agency_name,
                            known=planned[0],
                        ),
                    )
                )
        elif not kind_raw:
            errors.append(
                (
                    "agency_kind",
                    deferred_gettext(
                        "%(agency)s is a new agency: give its kind (%(kinds)s).",
                        agency=agency_name,
                        kinds=", ".join(AGENCY_KINDS),
                    ),
                )
            )
        elif kind:
            ref.new_agencies[agency_key] = (kind, number)
    return agency_key, agency_name, kind, errors


def validate_row(
    row: dict[str, str], ref: Reference, today: date
) -> tuple[ValidRow | None, list[dict]]:
    """A row's values, or every problem of the row. The file's words (state codes, agency
    and area names, "primary", "secretariat", dates as text) are read here; the entry's
    own fields are checked by the one contact validator, `entries.validate_contact`."""
    number = int(row["_row"])
    errors: list[dict[str, Any]] = []

    def error(column: str, message: Message | str) -> None:
        # Kept as data, shown in each reader's language (see `imports.row_problems`).
        said = message if isinstance(message, Message) else deferred_gettext(message)
        errors.append({"row": number, "column": column, "said": said.to_data()})

    code = row["state_code"].upper()
    state = ref.states.get(code)
    if not code:
        error("state_code", deferred_gettext("Enter the member state's two-letter ISO code."))
    elif state is None:
        error(
            "state_code",
            deferred_gettext("“%(code)s” is not a member state's code.", code=row["state_code"]),
        )

    agency_key, agency_name, kind, agency_errors = _agency_errors(row, ref, state, number)
    for column, message in agency_errors:
        error(column, message)

    area_ids: list[int] = []
    for label in split_list(row["areas"]):
        area_id = ref.areas.get(label.lower())
        if area_id is None:
            error(
                "areas",
                deferred_gettext("“%(area)s” is not an area of the directory.", area=label),
            )
        elif area_id not in area_ids:
            area_ids.append(area_id)

    designation = DESIGNATION_WORDS.get(row["designation"].strip().lower())
    if designation is None:
        error("designation", deferred_gettext("Write “primary” or “alternate”."))
    source_date = None
    if row["note_verbale_date"].strip():
        try:
            source_date = date.fromisoformat(row["note_verbale_date"].strip())
        except ValueError:
            error(
                "note_verbale_date",
                deferred_gettext(
                    "“%(value)s” is not a date. Write it as YYYY-MM-DD.",
                    value=row["note_verbale_date"],
                ),
            )
    visibility = VISIBILITY_WORDS.get(" ".join(row["visibility"].lower().split()))
    if visibility is None:
        error("visibility", deferred_gettext("Write “member_states” or “secretariat”."))

    values, invalid = validate_contact(
        ContactData(
            name=" ".join(row["name"].split()),
            title=" ".join(row["title"].split()),
            agency_id=None,
            email=row["email"],
            phones=row["phones"],
            languages=split_list(row["languages"]),
            designation=designation or PRIMARY,
            source_reference=row["note_verbale_reference"],
            source_date=source_date,
            visibility=visibility or ALL_MEMBER_STATES,
        ),
        state[1] if state else None,
        today,
    )
    for problem in invalid:
        field_name = problem.field or "name"
        error(FIELD_COLUMNS.get(field_name, field_name), problem.deferred or problem.message)

    email = values.get("email", "")
    if email and state is not None:
        first = ref.emails.get((state[0], email.lower()))
        if first is not None:
            error(
                "email",
                deferred_gettext(
                    "%(email)s appears already in row %(row)s.", email=email, row=first
                ),
            )
        else:
            ref.emails[(state[0], email.lower())] = number

    if errors or state is None or designation is None or visibility is None:
        return None, errors
    return (
        ValidRow(
            row=number,
            state_id=state[0],
            state_code=state[1],
            agency_key=agency_key,
            agency_name=agency_name,
            agency_kind=kind,
            name=values["name"],
            title=values["title"],
            email=email,
            phones=values["phones"],
            languages=values["languages"],
            area_ids=area_ids,
            designation=designation,
            source_reference=values["source_reference"],
            source_date=source_date,
            visibility=visibility,
        ),
        [],
    )
