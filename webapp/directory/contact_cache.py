"""A contact's page: what decides who may see it, and its body (the facts, the actions and
the history), rendered once per entry, language, time zone and what the viewer may do
with it, and kept until anything in the directory changes, in any process (see
`webapp.core.freshness`). The entry's history changes only with the entry, its agency or
its areas, all in the directory. The forms' CSRF token, the one thing that is per session,
is put in on every request."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import render_template
from markupsafe import Markup

from webapp.core import freshness
from webapp.directory import history
from webapp.directory.models import PointOfContact
from webapp.directory.standings_cache import DIRECTORY
from webapp.extensions import db


@dataclass(frozen=True)
class EntryFacts:
    """What `permissions.can_view_contact` and the page's title read of an entry."""

    id: int
    name: str
    member_state_id: int
    visibility: str
    status: str


def facts(contact_id: int) -> EntryFacts | None:
    def compute() -> EntryFacts | None:
        row = db.session.execute(
            sa.select(
                PointOfContact.id,
                PointOfContact.name,
                PointOfContact.member_state_id,
                PointOfContact.visibility,
                PointOfContact.status,
            ).where(PointOfContact.id == contact_id)
        ).one_or_none()
        return EntryFacts(*row) if row else None

    return freshness.cached(DIRECTORY, ("contact facts", contact_id), compute)


def body(
    entry: EntryFacts, language: str, *, can_edit: bool, show_history: bool, can_revert: bool
) -> Markup:
    # `language` is the history's; the page's own words and times are the reader's.
    reader = freshness.language_and_zone()
    key = ("contact", entry.id, language, *reader, can_edit, show_history, can_revert)

    def render() -> str:
        contact = db.session.get(PointOfContact, entry.id)
        return render_template(
            "directory/_contact_body.html",
            contact=contact,
            can_edit=can_edit,
            history=history.readable_history(contact, language) if show_history else [],
            show_history=show_history,
            can_revert=can_revert,
            csrf_placeholder=freshness.CSRF_TOKEN,
        )

    html = freshness.cached(DIRECTORY, key, render)
    return freshness.with_csrf_token(html)
