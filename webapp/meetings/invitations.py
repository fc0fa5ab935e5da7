"""Invitations, updates and cancellations: one outbox row per participant, each carrying
an iTIP REQUEST or CANCEL (RFC 6047) built by the calendar engine, with the date and time
in the recipient's zone and the venue's, in the recipient's language. The caller commits;
delivery happens in a worker after commit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache, partial
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import format_time, get_locale, get_timezone
from flask_babel import gettext as _

from webapp.core import mailer, outbox, tokens
from webapp.core.errors import RuleError
from webapp.core.grammar import long_date
from webapp.core.links import external_url
from webapp.extensions import db
from webapp.meetings import calendar
from webapp.meetings.models import (
    CANCELLED,
    DRAFT,
    MeetingSeries,
    Occurrence,
    Participant,
)
from webapp.meetings.participants import active_query, for_target, of_occurrences
from webapp.meetings.series import Changes

INVITATION, UPDATE, CANCEL, REMINDER = (
    "meeting-invitation",
    "meeting-update",
    "meeting-cancel",
    "meeting-reminder",
)
ANSWER_PURPOSE = "meeting-answer"


def answer_token(participant: Participant) -> str:
    return tokens.sign(ANSWER_PURPOSE, participant.id)


def answer_url(participant: Participant, answer: str | None = None, token: str = "") -> str:
    """The signed link to answer (`token`, when given, is `answer_token(participant)`)."""
    values = {"participant_id": participant.id, "token": token or answer_token(participant)}
    if answer:
        values["answer"] = answer
    return external_url("meetings.answer", **values)


def when(moment: datetime, zone: str) -> str:
    """A date and time as read in `zone`, in the current language: 'Tuesday, 5 May 2026,
    10:00 (America/Bogota)'."""
    return _when(moment, zone, str(get_locale()), str(get_timezone()))


@lru_cache(maxsize=4096)
def _when(moment: datetime, zone: str, locale: str, reader_zone: str) -> str:
    # The same few meetings are written for thousands of recipients in a few languages.
    local = moment.astimezone(ZoneInfo(zone))
    # The day of the wall-clock time in `zone`: a date is never rebased to the reader's zone.
    day = long_date(local.date(), locale.split("_")[0], format="full")
    return f"{day}, {format_time(local, 'short', rebase=False)} ({zone})"


def _organizer_emails(series: MeetingSeries) -> set[str]:
    return {person.email.lower() for person in series.organizers}


def _reply_to(series: MeetingSeries) -> str | None:
    organizer = series.organizer
    return organizer.email if organizer else None


def _recipient(participant: Participant) -> mailer.Recipient:
    return mailer.Recipient(
        participant.email, participant.name, participant.language, participant.timezone
    )


def target_of(participant: Participant) -> MeetingSeries | Occurrence:
    return participant.series if participant.series_id else participant.occurrence


def current_sequence(participant: Participant) -> int:
    target = target_of(participant)
    if isinstance(target, MeetingSeries):
        return target.sequence + max((o.sequence for o in target.occurrences), default=0)
    return target.sequence + target.series.sequence


def _target_events(
    target: MeetingSeries | Occurrence, attendees: tuple[object, ...]
) -> list[object]:
    if isinstance(target, MeetingSeries):
        return calendar.series_events(target, attendees)
    return [calendar.occurrence_event(target, attendees)]


def calendar_request(
    participant: Participant, *, now: datetime, events: Sequence[object] | None = None
) -> str:
    """The current REQUEST for this participant: the whole series, or their occurrence.
    `events`, when given, are those of `_target_events(target, ())`, built once for the
    participants invited together: each participant's own is them with their ATTENDEE."""
    me = (calendar.attendee(participant),)
    if events is None:
        return calendar.request(_target_events(target_of(participant), me), dtstamp=now)
    return calendar.request([replace(e, attendees=me) for e in events], dtstamp=now)


def _occurrences_of(participant: Participant) -> list[Occurrence]:
    target = target_of(participant)
    if isinstance(target, MeetingSeries):
        return [o for o in target.occurrences if o.status not in (CANCELLED, DRAFT)]
    return [target]


ANSWERS = ("accepted", "tentative", "declined", "delegated")
# The participant's own links in a message: the four answers and the calendar file.
LINKS = (*ANSWERS, "ics")


def _links(participant: Participant) -> dict[str, str]:
    token = answer_token(participant)  # signed once for the five links
    # Built once and completed, as the routes spell them: the answer page's address with
    # `?answer=...`, and the calendar file's below it (the invitations' tests compare).
    page = answer_url(participant, token=token)
    links = {answer: f"{page}?answer={answer}" for answer in ANSWERS}
    links["ics"] = f"{page}/invite.ics"
    return links


def _values(
    participant: Participant, links: Mapping[str, str], **extra: object
) -> dict[str, object]:
    """A message's context: what the participant is invited to, the times in their zone
    and the venue's, their `links` (see `LINKS`), and `extra`."""
    occurrences = [
        {
            "occurrence": o,
            "here": when(o.starts_at, participant.timezone),
            "venue": when(o.starts_at, o.zone),
        }
        for o in _occurrences_of(participant)
    ]
    return {
        "participant": participant,
        "series": calendar_series(participant),
        "occurrences": occurrences,
        "links": {answer: links[answer] for answer in ANSWERS},
        "ics_url": links["ics"],
        # A callable is read here, in the reader's language and zone, like the rest.
        **{name: value() if callable(value) else value for name, value in extra.items()},
    }


def _context(participant: Participant, **extra: object):
    return lambda: _values(participant, _links(participant), **extra)


def calendar_series(participant: Participant) -> MeetingSeries:
    target = target_of(participant)
    return target if isinstance(target, MeetingSeries) else target.series


def _invitation_stencil(series: MeetingSeries) -> mailer.Stencil:
    """The invitation to `series` (or one of its occurrences), rendered once per shape
    (see `_prepare`) and completed for each participant."""
    return mailer.Stencil(
        INVITATION,
        subject=lambda: _("Invitation: %(title)s", title=series.title),
        template="meetings/mail/invitation",
        slots=LINKS,
        reply_to=_reply_to(series),
    )


@dataclass
class _Together:
    """What the invitations written together share: their rendering (a stencil) and
    each target's calendar events, without attendees."""

    stencil: mailer.Stencil
    events: dict[tuple[int | None, int | None], list[object]] = field(default_factory=dict)

    def events_of(self, participant: Participant) -> list[object]:
        key = (participant.series_id, participant.occurrence_id)
        if key not in self.events:
            self.events[key] = _target_events(target_of(participant), ())
        return self.events[key]


def _prepare(
    participant: Participant,
    *,
    now: datetime,
    force: bool = False,
    together: _Together | None = None,
):
    """(sequence, rendered message) of this participant's invitation, or None when they
    need none (the organizer, or someone holding the current one). `together`, when
    given, is shared by the participants being invited together."""
    series = calendar_series(participant)
    if participant.email.lower() in _organizer_emails(series):
        return None  # Outlook would swallow an invitation to its own organizer
    sequence = current_sequence(participant)
    if participant.invited_sequence == sequence and not force:
        return None
    if together is None:
        together = _Together(_invitation_stencil(series))
    content = calendar_request(participant, now=now, events=together.events_of(participant))
    # The message depends on the participant through what they are invited to, their
    # language and zone (the shape), their name and their links; their role is in the
    # shape too, so that a template that names it stays right.
    shape = (
        participant.series_id,
        participant.occurrence_id,
        participant.timezone,
        participant.role,
    )
    return sequence, together.stencil.render(
        _recipient(participant),
        shape=shape,
        key=f"meeting-invite:{participant.id}:{sequence}"
        + (f":{now.isoformat()}" if force else ""),
        context=partial(_values, participant),
        slots=_links(participant),
        calendar=("REQUEST", content),
    )


def invite(participant: Participant, *, now: datetime, force: bool = False) -> int | None:
    """Write this participant's invitation, unless they already have the current one."""
    prepared = _prepare(participant, now=now, force=force)
    if prepared is None:
        return None
    sequence, email = prepared
    message_id = outbox.enqueue(email)
    if message_id is not None:
        participant.last_message_id = message_id
        participant.invited_sequence = sequence
    return message_id


def check_sendable(target: MeetingSeries | Occurrence) -> None:
    occurrences = target.occurrences if isinstance(target, MeetingSeries) else [target]
    if all(o.status in (DRAFT, CANCELLED) for o in occurrences):
        raise RuleError(_("Schedule the meeting before sending invitations."))


def invitees(target: MeetingSeries | Occurrence) -> list[Participant]:
    """Everyone an invitation to `target` is for, in order: its participants and, for a
    series, those invited to one of its occurrences only, when it takes place."""
    people = for_target(target)
    if isinstance(target, MeetingSeries):
        people += [
            p for p in of_occurrences(target) if p.occurrence.status not in (DRAFT, CANCELLED)
        ]
    return people


def _invitees_among(target: MeetingSeries | Occurrence, ids: Sequence[int]) -> list[Participant]:
    """Those of `invitees(target)` whose id is in `ids`, in the order of `ids`, loaded in
    one query (a worker writes a long list slice by slice)."""
    found = db.session.scalars(
        sa.select(Participant).where(Participant.id.in_(ids), Participant.removed_at.is_(None))
    )
    by_id = {p.id: p for p in found}
    people = [by_id[i] for i in ids if i in by_id]
    if isinstance(target, Occurrence):
        return [p for p in people if p.occurrence_id == target.id]
    return [
        p
        for p in people
        if p.series_id == target.id
        or (
            p.occurrence is not None
            and p.occurrence.series_id == target.id
            and p.occurrence.status not in (DRAFT, CANCELLED)
        )
    ]


def send_invitations(
    target: MeetingSeries | Occurrence,
    *,
    now: datetime,
    among: Sequence[int] | None = None,
) -> int:
    """One outbox row per participant not yet holding the current invitation; only for
    those whose id is in `among` when it is given, so a worker can commit (and deliver)
    slice after slice."""
    check_sendable(target)
    people = invitees(target) if among is None else _invitees_among(target, among)
    pending = []
    # Rendered once per shape and completed for each, written together (one INSERT
    # statement); the participants' marks go in at the end.
    series = target if isinstance(target, MeetingSeries) else target.series
    together = _Together(_invitation_stencil(series))
    with db.session.no_autoflush:
        for participant in people:
            prepared = _prepare(participant, now=now, together=together)
            if prepared is not None:
                pending.append((participant, *prepared))
        written = mailer.compose_many([email for _, _, email in pending])
        for participant, sequence, email in pending:
            if email.idempotency_key in written:
                participant.last_message_id = written[email.idempotency_key]
                participant.invited_sequence = sequence
    return len(written)


def send_series_update(series: MeetingSeries, *, now: datetime) -> int:
    """After the rule changed: everyone already invited to the series gets the series
    again, its SEQUENCE raised (the invitation's own key changes with it)."""
    sent = 0
    with db.session.no_autoflush:
        for participant in for_target(series):
            if participant.invited_sequence is not None and invite(participant, now=now):
                sent += 1
    return sent


def _change_event(participant: Participant, occurrence: Occurrence) -> object:
    me = (calendar.attendee(participant),)
    if participant.series_id and occurrence.series.is_one_off:
        return calendar.series_events(occurrence.series, me)[0]
    if participant.series_id:
        return calendar.occurrence_event(
            occurrence,
            me,
            uid=calendar.occurrence_series_uid(occurrence),
            recurrence_id=occurrence.original_start,
        )
    return calendar.occurrence_event(occurrence, me)


def send_updates(occurrence: Occurrence, changes: Changes, *, now: datetime) -> int:
    """After a change of time, place or status: every invited participant gets an update
    (or a CANCEL) with the same UID and the higher SEQUENCE, saying what changed."""
    if not changes.notify:
        return 0
    series = occurrence.series
    organizers = _organizer_emails(series)
    count = 0
    for participant in db.session.scalars(active_query(occurrence)):
        if participant.invited_sequence is None or participant.email.lower() in organizers:
            continue
        event = _change_event(participant, occurrence)
        cancelled = occurrence.status == CANCELLED
        method = "CANCEL" if cancelled else "REQUEST"
        content = (calendar.cancel if cancelled else calendar.request)([event], dtstamp=now)
        message_id = mailer.compose(
            CANCEL if cancelled else UPDATE,
            _recipient(participant),
            subject=(
                (lambda: _("Cancelled: %(title)s", title=occurrence.title))
                if cancelled
                else (lambda: _("Updated: %(title)s", title=occurrence.title))
            ),
            template="meetings/mail/update",
            key=f"meeting-update:{participant.id}:{occurrence.id}:{event.sequence}",
            context=_context(
                participant,
                changed=occurrence,
                changes=changes,
                # Times are written when the mail is, in the participant's language.
                previous=partial(when, changes.previous_start, participant.timezone)
                if changes.previous_start
                else "",
                now_here=partial(when, occurrence.starts_at, participant.timezone),
                now_venue=partial(when, occurrence.starts_at, occurrence.zone),
                cancelled=cancelled,
            ),
            reply_to=_reply_to(series),
            calendar=(method, content),
        )
        if message_id is not None:
            participant.last_message_id = message_id
            if not (participant.series_id and not series.is_one_off):
                # Their whole event was this one; a series' invitee holds the master still.
                participant.invited_sequence = current_sequence(participant)
            count += 1
    return count


def remove_participant(participant: Participant, *, now: datetime) -> int | None:
    """Withdraw a participant; one who was invited gets a CANCEL."""
    participant.removed_at = now
    if participant.invited_sequence is None:
        return None
    series = calendar_series(participant)
    me = (calendar.attendee(participant),)
    target = target_of(participant)
    if isinstance(target, MeetingSeries):
        events = calendar.series_events(target, me)[:1]
    else:
        events = [calendar.occurrence_event(target, me)]
    bumped = [calendar.bump(e) for e in events]
    content = calendar.cancel(bumped, dtstamp=now)
    message_id = mailer.compose(
        CANCEL,
        _recipient(participant),
        subject=lambda: _("Invitation withdrawn: %(title)s", title=series.title),
        template="meetings/mail/withdrawn",
        key=f"meeting-withdrawn:{participant.id}",
        context=_context(participant),
        reply_to=_reply_to(series),
        calendar=("CANCEL", content),
    )
    participant.last_message_id = message_id
    return message_id


def delivery(occurrence_or_series: MeetingSeries | Occurrence) -> list[dict[str, object]]:
    """Delivery of each participant's last message, in one query (for the progress poll)."""
    from webapp.core.outbox import OutboxMessage

    if isinstance(occurrence_or_series, MeetingSeries):
        owner = sa.or_(
            Participant.series_id == occurrence_or_series.id,
            Participant.occurrence_id.in_(
                sa.select(Occurrence.id).where(Occurrence.series_id == occurrence_or_series.id)
            ),
        )
    else:
        owner = Participant.occurrence_id == occurrence_or_series.id
    rows = db.session.execute(
        sa.select(Participant.id, OutboxMessage.status, OutboxMessage.last_error)
        .join(OutboxMessage, OutboxMessage.id == Participant.last_message_id)
        .where(owner, Participant.removed_at.is_(None))
    )
    return [{"id": pid, "status": status, "error": error or ""} for pid, status, error in rows]
