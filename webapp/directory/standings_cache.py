"""Where each member state stands (`standing.standings`), kept between requests until
anything in the directory changes (see `webapp.core.freshness`): the coverage page and
the focal points' home aggregate every entry of every state, and change far less often
than they are read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from flask import current_app

from webapp.accounts.models import User
from webapp.core import freshness
from webapp.core.reference import Named
from webapp.directory import refresh, standing

DIRECTORY = "directory"
freshness.watch(
    DIRECTORY,
    "directory_contacts",
    "directory_contact_areas",
    "directory_agencies",
    "directory_areas",
    "directory_refresh_requests",
    "directory_state_settings",
    "member_states",
    "users",
    "user_member_states",
)


@dataclass(frozen=True)
class StateRef(Named):
    """The few fields of a member state the pages show, detached from any session."""

    id: int
    code: str
    name_en: str
    name_es: str
    name_fr: str
    name_pt: str


def standings(today: date, state_ids: Iterable[int] | None = None) -> list[standing.Standing]:
    ids = None if state_ids is None else tuple(sorted(state_ids))
    key = (
        "standings",
        today,
        ids,
        standing.default_verification_days(),
        current_app.config["REFRESH_ESCALATION_DAYS"],
    )

    def compute() -> list[standing.Standing]:
        return [
            replace(
                row,
                state=StateRef(
                    row.state.id,
                    row.state.code,
                    row.state.name_en,
                    row.state.name_es,
                    row.state.name_fr,
                    row.state.name_pt,
                ),
                contacts_by_area=dict(row.contacts_by_area),
            )
            for row in standing.standings(today, ids)
        ]

    return freshness.cached(DIRECTORY, key, compute)


def open_request_count(person: User) -> int:
    """`refresh.open_request_count`, kept per focal point (and their states) until anything
    in the directory changes: the focal point's home asks on every visit."""
    key = ("open requests", person.id, tuple(sorted(person.member_state_ids)))
    return freshness.cached(DIRECTORY, key, lambda: refresh.open_request_count(person))
