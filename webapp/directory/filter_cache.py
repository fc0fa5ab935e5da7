"""The search filters' choices (the member states and the active areas, with their names in
every language), read once and kept until anything in the directory changes, in any
process (see `webapp.core.freshness`): two queries a search used to make on every
request for lists that change a few times a year."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from webapp.core import freshness
from webapp.core.reference import MemberState, Named, member_states
from webapp.directory.agencies import active_areas
from webapp.directory.standings_cache import DIRECTORY, StateRef
from webapp.extensions import db


@dataclass(frozen=True)
class AreaRef(Named):
    """The few fields of an area the filters show, detached from any session."""

    id: int
    code: str
    name_en: str
    name_es: str
    name_fr: str
    name_pt: str


@dataclass(frozen=True)
class FilterChoices:
    states: tuple[StateRef, ...]  # not withdrawn, by English name (`member_states()`)
    areas: tuple[AreaRef, ...]  # active, in their order (`active_areas()`)
    any_state: bool  # whether any member state exists at all, withdrawn or not


def choices() -> FilterChoices:
    def compute() -> FilterChoices:
        states = tuple(
            StateRef(s.id, s.code, s.name_en, s.name_es, s.name_fr, s.name_pt)
            for s in member_states()
        )
        areas = tuple(
            AreaRef(a.id, a.code, a.name_en, a.name_es, a.name_fr, a.name_pt)
            for a in active_areas()
        )
        any_state = bool(states) or bool(
            db.session.scalar(sa.select(sa.exists().where(MemberState.id.is_not(None))))
        )
        return FilterChoices(states, areas, any_state)

    return freshness.cached(DIRECTORY, ("filter choices",), compute)
