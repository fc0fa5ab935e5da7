"""The directory as it stood at the end of a past day, rebuilt from the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from webapp.accounts.models import User
from webapp.core.audit import AuditEntry
from webapp.core.reference import MemberState
from webapp.core.timezones import to_utc
from webapp.directory.history import as_date, undo
from webapp.directory.models import ACTIVE, Agency, Area, PointOfContact, contact_areas, searchable
from webapp.directory.permissions import viewer_scope
from webapp.directory.search import Filters
from webapp.extensions import db


@dataclass
class SnapshotContact:
    """An entry as it was at the end of a day."""

    id: int
    member_state: MemberState
    agency_id: int
    agency_name: str
    agency_acronym: str | None
    agency_kind: str
    name: str
    title: str
    email: str
    phones: str
    languages: str
    area_ids: list[int]
    area_names: list[str]
    designation: str
    source_reference: str
    source_date: date | None
    visibility: str
    last_verified_on: date | None

    @property
    def phone_list(self) -> list[str]:
        return [p for p in self.phones.split(",") if p]

    @property
    def language_list(self) -> list[str]:
        return [c for c in self.languages.split(",") if c]


def end_of_day(day: date, zone: str) -> datetime:
    return to_utc(datetime.combine(day + timedelta(days=1), time()), zone)


def snapshot(
    user: User, day: date, filters: Filters, zone: str, language: str
) -> list[SnapshotContact]:
    """The entries the viewer may see as they were at the end of `day` in `zone`, rebuilt
    from the audit log: later changes are undone, entries created later left out, entries
    withdrawn later put back. States sort by their name in `language`."""
    scope = viewer_scope(user)
    if scope.nothing:
        return []
    cutoff = end_of_day(day, zone)

    # Plain rows, not ORM objects: the snapshot may hold every entry of the directory.
    columns = [name for name in PointOfContact.__audit_fields__ if name != "areas"]
    conditions = [PointOfContact.created_at < cutoff]
    if filters.state_id:
        conditions.append(PointOfContact.member_state_id == filters.state_id)
    if not (scope.everything or scope.shared):
        conditions.append(PointOfContact.member_state_id.in_(sorted(scope.own_states)))
    # Visibility and status may have changed since: they are checked on the rebuilt values.
    rows = db.session.execute(
        sa.select(
            PointOfContact.id,
            PointOfContact.member_state_id,
            *(getattr(PointOfContact, name) for name in columns),
        ).where(*conditions)
    ).all()
    area_links: dict[int, list[int]] = {}
    for contact_id, area_id in db.session.execute(
        sa.select(contact_areas.c.contact_id, contact_areas.c.area_id)
        .join(PointOfContact, PointOfContact.id == contact_areas.c.contact_id)
        .where(*conditions)
    ):
        area_links.setdefault(contact_id, []).append(area_id)
    later = list(
        db.session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.entity_type.in_(("PointOfContact", "Agency")), AuditEntry.at >= cutoff
            )
        )
    )
    by_contact: dict[int, list[AuditEntry]] = {}
    by_agency: dict[int, list[AuditEntry]] = {}
    for entry in later:
        target = by_contact if entry.entity_type == "PointOfContact" else by_agency
        target.setdefault(entry.entity_id, []).append(entry)

    agency_then: dict[int, dict[str, Any]] = {}
    for agency_id, name, acronym, kind in db.session.execute(
        sa.select(Agency.id, Agency.name, Agency.acronym, Agency.kind)
    ):
        values = {"name": name, "acronym": acronym, "kind": kind}
        undo(values, by_agency.get(agency_id, []))
        agency_then[agency_id] = values
    states = {state.id: state for state in db.session.scalars(sa.select(MemberState))}
    area_names = {a.id: a.name for a in db.session.scalars(sa.select(Area))}

    result = []
    for contact_id, member_state_id, *current in rows:
        values: dict[str, Any] = dict(zip(columns, current, strict=True))
        values["areas"] = sorted(area_links.get(contact_id, []))
        changes = by_contact.get(contact_id)
        if changes:
            # Undo in the audit log's own terms (dates as ISO text), then read back.
            for name in ("source_date", "last_verified_on"):
                values[name] = values[name].isoformat() if values[name] else None
            if not undo(values, changes):
                continue
            for name in ("source_date", "last_verified_on"):
                values[name] = as_date(values[name])
        if values["status"] != ACTIVE:
            continue
        if not scope.permits(member_state_id, values["visibility"]):
            continue
        agency = agency_then.get(values["agency_id"])
        if agency is None:
            continue
        snap = SnapshotContact(
            id=contact_id,
            member_state=states[member_state_id],
            agency_id=values["agency_id"],
            agency_name=agency["name"],
            agency_acronym=agency["acronym"],
            agency_kind=agency["kind"],
            name=values["name"],
            title=values["title"] or "",
            email=values["email"],
            phones=values["phones"] or "",
            languages=values["languages"] or "",
            area_ids=list(values["areas"] or []),
            area_names=[area_names[i] for i in values["areas"] or [] if i in area_names],
            designation=values["designation"],
            source_reference=values["source_reference"] or "",
            source_date=values["source_date"],
            visibility=values["visibility"],
            last_verified_on=values["last_verified_on"],
        )
        if _matches(snap, filters):
            result.append(snap)
    result.sort(
        key=lambda s: (
            s.member_state.name_in(language).casefold(),
            s.agency_name.casefold(),
            s.name.casefold(),
            s.id,
        )
    )
    return result


def _matches(contact: SnapshotContact, filters: Filters) -> bool:
    if filters.kind and contact.agency_kind != filters.kind:
        return False
    if filters.area_id and filters.area_id not in contact.area_ids:
        return False
    if filters.language and filters.language not in contact.language_list:
        return False
    text = searchable(filters.text.strip())
    if text:
        haystack = searchable(contact.name, contact.title, contact.agency_name)
        haystack += " " + searchable(contact.agency_acronym)
        if text not in haystack:
            return False
    return True
