"""A state's agencies page table (every agency, its kind and its active entries), rendered
once per state and language and kept until anything in the directory changes, in any
process (see `webapp.core.freshness`). Who may see it is decided before, by the view."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template
from flask_babel import get_locale
from markupsafe import Markup

from webapp.core import freshness
from webapp.core.reference import MemberState
from webapp.directory import services
from webapp.directory.models import ACTIVE, PointOfContact
from webapp.directory.standings_cache import DIRECTORY
from webapp.extensions import db


def table(state: MemberState) -> Markup:
    def render() -> str:
        counts = dict(
            db.session.execute(
                sa.select(PointOfContact.agency_id, sa.func.count())
                .where(PointOfContact.member_state_id == state.id, PointOfContact.status == ACTIVE)
                .group_by(PointOfContact.agency_id)
            ).all()
        )
        return render_template(
            "directory/_agencies_table.html",
            state=state,
            agencies=services.agencies_of(state.id, include_inactive=True),
            counts=counts,
        )

    return Markup(freshness.cached(DIRECTORY, ("agencies", state.id, str(get_locale())), render))
