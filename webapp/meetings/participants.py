"""Who takes part: from the directory (one by one or in bulk) or as guests, each with a
role, a language and a time zone guessed from the directory entry or the state."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from webapp.accounts.models import User
from webapp.core.access import ADMIN, FOCAL_POINT, ORGANIZER
from webapp.core.addresses import email_address
from webapp.core.errors import RuleError
from webapp.core.reference import MemberState, Organization
from webapp.core.timezones import is_valid_zone
from webapp.directory.models import PointOfContact
from webapp.extensions import db
from webapp.meetings.models import (
    ROLE_LABELS,
    MeetingSeries,
    Occurrence,
    Participant,
)
from webapp.meetings.wallclock import check_line

# The zone of each member state's capital, and its main official language among ours:
# the guess for a participant whose directory entry says nothing.
STATE_ZONES = {
    "AG": "America/Antigua", "AR": "America/Argentina/Buenos_Aires", "BS": "America/Nassau",
    "BB": "America/Barbados", "BZ": "America/Belize", "BO": "America/La_Paz",
    "BR": "America/Sao_Paulo", "CA": "America/Toronto", "CL": "America/Santiago",
    "CO": "America/Bogota", "CR": "America/Costa_Rica", "CU": "America/Havana",
    "DM": "America/Dominica", "DO": "America/Santo_Domingo", "EC": "America/Guayaquil",
    "SV": "America/El_Salvador", "GD": "America/Grenada", "GT": "America/Guatemala",
    "GY": "America/Guyana", "HT": "America/Port-au-Prince", "HN": "America/Tegucigalpa",
    "JM": "America/Jamaica", "MX": "America/Mexico_City", "NI": "America/Managua",
    "PA": "America/Panama", "PY": "America/Asuncion", "PE": "America/Lima",
    "KN": "America/St_Kitts", "LC": "America/St_Lucia", "VC": "America/St_Vincent",
    "SR": "America/Paramaribo", "TT": "America/Port_of_Spain", "US": "America/New_York",
    "UY": "America/Montevideo", "VE": "America/Caracas",
}  # fmt: skip
SPANISH = {"AR", "BO", "CL", "CO", "CR", "CU", "DO", "EC", "SV", "GT", "HN", "MX", "NI",
           "PA", "PY", "PE", "UY", "VE"}  # fmt: skip
STATE_LANGUAGES = {**dict.fromkeys(SPANISH, "es"), "BR": "pt", "HT": "fr"}

Target = MeetingSeries | Occurrence


def guess_zone(state: MemberState | None) -> str:
    if state is not None and state.code in STATE_ZONES:
        return STATE_ZONES[state.code]
    return current_app.config["DEFAULT_TIMEZONE"]


def guess_language(state: MemberState | None, spoken: list[str] | None = None) -> str:
    for code in spoken or []:
        if code in current_app.config["LANGUAGES"]:
            return code
    return STATE_LANGUAGES.get(state.code if state else "", "en")


def _belongs(target: Target) -> dict[str, object]:
    if isinstance(target, MeetingSeries):
        return {"series": target}
    return {"occurrence": target}


def _series_of(target: Target) -> MeetingSeries:
    return target if isinstance(target, MeetingSeries) else target.series


def check_may_propose(by: User, state: MemberState | None) -> None:
    """Organizers add anyone; a focal point only people of the states they speak for."""
    if by.role_names & {ADMIN, ORGANIZER}:
        return
    if FOCAL_POINT in by.role_names and state is not None and state in by.member_states:
        return
    raise RuleError(_("You may propose participants from your own states only."), "contacts")


def _existing_emails(target: Target) -> set[str]:
    owner = (
        Participant.series_id if isinstance(target, MeetingSeries) else Participant.occurrence_id
    )
    return {
        email.lower()
        for email in db.session.scalars(
            sa.select(Participant.email).where(
                owner == target.id, Participant.removed_at.is_(None)
            )
        )
    }


def add_contacts(
    target: Target, contacts: list[PointOfContact], *, role: str, by: User
) -> list[Participant]:
    """Directory entries as participants; ones already taking part are skipped."""
    if not contacts:
        raise RuleError(_("Choose at least one person."), "contacts")
    if role not in ROLE_LABELS:
        raise RuleError(_("Choose a role."), "role")
    for contact in contacts:
        check_may_propose(by, contact.member_state)
    taken = _existing_emails(target)
    added = []
    for contact in contacts:
        if contact.email.lower() in taken:
            continue
        taken.add(contact.email.lower())
        participant = Participant(
            **_belongs(target),
            contact=contact,
            email=contact.email,
            name=contact.name,
            role=role,
            member_state_id=contact.member_state_id,
            language=guess_language(contact.member_state, contact.language_list),
            timezone=guess_zone(contact.member_state),
            proposed_by_id=by.id,
        )
        db.session.add(participant)
        added.append(participant)
    db.session.flush()
    return added


@dataclass
class GuestInput:
    email: str
    name: str
    role: str
    member_state: MemberState | None = None
    organization: Organization | None = None
    language: str | None = None
    timezone: str | None = None


def _email(value: str) -> str:
    return email_address(value, "email")


def add_guest(target: Target, data: GuestInput, *, by: User) -> Participant:
    email = _email(data.email)
    name = check_line(data.name, "name", required=True, limit=200)
    if data.role not in ROLE_LABELS:
        raise RuleError(_("Choose a role."), "role")
    check_may_propose(by, data.member_state)
    if email.lower() in _existing_emails(target):
        raise RuleError(_("This person already takes part."), "email")
    if data.timezone and not is_valid_zone(data.timezone):
        raise RuleError(_("Choose a time zone from the list."), "timezone")
    participant = Participant(
        **_belongs(target),
        email=email,
        name=name,
        role=data.role,
        member_state_id=data.member_state.id if data.member_state else None,
        organization_id=data.organization.id if data.organization else None,
        language=data.language
        if data.language in current_app.config["LANGUAGES"]
        else guess_language(data.member_state),
        timezone=data.timezone or guess_zone(data.member_state),
        proposed_by_id=by.id,
    )
    db.session.add(participant)
    db.session.flush()
    return participant


def update_participant(
    participant: Participant, *, role: str, language: str, timezone: str
) -> None:
    if role not in ROLE_LABELS:
        raise RuleError(_("Choose a role."), "role")
    if language not in current_app.config["LANGUAGES"]:
        raise RuleError(_("Choose a language."), "language")
    if not is_valid_zone(timezone):
        raise RuleError(_("Choose a time zone from the list."), "timezone")
    participant.role, participant.language, participant.timezone = role, language, timezone


def active_query(occurrence: Occurrence) -> sa.Select:
    """Everyone invited to this occurrence: its own participants and the series'."""
    return sa.select(Participant).where(
        sa.or_(
            Participant.occurrence_id == occurrence.id,
            Participant.series_id == occurrence.series_id,
        ),
        Participant.removed_at.is_(None),
    )


def for_target(target: Target) -> list[Participant]:
    owner = (
        Participant.series_id if isinstance(target, MeetingSeries) else Participant.occurrence_id
    )
    return list(
        db.session.scalars(
            sa.select(Participant)
            .where(owner == target.id, Participant.removed_at.is_(None))
            .order_by(Participant.member_state_id, Participant.name, Participant.id)
        )
    )


def of_occurrences(series: MeetingSeries) -> list[Participant]:
    """Those invited to one occurrence of this series only, in its order."""
    return list(
        db.session.scalars(
            sa.select(Participant)
            .join(Occurrence, Occurrence.id == Participant.occurrence_id)
            .where(Occurrence.series_id == series.id, Participant.removed_at.is_(None))
            .order_by(Occurrence.starts_at, Participant.name, Participant.id)
        )
    )


def belongs_to(participant: Participant, series_id: int) -> bool:
    """Invited to this series, or to one of its occurrences."""
    if participant.series_id is not None:
        return participant.series_id == series_id
    return participant.occurrence is not None and participant.occurrence.series_id == series_id


@dataclass
class Counts:
    by_answer: dict[str, int]
    by_state: list[tuple[str, dict[str, int]]]


def series_of(target: Target) -> MeetingSeries:
    return _series_of(target)
