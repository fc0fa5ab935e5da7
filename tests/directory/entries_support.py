"""Builders for the directory entries, search, export and import tests."""

from __future__ import annotations

from itertools import count

import sqlalchemy as sa

from webapp.directory.models import Agency, Area, PointOfContact
from webapp.extensions import db

_numbers = count(1)


def area(code: str = "customs", name: str | None = None) -> Area:
    found = db.session.scalar(sa.select(Area).where(Area.code == code))
    if found:
        return found
    name = name or code.replace("_", " ").capitalize()
    made = Area(code=code, name_en=name, name_es=name, name_fr=name, name_pt=name)
    db.session.add(made)
    db.session.commit()
    return made


def agency(state: object, name: str = "Customs Administration", kind: str = "customs") -> Agency:
    found = db.session.scalar(
        sa.select(Agency).where(Agency.member_state_id == state.id, Agency.name == name)
    )
    if found:
        return found
    made = Agency(member_state_id=state.id, name=name, kind=kind)
    db.session.add(made)
    db.session.commit()
    return made


def contact(state: object, *, agency_name: str = "Customs Administration", **fields: object):
    """A saved active entry; `areas` takes Area rows."""
    n = next(_numbers)
    kind = fields.pop("kind", "customs")
    made = PointOfContact(
        member_state_id=state.id,
        agency=agency(state, agency_name, kind),
        name=fields.pop("name", f"Officer {n}"),
        email=fields.pop("email", f"officer{n}@example.org"),
        **fields,
    )
    db.session.add(made)
    db.session.commit()
    return made
