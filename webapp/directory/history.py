"""An entry's history, read from the audit log: shown field by field, rebuilt as it was
after any change, and an admin's revert to such a version."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from webapp.accounts.models import User
from webapp.core.audit import CREATE, REVERT, AuditEntry, audit_action, audited_value, history
from webapp.core.errors import NotAllowed
from webapp.core.i18n import day
from webapp.core.timezones import utcnow
from webapp.directory import labels
from webapp.directory.entries import is_id
from webapp.directory.errors import InvalidEntry
from webapp.directory.fields import format_phone, language_name
from webapp.directory.models import ACTIVE, WITHDRAWN, Agency, Area, PointOfContact
from webapp.directory.permissions import can_revert
from webapp.extensions import db


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryRow:
    entry: AuditEntry
    changes: list[FieldChange]


def as_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _readable(
    name: str, value: Any, agencies: dict[int, str], areas: dict[int, str], language: str
) -> str:
    if value in (None, "", []):
        return "—"
    if name == "agency_id":
        return agencies.get(value, _("agency #%(id)s", id=value))
    if name == "areas":
        return ", ".join(areas.get(i, _("area #%(id)s", id=i)) for i in value)
    if name == "languages":
        return ", ".join(language_name(c, language) for c in str(value).split(",") if c)
    if name == "phones":
        return ", ".join(format_phone(p) for p in str(value).split(",") if p)
    if name == "designation":
        return str(labels.DESIGNATION_LABELS.get(value, value))
    if name == "visibility":
        return str(labels.VISIBILITY_LABELS.get(value, value))
    if name == "status":
        return str(labels.STATUS_LABELS.get(value, value))
    if name in ("source_date", "last_verified_on"):
        return day(as_date(value))
    return str(value)


def readable_history(contact: PointOfContact, language: str) -> list[HistoryRow]:
    """The entry's audit log, oldest first, with agency and area ids shown as names and
    codes as words in `language`."""
    entries = history("PointOfContact", contact.id)
    agency_ids: set[int] = set()
    area_ids: set[int] = set()
    for entry in entries:
        if "agency_id" in entry.changes:
            agency_ids.update(i for i in entry.changes["agency_id"] if i)
        for ids in entry.changes.get("areas", []):
            area_ids.update(ids or [])
    agencies: dict[int, str] = {}
    if agency_ids:
        query = sa.select(Agency.id, Agency.name).where(Agency.id.in_(agency_ids))
        agencies = {row[0]: row[1] for row in db.session.execute(query)}
    areas = (
        {a.id: a.name for a in db.session.scalars(sa.select(Area).where(Area.id.in_(area_ids)))}
        if area_ids
        else {}
    )
    rows = []
    for entry in entries:
        changes = [
            FieldChange(
                str(labels.FIELD_LABELS.get(name, name)),
                _readable(name, old, agencies, areas, language),
                _readable(name, new, agencies, areas, language),
            )
            for name, (old, new) in entry.changes.items()
            if name in labels.FIELD_LABELS
        ]
        rows.append(HistoryRow(entry, changes))
    return rows


def audited_values(contact: PointOfContact) -> dict[str, Any]:
    return {name: audited_value(contact, name) for name in PointOfContact.__audit_fields__}


def undo(values: dict[str, Any], entries: Iterable[AuditEntry]) -> bool:
    """Walk `entries` newest first, putting back each old value. False if one of them
    created the object (it did not exist before)."""
    for entry in sorted(entries, key=lambda e: e.id, reverse=True):
        if entry.action == CREATE:
            return False
        for name, (old, _new) in entry.changes.items():
            if name in values:
                values[name] = old
    return True


def version_after(contact: PointOfContact, entry_id: int) -> dict[str, Any]:
    """The audited fields as they were right after audit entry `entry_id`."""
    values = audited_values(contact)
    later = [e for e in history("PointOfContact", contact.id) if e.id > entry_id]
    undo(values, later)
    return values


def revert_contact(user: User, contact: PointOfContact, entry_id: int) -> list[str]:
    """Put back the fields as they were after an audit entry; audited as "revert".
    Returns the names of the fields that changed."""
    if not can_revert(user):
        raise NotAllowed("only admins revert entries")
    entry = db.session.get(AuditEntry, entry_id) if is_id(entry_id) else None
    if entry is None or entry.entity_type != "PointOfContact" or entry.entity_id != contact.id:
        raise InvalidEntry(_("Choose a version from this entry's history."))
    values = version_after(contact, entry_id)
    current = audited_values(contact)
    changed = [name for name in values if values[name] != current[name]]
    if not changed:
        return []
    agency = db.session.get(Agency, values["agency_id"]) if values["agency_id"] else None
    if agency is None or agency.member_state_id != contact.member_state_id:
        raise InvalidEntry(_("That version's agency no longer exists."))
    with audit_action(REVERT):
        for name in changed:
            value = values[name]
            if name == "agency_id":
                contact.agency = agency
            elif name == "areas":
                ids = value or []
                contact.areas = (
                    list(db.session.scalars(sa.select(Area).where(Area.id.in_(ids))))
                    if ids
                    else []
                )
            elif name in ("source_date", "last_verified_on"):
                setattr(contact, name, as_date(value))
            elif name == "status":
                contact.status = value or ACTIVE
                contact.withdrawn_at = utcnow() if contact.status == WITHDRAWN else None
            elif name in ("title", "phones", "languages", "source_reference"):
                setattr(contact, name, value or "")
            else:
                setattr(contact, name, value)
        db.session.flush()
    return changed
