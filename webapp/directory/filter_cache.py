"""The search filters' choices (the member states and the active areas, with their names in
every language), read once and kept until anything in the directory changes, in any
process (see `webapp.core.freshness`): two queries a search used to make on every
request for lists that change a few times a year. And the select filters rendered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import render_template
from markupsafe import Markup

from webapp.core import freshness
from webapp.core.i18n import viewer_language
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


def selects(form: Any) -> Markup:
    """The search form's four select filters (member state, kind, area, language) as a
    valid form shows them: rendered once per language and choice made, and kept until
    anything in the directory changes (their options name its states and areas). With
    hundreds of options, rendering them through WTForms was a quarter of a search."""
    chosen = (form.state.data, form.kind.data, form.area.data, form.language.data)
    key = ("filter selects", viewer_language(), *chosen)

    def render() -> str:
        return render_template("directory/_filter_selects.html", form=form)

    return Markup(freshness.cached(DIRECTORY, key, render))
