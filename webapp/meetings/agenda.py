"""An occurrence's agenda: items with a presenter and, optionally, a time within the
meeting (a wall-clock time in the venue's zone)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from webapp.core.errors import RuleError
from webapp.extensions import db
from webapp.meetings.models import AgendaItem, Occurrence
from webapp.meetings.wallclock import check_line, wall_to_utc


def add_item(
    occurrence: Occurrence,
    *,
    title: str,
    presenter: str = "",
    starts: datetime | None = None,
    duration_minutes: int | None = None,
) -> AgendaItem:
    title = check_line(title, "title", required=True)
    presenter = check_line(presenter, "presenter", limit=200)
    starts_at = None
    if starts is not None:
        starts_at = wall_to_utc(starts, occurrence.zone, 0, "starts")
        if not occurrence.starts_at <= starts_at < occurrence.ends_at:
            raise RuleError(_("An agenda item starts during the meeting."), "starts")
    if duration_minutes is not None and not 0 < duration_minutes <= 24 * 60:
        raise RuleError(_("A duration is from 1 minute to 24 hours."), "duration")
    position = max((item.position for item in occurrence.agenda), default=0) + 1
    item = AgendaItem(
        title=title,
        presenter=presenter,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        position=position,
    )
    occurrence.agenda.append(item)
    db.session.flush()
    return item


def remove_item(item: AgendaItem) -> None:
    db.session.delete(item)
    db.session.flush()
