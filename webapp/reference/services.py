"""Reference data rules: the idempotent loader and the checks the admin forms rely on.

The loader reads `webapp/core/data/reference.json`. On every run it inserts the rows that
are missing and brings the four names of the rows it lists back to the file's values.
Everything else (codes, membership status and its dates, the active flag, scope,
position) is written only when a row is first inserted: after that it belongs to the
administrators, and a later load never undoes their change. Nothing is ever deleted, so
rows the administrators added stay. The caller commits.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from webapp.core.reference import (
    EUROPEAN_UNION,
    MemberState,
    Named,
    Organization,
    PermanentObserver,
    by_name,
    is_country_code,
)
from webapp.directory.models import Area
from webapp.extensions import db

DATA_FILE = Path(__file__).resolve().parent.parent / "core" / "data" / "reference.json"
NAME_FIELDS = ("name_en", "name_es", "name_fr", "name_pt")


@dataclass
class LoadSummary:
    """What a load did, per kind of row: {"member_states": n, ...}."""

    inserted: dict[str, int] = field(default_factory=dict)
    renamed: dict[str, int] = field(default_factory=dict)

    @property
    def changed_anything(self) -> bool:
        return any(self.inserted.values()) or any(self.renamed.values())


# kind in the file -> (model, key column, fields written only on insert)
_KINDS: dict[str, tuple[type[Named], str, tuple[str, ...]]] = {
    "member_states": (MemberState, "code", ("code3", "status", "status_since", "joined_on")),
    "permanent_observers": (PermanentObserver, "code", ("is_active",)),
    "organizations": (Organization, "acronym", ("scope",)),
    "areas": (Area, "code", ("position",)),
}
_DATE_FIELDS = {"status_since", "joined_on"}


def read_reference_file(path: Path | None = None) -> dict[str, Any]:
    with open(path or DATA_FILE, encoding="utf-8") as handle:
        return json.load(handle)


def load_reference_data(path: Path | None = None) -> LoadSummary:
    """Insert missing rows and refresh names from the reference file (idempotent)."""
    data = read_reference_file(path)
    summary = LoadSummary()
    for kind, (model, key, insert_only) in _KINDS.items():
        existing = {getattr(row, key): row for row in db.session.scalars(sa.select(model))}
        inserted = renamed = 0
        for item in data.get(kind, []):
            row = existing.get(item[key])
            if row is None:
                values = {name: item[name] for name in (key, *NAME_FIELDS)}
                for name in insert_only:
                    if name in item:
                        values[name] = _value(name, item[name])
                db.session.add(model(**values))
                inserted += 1
                continue
            if any(getattr(row, name) != item[name] for name in NAME_FIELDS):
                for name in NAME_FIELDS:
                    setattr(row, name, item[name])
                renamed += 1
        summary.inserted[kind] = inserted
        summary.renamed[kind] = renamed
    db.session.flush()
    return summary


def _value(name: str, raw: Any) -> Any:
    if name in _DATE_FIELDS and raw is not None:
        return date.fromisoformat(raw)
    return raw


# Lists for the admin pages: one query each, sorted by the name in the viewer's language.


def all_member_states() -> list[MemberState]:
    return by_name(db.session.scalars(sa.select(MemberState)))


def all_observers() -> list[PermanentObserver]:
    return by_name(db.session.scalars(sa.select(PermanentObserver)))


def all_organizations() -> list[Organization]:
    return by_name(db.session.scalars(sa.select(Organization)))


def all_areas() -> list[Area]:
    return list(db.session.scalars(sa.select(Area).order_by(Area.position, Area.code)))


# Rules the forms apply.


def is_observer_code(code: str) -> bool:
    """An observer is a state (ISO 3166-1 alpha-2) or the European Union."""
    return code == EUROPEAN_UNION or is_country_code(code)


def is_taken(model: type[Named], column: str, value: str, own_id: int | None = None) -> bool:
    """Another row of `model` already uses `value` in `column` (case-insensitive)."""
    query = sa.select(model.id).where(sa.func.upper(getattr(model, column)) == value.upper())
    if own_id is not None:
        query = query.where(model.id != own_id)
    return db.session.scalar(query.limit(1)) is not None
