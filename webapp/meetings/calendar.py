"""Our meetings as the calendar engine's events (`webapp.meetings.ical`): one UID per
series (or per occurrence invited on its own), SEQUENCE from the models, the participant
as ATTENDEE, the organizer as ORGANIZER and the platform as SENT-BY."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from email.utils import parseaddr
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app

from webapp.meetings import ical
from webapp.meetings.models import (
    ALTERNATE,
    CANCELLED,
    DRAFT,
    OBSERVER,
    POSTPONED,
    MeetingSeries,
    Occurrence,
    Participant,
    SeriesPart,
)

ROLES = {ALTERNATE: "OPT-PARTICIPANT", OBSERVER: "OPT-PARTICIPANT"}
STATUSES = {DRAFT: "TENTATIVE", POSTPONED: "TENTATIVE", CANCELLED: "CANCELLED"}


def _engine():
    # Imported when used: the engine lives in its own branch until the lead merges it.
    from webapp.meetings import ical

    return ical


request, cancel, feed = ical.request, ical.cancel, ical.feed


def bump(event: ical.Event, by: int = 1) -> ical.Event:
    """The same event with a higher SEQUENCE."""
    return replace(event, sequence=event.sequence + by)


def _domain() -> str:
    return urlsplit(current_app.config["BASE_URL"]).hostname or "puerto"


def series_uid(series: MeetingSeries) -> str:
    """The UID of the series under its present rule: each change of rule from a date on
    starts a new event (`rule_generation`), as clients do for "this and following"."""
    ident = f"{series.id}-{series.rule_generation}" if series.rule_generation else series.id
    return ical.uid_for("meeting-series", ident, _domain())


def occurrence_series_uid(occurrence: Occurrence) -> str:
    """The UID of the series event this occurrence belongs to: the present rule's, or the
    earlier part whose rule gave it."""
    series = occurrence.series
    if not series.parts or occurrence.original_start in _originals_now(series):
        return series_uid(series)
    candidates = [p for p in series.parts if occurrence.original_start in _part_originals(p)]
    kept = [p for p in candidates if p.until and occurrence.original_start <= p.until]
    chosen = kept or candidates
    return chosen[-1].uid if chosen else series_uid(series)


def _originals_now(series: MeetingSeries) -> set[datetime]:
    """The original starts the present rule gives (not those of an earlier rule that
    happen to fall after the change, which stay the earlier part's)."""
    start = series.first_start.replace(tzinfo=ZoneInfo(series.zone)).astimezone(UTC)
    return set(ical.occurrence_starts(start, series.zone, recurrence(series)))


def _part_start(part: SeriesPart) -> datetime:
    return part.first_start.replace(tzinfo=ZoneInfo(part.zone)).astimezone(UTC)


def _part_originals(part: SeriesPart) -> set[datetime]:
    rule = parse_rule(part.rule, part.zone)
    return set(ical.occurrence_starts(_part_start(part), part.zone, rule))


def occurrence_uid(occurrence: Occurrence) -> str:
    """An occurrence invited on its own has its own UID; a one-off is its series."""
    if occurrence.series.is_one_off:
        return series_uid(occurrence.series)
    return ical.uid_for("meeting", occurrence.id, _domain())


def attendee(participant: Participant) -> ical.Attendee:
    delegated_to = participant.delegated_to.email if participant.delegated_to else None
    return ical.Attendee(
        email=participant.email,
        name=participant.name,
        role=ROLES.get(participant.role, "REQ-PARTICIPANT"),
        partstat=participant.answer.upper(),
        rsvp=True,
        delegated_to=delegated_to,
    )


def _organizer(series: MeetingSeries) -> tuple[str, str]:
    person = series.organizer
    if person is not None:
        return person.email, person.name
    name, email = parseaddr(current_app.config["MAIL_FROM"])
    return email, name


def _location(occurrence: Occurrence) -> str | None:
    return occurrence.venue_address or occurrence.online_url or None


def occurrence_event(
    occurrence: Occurrence,
    attendees: tuple[ical.Attendee, ...],
    *,
    uid: str | None = None,
    recurrence_id: datetime | None = None,
) -> ical.Event:
    series = occurrence.series
    email, name = _organizer(series)
    _, sent_by = parseaddr(current_app.config["MAIL_FROM"])
    return ical.Event(
        uid=uid or occurrence_uid(occurrence),
        sequence=occurrence.sequence + series.sequence,
        summary=occurrence.title,
        start=occurrence.starts_at,
        end=occurrence.ends_at,
        zone=occurrence.zone,
        organizer_email=email,
        organizer_name=name,
        attendees=attendees,
        description=series.description,
        location=_location(occurrence),
        url=occurrence.online_url or None,
        status=STATUSES.get(occurrence.status, "CONFIRMED"),
        recurrence_id=recurrence_id,
        organizer_sent_by=sent_by if sent_by != email else None,
    )


def recurrence(series: MeetingSeries) -> ical.Recurrence | None:
    """The series' RRULE text as the engine's Recurrence."""
    return parse_rule(series.rule, series.zone)


def parse_rule(rule: str, zone: str) -> ical.Recurrence | None:
    """An RRULE value ("FREQ=YEARLY;COUNT=4") as the engine's Recurrence, in `zone`."""
    if not rule:
        return None
    parts = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)

    def numbers(key: str) -> tuple[int, ...]:
        return tuple(int(v) for v in parts[key].split(",")) if key in parts else ()

    until = None
    if "UNTIL" in parts:
        text = parts["UNTIL"].rstrip("Z")
        if "T" in text:
            moment = datetime.strptime(text, "%Y%m%dT%H%M%S")
            until = (
                moment.replace(tzinfo=UTC)
                if parts["UNTIL"].endswith("Z")
                else moment.replace(tzinfo=ZoneInfo(zone))
            )
        else:
            day = datetime.strptime(text, "%Y%m%d").date()
            until = datetime.combine(day, time(23, 59, 59), ZoneInfo(zone))
    return ical.Recurrence(
        freq=parts["FREQ"],
        interval=int(parts.get("INTERVAL", 1)),
        count=int(parts["COUNT"]) if "COUNT" in parts else None,
        until=until,
        by_month=numbers("BYMONTH"),
        by_day=tuple(parts["BYDAY"].split(",")) if "BYDAY" in parts else (),
        by_month_day=numbers("BYMONTHDAY"),
        by_set_pos=numbers("BYSETPOS"),
    )


def _differs(occurrence: Occurrence, master: Occurrence) -> bool:
    return (
        occurrence.starts_at != occurrence.original_start
        or occurrence.ends_at - occurrence.starts_at != master.ends_at - master.starts_at
        or occurrence.title_override is not None
        or _location(occurrence) != _location(master)
        or occurrence.status != master.status
    )


def current_occurrences(series: MeetingSeries) -> list[Occurrence]:
    """The occurrences the series' present rule describes (those from `rule_from` on)."""
    current = [o for o in series.occurrences if series.rule_from is None or
               o.original_start.date() >= series.rule_from]  # fmt: skip
    return current or list(series.occurrences)


def series_events(series: MeetingSeries, attendees: tuple[ical.Attendee, ...]) -> list[ical.Event]:
    """The master (RRULE, EXDATE of cancelled occurrences) and an override per
    occurrence that was moved, renamed, relocated or whose status differs. A one-off
    meeting is its one occurrence, as it is now."""
    if series.is_one_off and series.occurrences:
        return [occurrence_event(series.occurrences[0], attendees, uid=series_uid(series))]
    current = current_occurrences(series)
    master_occurrence = current[0]
    uid = series_uid(series)
    tz = ZoneInfo(series.zone)
    start = series.first_start.replace(tzinfo=tz).astimezone(UTC)
    master = occurrence_event(master_occurrence, attendees, uid=uid)
    duration = master_occurrence.ends_at - master_occurrence.starts_at
    master = ical.Event(
        **{
            **master.__dict__,
            "summary": series.title,
            "start": start,
            "end": start + duration,
            "zone": series.zone,
            "status": "CONFIRMED",
            "sequence": series.sequence + max((o.sequence for o in series.occurrences), default=0),
            "recurrence": recurrence(series),
            "exdates": tuple(o.original_start for o in current if o.status == CANCELLED),
        }
    )
    events = [master]
    for occurrence in current:
        if occurrence.status != CANCELLED and _differs(occurrence, master_occurrence):
            events.append(
                occurrence_event(
                    occurrence, attendees, uid=uid, recurrence_id=occurrence.original_start
                )
            )
    return events


def ended_series_events(
    series: MeetingSeries, attendees: tuple[ical.Attendee, ...]
) -> list[ical.Event] | None:
    """The series ended at its last occurrence that is not cancelled: the master's RRULE
    bounded by UNTIL at that occurrence's original start (inclusive, instead of COUNT),
    the EXDATEs before it and the overrides of the occurrences kept. None for a one-off
    or when no occurrence is kept: then only a CANCEL of the whole series is right."""
    if series.is_one_off:
        return None
    kept = [o.original_start for o in current_occurrences(series) if o.status != CANCELLED]
    if not kept:
        return None
    until = max(kept)
    master, *overrides = series_events(series, attendees)
    assert master.recurrence is not None
    master = replace(
        master,
        recurrence=replace(master.recurrence, count=None, until=until),
        exdates=tuple(d for d in master.exdates if d < until),
    )
    return [master, *(e for e in overrides if e.recurrence_id and e.recurrence_id <= until)]


def part_events(
    part: SeriesPart, series: MeetingSeries, attendees: tuple[ical.Attendee, ...]
) -> list[ical.Event]:
    """An earlier rule's event as it ended: its master bounded by UNTIL at the last
    occurrence it kept, the EXDATEs of the cancelled ones before it, the overrides of
    the ones moved. With nothing kept, its master alone, for a CANCEL."""
    rule = parse_rule(part.rule, part.zone)
    assert rule is not None
    start = _part_start(part)
    originals = set(ical.occurrence_starts(start, part.zone, rule))
    members = [o for o in series.occurrences if o.original_start in originals]
    email, name = _organizer(series)
    _, sent_by = parseaddr(current_app.config["MAIL_FROM"])
    master = ical.Event(
        uid=part.uid,
        sequence=part.sequence,
        summary=series.title,
        start=start,
        end=start + timedelta(minutes=part.duration_minutes),
        zone=part.zone,
        organizer_email=email,
        organizer_name=name,
        attendees=attendees,
        description=series.description,
        location=_location(members[0]) if members else None,
        recurrence=rule,
        organizer_sent_by=sent_by if sent_by != email else None,
    )
    if part.until is None:
        return [master]
    kept = [o for o in members if o.original_start <= part.until]
    master = replace(
        master,
        recurrence=replace(rule, count=None, until=part.until),
        exdates=tuple(o.original_start for o in kept if o.status == CANCELLED),
    )
    reference = kept[0] if kept else None
    overrides = [
        occurrence_event(o, attendees, uid=part.uid, recurrence_id=o.original_start)
        for o in kept
        if reference is not None and o.status != CANCELLED and _differs(o, reference)
    ]
    return [master, *overrides]
