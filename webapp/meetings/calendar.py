"""Our meetings as the calendar engine's events (`webapp.meetings.ical`): one UID per
series (or per occurrence invited on its own), SEQUENCE from the models, the participant
as ATTENDEE, the organizer as ORGANIZER and the platform as SENT-BY."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time
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
    return ical.uid_for("meeting-series", series.id, _domain())


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
    if not series.rule:
        return None
    parts = dict(p.split("=", 1) for p in series.rule.split(";") if "=" in p)

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
                else moment.replace(tzinfo=ZoneInfo(series.zone))
            )
        else:
            day = datetime.strptime(text, "%Y%m%d").date()
            until = datetime.combine(day, time(23, 59, 59), ZoneInfo(series.zone))
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


def _current(series: MeetingSeries) -> list[Occurrence]:
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
    current = _current(series)
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
    kept = [o.original_start for o in _current(series) if o.status != CANCELLED]
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
