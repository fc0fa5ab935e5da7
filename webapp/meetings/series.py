"""Series and their occurrences: creating a series from a bounded rule, changing the rule
from a date on without touching the past, and moving, renaming, relocating, postponing or
cancelling one occurrence. Every check runs before anything changes; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _

from webapp.accounts.models import User
from webapp.core.errors import RuleError
from webapp.core.reference import MemberState
from webapp.directory.models import Area
from webapp.extensions import db
from webapp.meetings import activities, calendar
from webapp.meetings.models import (
    CANCELLED,
    DEFAULT_REMINDERS,
    DRAFT,
    HELD,
    POSTPONED,
    SCHEDULED,
    SCOPE_LABELS,
    MeetingSeries,
    Occurrence,
    OccurrenceMove,
    SeriesPart,
    offsets_list,
)
from webapp.meetings.wallclock import check_line, check_zone, expand, wall_to_utc

# What an update says changed, in the recipient's language (see the mail templates).
TIME, PLACE, TITLE, STATUS = "time", "place", "title", "status"


@dataclass
class Venue:
    address: str = ""
    host_state: MemberState | None = None
    online_url: str = ""
    languages: list[str] = field(default_factory=list)


@dataclass
class SeriesInput:
    title: str
    first_start: datetime  # naive, the venue's wall clock
    first_end: datetime  # naive, the venue's wall clock
    zone: str
    rule: str = ""
    fold: int | None = None
    description: str = ""
    scope: str = "regional"
    is_public: bool = False
    member_states: list[MemberState] = field(default_factory=list)
    topics: list[Area] = field(default_factory=list)
    venue: Venue = field(default_factory=Venue)
    reminder_offsets: list[int] | None = None


def _check_venue(venue: Venue) -> Venue:
    address = check_line(venue.address, "venue_address", limit=500)
    url = check_line(venue.online_url, "online_url", limit=500)
    if url and not url.startswith(("https://", "http://")):
        raise RuleError(_("An online link starts with https://"), "online_url")
    languages = [code for code in venue.languages if code in current_app.config["LANGUAGES"]]
    return Venue(address, venue.host_state, url, languages)


def _check_offsets(offsets: list[int] | None) -> str | None:
    if offsets is None:
        return None
    if any(o <= 0 or o > 366 * 24 * 60 for o in offsets):
        raise RuleError(_("Reminders are from 1 minute to 1 year before the start."), "reminders")
    return ",".join(str(o) for o in sorted(set(offsets), reverse=True))


def span(start: datetime, end: datetime, zone: str, fold: int | None) -> tuple[datetime, datetime]:
    """UTC start and end of a wall-clock span, refusing an end that is not after the start."""
    starts_at = wall_to_utc(start, zone, fold, "starts")
    ends_at = wall_to_utc(end, zone, fold, "ends")
    if ends_at <= starts_at:
        raise RuleError(_("The end must be after the start."), "ends")
    return starts_at, ends_at


def _occurrences(
    series: MeetingSeries, starts: list[datetime], fold: int | None
) -> list[Occurrence]:
    duration = timedelta(minutes=series.duration_minutes)
    made = []
    for start in starts:
        starts_at = wall_to_utc(start, series.zone, fold or 0, "rule")
        made.append(
            Occurrence(
                original_start=starts_at,
                starts_at=starts_at,
                ends_at=starts_at + duration,
                zone=series.zone,
                status=DRAFT,
            )
        )
    return made


def create_series(data: SeriesInput, *, organizer: User) -> MeetingSeries:
    """A series and every occurrence its rule gives, as drafts."""
    title = check_line(data.title, "title", required=True)
    zone = check_zone(data.zone)
    if data.scope not in SCOPE_LABELS:
        raise RuleError(_("Choose a scope."), "scope")
    starts_at, ends_at = span(data.first_start, data.first_end, zone, data.fold)
    starts = expand(data.rule, data.first_start, zone)
    venue = _check_venue(data.venue)
    offsets = _check_offsets(data.reminder_offsets)
    series = MeetingSeries(
        title=title,
        description=(data.description or "").strip(),
        scope=data.scope,
        is_public=data.is_public,
        rule=data.rule,
        first_start=data.first_start,
        duration_minutes=int((ends_at - starts_at).total_seconds() // 60),
        zone=zone,
        created_by_id=organizer.id,
        member_states=list(data.member_states),
        topics=list(data.topics),
        organizers=[organizer],
    )
    if offsets is not None:
        series.reminder_offsets = offsets
    for occurrence in _occurrences(series, starts, data.fold):
        series.occurrences.append(occurrence)
        occurrence.venue_address = venue.address
        occurrence.host_state = venue.host_state
        occurrence.online_url = venue.online_url
        occurrence.languages = ",".join(venue.languages)
    db.session.add(series)
    db.session.flush()
    return series


@dataclass
class SeriesDetails:
    """What describes a series, apart from its times (see `change_rule`) and places."""

    title: str
    description: str = ""
    scope: str = "regional"
    is_public: bool = False
    member_states: list[MemberState] = field(default_factory=list)
    topics: list[Area] = field(default_factory=list)
    reminder_offsets: list[int] | None = None


def update_series(series: MeetingSeries, data: SeriesDetails) -> None:
    """Change a series' title, description, scope, visibility, states, topics and default
    reminders (empty: 14 and 1 days). Past reminders stay sent; the next scan follows
    the new offsets. Nothing here changes a time, place or status, so no update is sent:
    the next invitation or update carries the new title."""
    title = check_line(data.title, "title", required=True)
    if data.scope not in SCOPE_LABELS:
        raise RuleError(_("Choose a scope."), "scope")
    offsets = _check_offsets(data.reminder_offsets)
    series.title = title
    series.description = (data.description or "").strip()
    series.scope = data.scope
    series.is_public = data.is_public
    series.member_states = list(data.member_states)
    series.topics = list(data.topics)
    series.reminder_offsets = offsets if offsets is not None else DEFAULT_REMINDERS
    db.session.flush()


def change_rule(
    series: MeetingSeries, *, rule: str, first_start: datetime, fold: int | None, now: datetime
) -> list[Occurrence]:
    """Apply a new rule from `first_start` on. Occurrences before it stay as they were;
    later ones still in draft are dropped, later ones already scheduled are cancelled.
    Returns the cancelled ones (their participants get a CANCEL)."""
    anchor = wall_to_utc(first_start, series.zone, fold, "starts")
    if anchor <= now:
        raise RuleError(_("A new rule can only start in the future."), "starts")
    starts = expand(rule, first_start, series.zone)
    part = _end_present_rule(series, anchor) if series.rule else None
    cancelled = []
    kept_originals = set()
    for occurrence in list(series.occurrences):
        if occurrence.original_start < anchor:
            kept_originals.add(occurrence.original_start)
            continue
        if occurrence.status == DRAFT:
            series.occurrences.remove(occurrence)
        else:
            kept_originals.add(occurrence.original_start)
            if occurrence.status != CANCELLED:
                occurrence.status = CANCELLED
                occurrence.sequence += 1
                cancelled.append(occurrence)
    db.session.flush()
    template = next((o for o in series.occurrences), None)
    series.rule = rule
    series.first_start = first_start
    series.rule_from = first_start.date()
    series.sequence += 1
    if part is not None:
        series.rule_generation += 1
        part.sequence = series.sequence + max((o.sequence for o in series.occurrences), default=0)
    for occurrence in _occurrences(series, starts, fold):
        if occurrence.original_start in kept_originals:
            continue
        series.occurrences.append(occurrence)
        if template is not None:
            occurrence.venue_address = template.venue_address
            occurrence.host_state = template.host_state
            occurrence.online_url = template.online_url
            occurrence.languages = template.languages
    db.session.flush()
    return cancelled


def _end_present_rule(series: MeetingSeries, anchor: datetime) -> SeriesPart:
    """Keep the present rule as a part of the series, ended at its last occurrence before
    `anchor`: its calendar event stays in attendees' calendars with the meetings it gave
    before the change, and the new rule becomes an event of its own (a new UID)."""
    before = [o.original_start for o in calendar.current_occurrences(series)
              if o.original_start < anchor]  # fmt: skip
    part = SeriesPart(
        uid=calendar.series_uid(series),
        rule=series.rule,
        first_start=series.first_start,
        duration_minutes=series.duration_minutes,
        zone=series.zone,
        until=max(before) if before else None,
    )
    series.parts.append(part)
    return part


@dataclass
class OccurrenceInput:
    starts: datetime  # naive, wall clock in `zone`
    ends: datetime
    zone: str
    fold: int | None = None
    title: str = ""
    venue: Venue = field(default_factory=Venue)
    status: str = DRAFT
    reminder_offsets: list[int] | None = None
    overlap_reason: str = ""


@dataclass
class Changes:
    """What an edit changed, for the update's plain words; `notify` when participants
    must get an update (time, place or status: a higher SEQUENCE)."""

    what: list[str] = field(default_factory=list)
    previous_start: datetime | None = None
    previous_place: str = ""
    previous_status: str = ""

    @property
    def notify(self) -> bool:
        return any(w in (TIME, PLACE, STATUS) for w in self.what)


ALLOWED_STATUS = {
    DRAFT: (DRAFT, SCHEDULED, CANCELLED),
    SCHEDULED: (SCHEDULED, POSTPONED, CANCELLED, HELD),
    POSTPONED: (POSTPONED, SCHEDULED, CANCELLED),
    CANCELLED: (CANCELLED,),
    HELD: (HELD,),
}


def update_occurrence(
    occurrence: Occurrence, data: OccurrenceInput, *, now: datetime, by: User | None = None
) -> Changes:
    """Move, rename, relocate, postpone or cancel one occurrence. Scheduling or moving it
    over other organizations' activities needs a stated reason. A move is kept in the
    occurrence's history (from, to, when, by whom)."""
    zone = check_zone(data.zone)
    starts_at, ends_at = span(data.starts, data.ends, zone, data.fold)
    title = check_line(data.title, "title")
    venue = _check_venue(data.venue)
    offsets = _check_offsets(data.reminder_offsets)
    if data.status not in ALLOWED_STATUS.get(occurrence.status, ()):
        raise RuleError(_("This change of status is not possible."), "status")
    if data.status == HELD and starts_at > now:
        raise RuleError(_("A meeting can be marked as held only after it starts."), "status")
    moved = starts_at != occurrence.starts_at or ends_at != occurrence.ends_at
    reason = (data.overlap_reason or "").strip()
    if (moved or (data.status == SCHEDULED and occurrence.status != SCHEDULED)) and (
        data.status in (SCHEDULED, POSTPONED)
    ):
        overlaps = activities.overlapping(occurrence.series, starts_at, ends_at)
        if overlaps and not reason:
            raise RuleError(
                _("Other organizations' activities overlap. Say why this meeting goes ahead."),
                "overlap_reason",
            )
    changes = Changes(
        previous_start=occurrence.starts_at,
        previous_place=occurrence.place,
        previous_status=occurrence.status,
    )
    if moved or zone != occurrence.zone:
        changes.what.append(TIME)
        occurrence.moves.append(
            OccurrenceMove(
                from_starts_at=occurrence.starts_at,
                from_ends_at=occurrence.ends_at,
                from_zone=occurrence.zone,
                to_starts_at=starts_at,
                to_ends_at=ends_at,
                to_zone=zone,
                moved_at=now,
                moved_by_id=by.id if by is not None else None,
            )
        )
    new_place = (venue.address, venue.online_url, venue.host_state)
    if new_place != (occurrence.venue_address, occurrence.online_url, occurrence.host_state):
        changes.what.append(PLACE)
    if (title or None) != occurrence.title_override:
        changes.what.append(TITLE)
    if data.status != occurrence.status:
        changes.what.append(STATUS)
    occurrence.starts_at, occurrence.ends_at, occurrence.zone = starts_at, ends_at, zone
    occurrence.title_override = title or None
    occurrence.venue_address, occurrence.online_url = venue.address, venue.online_url
    occurrence.host_state = venue.host_state
    occurrence.languages = ",".join(venue.languages)
    occurrence.status = data.status
    occurrence.reminder_offsets = offsets
    if reason:
        occurrence.overlap_reason = reason
    if changes.notify:
        occurrence.sequence += 1
    db.session.flush()
    return changes


def wall_clock(occurrence: Occurrence) -> tuple[datetime, datetime]:
    """Start and end as naive wall-clock times in the venue's zone (for forms)."""
    tz = ZoneInfo(occurrence.zone)
    return (
        occurrence.starts_at.astimezone(tz).replace(tzinfo=None),
        occurrence.ends_at.astimezone(tz).replace(tzinfo=None),
    )


def reminder_offsets_from(days: str | None) -> list[int] | None:
    """ "14, 1" (days) -> minutes; empty -> None (follow the default)."""
    if days is None or not days.strip():
        return None
    try:
        values = [float(p) for p in days.replace(";", ",").split(",") if p.strip()]
    except ValueError as exc:
        raise RuleError(_("Write reminder days as numbers, e.g. 14, 1."), "reminders") from exc
    return [int(v * 24 * 60) for v in values]


def offsets_as_days(text: str | None) -> str:
    return ", ".join(f"{m / 1440:g}" for m in offsets_list(text))
