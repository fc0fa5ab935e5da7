"""One page of the directory search in a chosen order, cheap at any volume.

The database counts and pages. The default order (member state, agency, name) spans
three tables, so no index can serve it and every page used to join and sort every
visible entry: here one grouped count per state (from the state index) gives the total
and tells which states a page falls in, and only their entries are joined and sorted.
The other orders (name, last verified) are served by indexes on the entries themselves.
Only the columns the page shows are loaded."""

from __future__ import annotations

import math
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager, load_only

from webapp.core.paging import Page
from webapp.core.reference import MemberState
from webapp.directory.models import Agency, PointOfContact
from webapp.directory.permissions import viewer_scope
from webapp.directory.search import PAGE_SIZE, Filters, _filtered
from webapp.extensions import db

STATE, NAME, AGENCY, VERIFIED = "state", "name", "agency", "verified"
SORTS = {
    STATE: _l("Member state"),
    NAME: _l("Name"),
    AGENCY: _l("Agency"),
    VERIFIED: _l("Last verified (oldest first)"),
}
DEFAULT_SORT = STATE


def sort_or_default(raw: str | None) -> str:
    return raw if raw in SORTS else DEFAULT_SORT


def _rows(filters: Filters, scope: Any) -> sa.Select[Any]:
    query = (
        sa.select(PointOfContact)
        .join(PointOfContact.agency)
        .join(PointOfContact.member_state)
        .options(
            load_only(
                PointOfContact.name,
                PointOfContact.title,
                PointOfContact.email,
                PointOfContact.phones,
                PointOfContact.languages,
                PointOfContact.designation,
                PointOfContact.visibility,
                PointOfContact.status,
                PointOfContact.last_verified_on,
                PointOfContact.member_state_id,
                PointOfContact.agency_id,
            ),
            # The agency's state is the entry's, already in the identity map: no third join.
            contains_eager(PointOfContact.agency)
            .load_only(Agency.name, Agency.acronym, Agency.kind, Agency.member_state_id)
            .lazyload(Agency.member_state),
            contains_eager(PointOfContact.member_state),
        )
    )
    return _filtered(query, scope, filters)


def _counted(filters: Filters, scope: Any, state_name: Any) -> dict[int, tuple[str, int]]:
    """Visible entries per member state under the filters, with the state's name: counted
    first (from the state index alone when no filter needs the agency), named after."""
    counts = sa.select(
        PointOfContact.member_state_id.label("state_id"), sa.func.count().label("entries")
    ).select_from(PointOfContact)
    if filters.kind or filters.text.strip():
        # Only these filters look at the agency (named: the state also leads to agencies).
        counts = counts.join(Agency, Agency.id == PointOfContact.agency_id)
    counts = _filtered(counts, scope, filters).group_by(PointOfContact.member_state_id).subquery()
    query = sa.select(counts.c.state_id, state_name, counts.c.entries).join(
        MemberState, MemberState.id == counts.c.state_id
    )
    return {state_id: (name or "", count) for state_id, name, count in db.session.execute(query)}


def search(
    user: Any, filters: Filters, page: int, sort: str, language: str, per_page: int = PAGE_SIZE
) -> Page:
    """A page of the active entries the viewer may see, in `sort` order, in three queries
    (counts per state, rows, areas) whatever the number of entries."""
    scope = viewer_scope(user)
    if scope.nothing:
        return Page([], 1, per_page, 0)
    state_name = getattr(MemberState, f"name_{language}", MemberState.name_en)
    counted = _counted(filters, scope, state_name)
    counts = {state_id: count for state_id, (_name, count) in counted.items()}
    total = sum(counts.values())
    page = min(max(1, page), max(1, math.ceil(total / per_page)))
    offset = (page - 1) * per_page
    if not total:
        return Page([], page, per_page, 0)
    query = _rows(filters, scope)
    if sort == STATE:
        ranked = sorted(counts, key=lambda s: (counted[s][0], s))
        on_page, before, seen = [], 0, 0
        for state_id in ranked:
            start, seen = seen, seen + counts[state_id]
            if seen <= offset:
                before = seen
                continue
            if start >= offset + per_page:
                break
            on_page.append(state_id)
        query = query.where(PointOfContact.member_state_id.in_(on_page))
        offset -= before
        # The states' order as counted above (not the database's collation), so that the
        # pages meet exactly.
        rank = sa.case(
            {s: n for n, s in enumerate(ranked) if s in on_page},
            value=PointOfContact.member_state_id,
        )
        order = (rank, Agency.name, Agency.id)
    elif sort == AGENCY:
        order = (Agency.name, Agency.id)
    elif sort == VERIFIED:
        order = (PointOfContact.last_verified_on.asc().nulls_first(),)
    else:
        order = ()
    query = query.order_by(*order, PointOfContact.name, PointOfContact.id)
    items = list(db.session.scalars(query.limit(per_page).offset(offset)).unique())
    return Page(items, page, per_page, total)


def page_numbers(page: Page, around: int = 2) -> list[int | None]:
    """The page numbers to offer: first, last, and those around the current one; None
    where numbers are left out ("1 … 4 5 [6] 7 8 … 200")."""
    wanted = {1, page.pages, *range(page.page - around, page.page + around + 1)}
    shown = sorted(n for n in wanted if 1 <= n <= page.pages)
    numbers: list[int | None] = []
    for n in shown:
        if numbers and n - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(n)
    return numbers
