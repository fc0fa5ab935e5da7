"""Searching the directory: the filters, and the page of active entries a viewer may
see, in a fixed number of queries."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from webapp.accounts.models import User
from webapp.core.paging import Page
from webapp.core.reference import MemberState
from webapp.directory.models import ACTIVE, Agency, PointOfContact, contact_areas, searchable
from webapp.directory.permissions import Scope, viewer_scope
from webapp.extensions import db

PAGE_SIZE = 50


@dataclass
class Filters:
    state_id: int | None = None
    kind: str | None = None
    area_id: int | None = None
    language: str | None = None
    text: str = ""

    def as_args(self, states: dict[int, str], areas: dict[int, str]) -> dict[str, str]:
        """The filters as query-string arguments (codes, not ids), for links."""
        args = {
            "state": states.get(self.state_id or 0, ""),
            "kind": self.kind or "",
            "area": areas.get(self.area_id or 0, ""),
            "language": self.language or "",
            "q": self.text,
        }
        return {k: v for k, v in args.items() if v}


def _filtered(query: sa.Select[Any], scope: Scope, filters: Filters) -> sa.Select[Any]:
    query = query.where(PointOfContact.status == ACTIVE, scope.clause())
    if filters.state_id:
        query = query.where(PointOfContact.member_state_id == filters.state_id)
    if filters.kind:
        query = query.where(Agency.kind == filters.kind)
    if filters.area_id:
        query = query.where(
            PointOfContact.id.in_(
                sa.select(contact_areas.c.contact_id).where(
                    contact_areas.c.area_id == filters.area_id
                )
            )
        )
    if filters.language:
        padded = "," + PointOfContact.languages + ","
        query = query.where(padded.contains(f",{filters.language},", autoescape=True))
    text = searchable(filters.text.strip())
    if text:
        query = query.where(
            sa.or_(
                PointOfContact.search_text.contains(text, autoescape=True),
                Agency.search_text.contains(text, autoescape=True),
            )
        )
    return query


def _ordered_contacts(scope: Scope, filters: Filters, language: str) -> sa.Select[Any]:
    state_name = getattr(MemberState, f"name_{language}", MemberState.name_en)
    query = (
        sa.select(PointOfContact)
        .join(PointOfContact.agency)
        .join(PointOfContact.member_state)
        .options(
            # The agency's state is the entry's, already in the identity map: no second join.
            contains_eager(PointOfContact.agency).lazyload(Agency.member_state),
            contains_eager(PointOfContact.member_state),
        )
    )
    return _filtered(query, scope, filters).order_by(
        state_name, MemberState.id, Agency.name, Agency.id, PointOfContact.name, PointOfContact.id
    )


def count_contacts(user: User, filters: Filters) -> int:
    scope = viewer_scope(user)
    if scope.nothing:
        return 0
    query = sa.select(sa.func.count(PointOfContact.id)).select_from(PointOfContact)
    if filters.kind or filters.text.strip():
        query = query.join(Agency)  # only these filters look at the agency
    query = _filtered(query, scope, filters)
    return db.session.scalar(query) or 0


def search(
    user: User, filters: Filters, language: str, page: int = 1, per_page: int = PAGE_SIZE
) -> Page:
    """A page of the active entries the viewer may see, in a stable order: three queries
    (count, rows, areas) whatever the number of entries. States sort by their name in
    `language`."""
    scope = viewer_scope(user)
    if scope.nothing:
        return Page([], 1, per_page, 0)
    total = count_contacts(user, filters)
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    query = _ordered_contacts(scope, filters, language)
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).unique())
    return Page(items, page, per_page, total)


def visible_contacts(user: User, filters: Filters, language: str) -> list[PointOfContact]:
    """Every active entry the viewer may see under the filters, for exports."""
    scope = viewer_scope(user)
    if scope.nothing:
        return []
    return list(db.session.scalars(_ordered_contacts(scope, filters, language)).unique())
