"""The register of other international organizations' activities, and the overlap check
that keeps our meetings from duplicating them."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from webapp.accounts.models import User
from webapp.core.errors import RuleError
from webapp.core.reference import MemberState, Organization
from webapp.directory.models import Area
from webapp.extensions import db
from webapp.meetings.models import (
    ExternalActivity,
    MeetingSeries,
    activity_states,
    activity_topics,
    series_states,
    series_topics,
)
from webapp.meetings.wallclock import check_line

CSV_COLUMNS = ("organization", "title", "starts_on", "ends_on", "place", "topics", "states")


@dataclass
class ActivityInput:
    organization: Organization | None
    title: str
    starts_on: date | None
    ends_on: date | None
    place: str = ""
    topics: list[Area] = field(default_factory=list)
    member_states: list[MemberState] = field(default_factory=list)


def add_activity(data: ActivityInput, *, by: User) -> ExternalActivity:
    if data.organization is None:
        raise RuleError(_("Choose an organization."), "organization")
    title = check_line(data.title, "title", required=True)
    place = check_line(data.place, "place")
    if data.starts_on is None:
        raise RuleError(_("This field is required."), "starts_on")
    ends_on = data.ends_on or data.starts_on
    if ends_on < data.starts_on:
        raise RuleError(_("The end must be after the start."), "ends_on")
    activity = ExternalActivity(
        organization=data.organization,
        title=title,
        starts_on=data.starts_on,
        ends_on=ends_on,
        place=place,
        topics=list(data.topics),
        member_states=list(data.member_states),
        created_by_id=by.id,
    )
    db.session.add(activity)
    db.session.flush()
    return activity


def import_csv(text: str, *, by: User) -> int:
    """Add every row of a CSV file (columns `CSV_COLUMNS`; topics and states as codes
    separated by spaces), or none: the first bad row is refused with its number."""
    organizations = {o.acronym.upper(): o for o in db.session.scalars(sa.select(Organization))}
    areas = {a.code: a for a in db.session.scalars(sa.select(Area))}
    states = {s.code: s for s in db.session.scalars(sa.select(MemberState))}
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or set(CSV_COLUMNS[:4]) - set(reader.fieldnames):
        raise RuleError(
            _("The file needs the columns %(columns)s.", columns=", ".join(CSV_COLUMNS)), "file"
        )
    count = 0
    for number, row in enumerate(reader, start=2):
        try:
            data = ActivityInput(
                organization=organizations.get((row.get("organization") or "").strip().upper()),
                title=row.get("title") or "",
                starts_on=_date(row.get("starts_on")),
                ends_on=_date(row.get("ends_on")),
                place=row.get("place") or "",
                topics=_codes(row.get("topics"), areas),
                member_states=_codes((row.get("states") or "").upper(), states),
            )
            add_activity(data, by=by)
        except RuleError as error:
            raise RuleError(
                _("Row %(row)s: %(message)s", row=number, message=error.message), "file"
            ) from error
        count += 1
    return count


def _date(text: str | None) -> date | None:
    if not (text or "").strip():
        return None
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError as exc:
        raise RuleError(_("Write dates as YYYY-MM-DD."), "starts_on") from exc


def _codes(text: str | None, known: dict) -> list:
    found = []
    for code in (text or "").split():
        if code not in known:
            raise RuleError(_("Unknown code: %(code)s", code=code), "topics")
        found.append(known[code])
    return found


def window_days() -> int:
    return int(current_app.config["MEETINGS_OVERLAP_WINDOW_DAYS"])


def overlapping(
    series: MeetingSeries, starts_at: datetime, ends_at: datetime
) -> list[ExternalActivity]:
    """Activities within the window around the meeting that share a topic or a state. The
    series' topics and states are read in the same statement (the meeting's page need
    not load them)."""
    window = timedelta(days=window_days())
    first, last = (starts_at - window).date(), (ends_at + window).date()
    topic_ids = sa.select(series_topics.c.area_id).where(series_topics.c.series_id == series.id)
    state_ids = sa.select(series_states.c.member_state_id).where(
        series_states.c.series_id == series.id
    )
    shares = sa.or_(
        ExternalActivity.id.in_(
            sa.select(activity_topics.c.activity_id).where(
                activity_topics.c.area_id.in_(topic_ids)
            )
        ),
        ExternalActivity.id.in_(
            sa.select(activity_states.c.activity_id).where(
                activity_states.c.member_state_id.in_(state_ids)
            )
        ),
    )
    return list(
        db.session.scalars(
            sa.select(ExternalActivity)
            .where(ExternalActivity.starts_on <= last, ExternalActivity.ends_on >= first, shares)
            .order_by(ExternalActivity.starts_on)
        )
    )


def register(limit: int = 200) -> list[ExternalActivity]:
    return list(
        db.session.scalars(
            sa.select(ExternalActivity).order_by(ExternalActivity.starts_on.desc()).limit(limit)
        )
    )
