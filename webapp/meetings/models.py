"""Meeting series, their occurrences, participants, agendas, the register of other
organizations' activities, and calendar subscriptions.

Times are stored in UTC with the venue's IANA zone; a one-off meeting is a series of one.

Over 400 lines because it is the part's whole schema in one place: declarations and their
label dictionaries, no rules. Move a group of tables (records and action items, say) to a
module of its own before this grows further.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.accounts.models import User
from webapp.core.reference import MemberState, Organization
from webapp.core.timezones import UTCDateTime, utcnow
from webapp.directory.models import Area, PointOfContact
from webapp.extensions import db

# Scope of a series
BILATERAL, SUBREGIONAL, REGIONAL, HEMISPHERIC = (
    "bilateral",
    "subregional",
    "regional",
    "hemispheric",
)
SCOPE_LABELS = {
    BILATERAL: _l("Bilateral"),
    SUBREGIONAL: _l("Subregional"),
    REGIONAL: _l("Regional"),
    HEMISPHERIC: _l("Hemispheric"),
}

# Status of an occurrence
DRAFT, SCHEDULED, POSTPONED, CANCELLED, HELD = (
    "draft",
    "scheduled",
    "postponed",
    "cancelled",
    "held",
)
STATUS_LABELS = {
    DRAFT: lazy_pgettext("meeting", "draft"),
    SCHEDULED: lazy_pgettext("meeting", "scheduled"),
    POSTPONED: lazy_pgettext("meeting", "postponed"),
    CANCELLED: lazy_pgettext("meeting", "cancelled"),
    HELD: lazy_pgettext("meeting", "held"),
}

# Role of a participant
DELEGATE, ALTERNATE, OBSERVER, SPEAKER = "delegate", "alternate", "observer", "speaker"
ROLE_LABELS = {
    DELEGATE: _l("Delegate"),
    ALTERNATE: _l("Alternate"),
    OBSERVER: _l("Observer"),
    SPEAKER: _l("Speaker"),
}

# Answer of a participant (iCalendar PARTSTAT values, lower case)
NEEDS_ACTION, ACCEPTED, TENTATIVE, DECLINED, DELEGATED = (
    "needs-action",
    "accepted",
    "tentative",
    "declined",
    "delegated",
)
ANSWER_LABELS = {
    NEEDS_ACTION: _l("No answer yet"),
    ACCEPTED: _l("Accepted"),
    TENTATIVE: _l("Tentative"),
    DECLINED: _l("Declined"),
    DELEGATED: _l("Sent a colleague"),
}

# Default reminder offsets, in minutes before the start: 14 days and 1 day.
DEFAULT_REMINDERS = "20160,1440"

series_states = sa.Table(
    "meeting_series_states",
    db.metadata,
    sa.Column(
        "series_id", sa.ForeignKey("meeting_series.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("member_state_id", sa.ForeignKey("member_states.id"), primary_key=True, index=True),
)
series_topics = sa.Table(
    "meeting_series_topics",
    db.metadata,
    sa.Column(
        "series_id", sa.ForeignKey("meeting_series.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("area_id", sa.ForeignKey("directory_areas.id"), primary_key=True),
)
series_organizers = sa.Table(
    "meeting_series_organizers",
    db.metadata,
    sa.Column(
        "series_id", sa.ForeignKey("meeting_series.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("user_id", sa.ForeignKey("users.id"), primary_key=True),
)


def offsets_list(text: str | None) -> list[int]:
    """ "20160,1440" -> [20160, 1440] (minutes before the start), largest first."""
    return sorted({int(p) for p in (text or "").split(",") if p.strip().isdigit()}, reverse=True)


class MeetingSeries(db.Model):
    __tablename__ = "meeting_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    scope: Mapped[str] = mapped_column(sa.String(20), default=REGIONAL)
    is_public: Mapped[bool] = mapped_column(default=False)
    # An RRULE value without "RRULE:" ("FREQ=YEARLY;BYMONTH=5;COUNT=4"); empty for a
    # one-off. Always bounded by COUNT or UNTIL.
    rule: Mapped[str] = mapped_column(sa.String(500), default="")
    # The first wall-clock start and the duration the rule repeats, in `zone`.
    first_start: Mapped[datetime] = mapped_column(sa.DateTime)  # naive, venue wall clock
    duration_minutes: Mapped[int] = mapped_column(default=60)
    zone: Mapped[str] = mapped_column(sa.String(64))
    # Occurrences before this date were made by an earlier rule and are kept as they were.
    rule_from: Mapped[date | None] = mapped_column()
    # iTIP SEQUENCE of the series event: raised when the rule changes.
    sequence: Mapped[int] = mapped_column(default=0)
    # How many times the rule changed from a date on: each change starts a new calendar
    # event (a new UID, see calendar.series_uid); the earlier ones are kept as parts.
    rule_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    reminder_offsets: Mapped[str] = mapped_column(sa.String(100), default=DEFAULT_REMINDERS)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    member_states: Mapped[list[MemberState]] = relationship(
        secondary=series_states, order_by="MemberState.code", lazy="selectin"
    )
    topics: Mapped[list[Area]] = relationship(
        secondary=series_topics, order_by="Area.position", lazy="selectin"
    )
    organizers: Mapped[list[User]] = relationship(
        secondary=series_organizers, order_by="User.id", lazy="selectin"
    )
    occurrences: Mapped[list[Occurrence]] = relationship(
        back_populates="series",
        order_by="Occurrence.original_start",
        cascade="all, delete-orphan",
    )
    parts: Mapped[list[SeriesPart]] = relationship(
        order_by="SeriesPart.id", cascade="all, delete-orphan"
    )

    @property
    def uid(self) -> str:
        """The iCalendar UID of every message about this series, never regenerated."""
        return f"meeting-series-{self.id}@puerto"

    @property
    def is_one_off(self) -> bool:
        return not self.rule

    @property
    def organizer(self) -> User | None:
        return self.organizers[0] if self.organizers else None


class SeriesPart(db.Model):
    """The series as it was under an earlier rule, ended when the rule changed from a date
    on: its own calendar event (UID), bounded by UNTIL at its last occurrence before that
    date, so attendees' calendars keep those meetings while the new rule is a new event."""

    __tablename__ = "meeting_series_parts"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meeting_series.id", ondelete="CASCADE"), index=True
    )
    uid: Mapped[str] = mapped_column(sa.String(255))
    # The earlier rule as it was (RRULE value), its first wall-clock start and duration.
    rule: Mapped[str] = mapped_column(sa.String(500))
    first_start: Mapped[datetime] = mapped_column(sa.DateTime)  # naive, venue wall clock
    duration_minutes: Mapped[int] = mapped_column()
    zone: Mapped[str] = mapped_column(sa.String(64))
    # The last original start kept (inclusive); None when none was kept (it was cancelled).
    until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sequence: Mapped[int] = mapped_column(default=0)
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Occurrence(db.Model):
    __tablename__ = "meeting_occurrences"
    __table_args__ = (
        sa.UniqueConstraint("series_id", "original_start"),
        sa.Index("ix_meeting_occurrences_status_starts", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meeting_series.id", ondelete="CASCADE"), index=True
    )
    # The start the rule gave it: its RECURRENCE-ID, unchanged when the meeting moves.
    original_start: Mapped[datetime] = mapped_column(UTCDateTime())
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    zone: Mapped[str] = mapped_column(sa.String(64))
    title_override: Mapped[str | None] = mapped_column(sa.String(300))
    venue_address: Mapped[str] = mapped_column(sa.String(500), default="")
    host_state_id: Mapped[int | None] = mapped_column(sa.ForeignKey("member_states.id"))
    online_url: Mapped[str] = mapped_column(sa.String(500), default="")
    # ISO 639-1 codes, comma-separated ("en,es").
    languages: Mapped[str] = mapped_column(sa.String(60), default="")
    status: Mapped[str] = mapped_column(sa.String(12), default=DRAFT)
    # iTIP SEQUENCE: raised on every change of time, place or status.
    sequence: Mapped[int] = mapped_column(default=0)
    # Minutes before the start; None follows the series.
    reminder_offsets: Mapped[str | None] = mapped_column(sa.String(100))
    # Why it went ahead although other organizations' activities overlap.
    overlap_reason: Mapped[str] = mapped_column(sa.Text, default="")
    invitations_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    series: Mapped[MeetingSeries] = relationship(back_populates="occurrences", lazy="joined")
    host_state: Mapped[MemberState | None] = relationship(lazy="joined")
    agenda: Mapped[list[AgendaItem]] = relationship(
        back_populates="occurrence",
        order_by="AgendaItem.position",
        cascade="all, delete-orphan",
    )
    # Loaded on demand (pages eager-load it): the reminder scan reads occurrences by the
    # thousand and needs none of it.
    moves: Mapped[list[OccurrenceMove]] = relationship(
        order_by="OccurrenceMove.id", cascade="all, delete-orphan"
    )

    @property
    def last_move(self) -> OccurrenceMove | None:
        return self.moves[-1] if self.moves else None

    @property
    def title(self) -> str:
        return self.title_override or self.series.title

    @property
    def language_list(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]

    @property
    def offsets(self) -> list[int]:
        if self.reminder_offsets is not None:
            return offsets_list(self.reminder_offsets)
        return offsets_list(self.series.reminder_offsets)

    @property
    def place(self) -> str:
        return ", ".join(p for p in (self.venue_address, self.online_url) if p)


class OccurrenceMove(db.Model):
    """One change of an occurrence's time: where it was and where it went, so the pages
    can say "moved from ... to ..." after the fact."""

    __tablename__ = "meeting_occurrence_moves"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meeting_occurrences.id", ondelete="CASCADE"), index=True
    )
    from_starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    from_ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    from_zone: Mapped[str] = mapped_column(sa.String(64))
    to_starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    to_ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    to_zone: Mapped[str] = mapped_column(sa.String(64))
    # None for moves recorded before this history was kept (only their times are known).
    moved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    moved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    moved_by: Mapped[User | None] = relationship(lazy="joined")


class Participant(db.Model):
    """Someone invited to one occurrence, or to every occurrence of a series."""

    __tablename__ = "meeting_participants"
    __table_args__ = (
        sa.CheckConstraint("(series_id IS NULL) <> (occurrence_id IS NULL)", name="one_meeting"),
        sa.Index("ix_meeting_participants_email", "email"),
        # Who may see a meeting is asked by address in any case (access.visible_series).
        sa.Index("ix_meeting_participants_email_lower", sa.text("lower(email)")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meeting_series.id", ondelete="CASCADE"), index=True
    )
    occurrence_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meeting_occurrences.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(sa.ForeignKey("directory_contacts.id"))
    email: Mapped[str] = mapped_column(sa.String(320))
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    role: Mapped[str] = mapped_column(sa.String(12), default=DELEGATE)
    member_state_id: Mapped[int | None] = mapped_column(sa.ForeignKey("member_states.id"))
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"))
    language: Mapped[str] = mapped_column(sa.String(8), default="en")
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    answer: Mapped[str] = mapped_column(sa.String(14), default=NEEDS_ACTION)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delegated_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meeting_participants.id"))
    proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The outbox row of the last invitation, update or cancel: its delivery status shows.
    last_message_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("outbox_messages.id", ondelete="SET NULL")
    )
    invited_sequence: Mapped[int | None] = mapped_column()
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    series: Mapped[MeetingSeries | None] = relationship()
    occurrence: Mapped[Occurrence | None] = relationship()
    contact: Mapped[PointOfContact | None] = relationship()
    member_state: Mapped[MemberState | None] = relationship(lazy="joined")
    organization: Mapped[Organization | None] = relationship(lazy="joined")
    delegated_to: Mapped[Participant | None] = relationship(remote_side="Participant.id")

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


class AgendaItem(db.Model):
    __tablename__ = "meeting_agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meeting_occurrences.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(300))
    presenter: Mapped[str] = mapped_column(sa.String(200), default="")
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    duration_minutes: Mapped[int | None] = mapped_column()

    occurrence: Mapped[Occurrence] = relationship(back_populates="agenda")


class ReminderSent(db.Model):
    """One reminder to one participant for one occurrence, offset and start: written with
    the outbox row, so a second run (or a racing worker) finds it and sends nothing."""

    __tablename__ = "meeting_reminders_sent"

    key: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meeting_occurrences.id", ondelete="CASCADE"), index=True
    )
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


activity_topics = sa.Table(
    "external_activity_topics",
    db.metadata,
    sa.Column(
        "activity_id",
        sa.ForeignKey("external_activities.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("area_id", sa.ForeignKey("directory_areas.id"), primary_key=True),
)
activity_states = sa.Table(
    "external_activity_states",
    db.metadata,
    sa.Column(
        "activity_id",
        sa.ForeignKey("external_activities.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("member_state_id", sa.ForeignKey("member_states.id"), primary_key=True),
)


class ExternalActivity(db.Model):
    """Another international organization's meeting or training, kept so that ours do not
    duplicate it."""

    __tablename__ = "external_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    starts_on: Mapped[date] = mapped_column(index=True)
    ends_on: Mapped[date] = mapped_column()
    place: Mapped[str] = mapped_column(sa.String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organization: Mapped[Organization] = relationship(lazy="joined")
    topics: Mapped[list[Area]] = relationship(secondary=activity_topics, lazy="selectin")
    member_states: Mapped[list[MemberState]] = relationship(
        secondary=activity_states, lazy="selectin"
    )


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarSubscription(db.Model):
    """A user's private calendar feed address; revoking it makes a new one."""

    __tablename__ = "meeting_calendar_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_feed_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


# --- after the meeting: attendance, minutes, action items; documents --------------------

attendance = sa.Table(
    "meeting_attendance",
    db.metadata,
    sa.Column(
        "occurrence_id",
        sa.ForeignKey("meeting_occurrences.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "participant_id",
        sa.ForeignKey("meeting_participants.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)

OPEN, IN_PROGRESS, CLOSED = "open", "in-progress", "closed"
ACTION_STATUS_LABELS = {
    OPEN: lazy_pgettext("action item", "open"),
    IN_PROGRESS: lazy_pgettext("action item", "in progress"),
    CLOSED: lazy_pgettext("action item", "closed"),
}


class MeetingRecord(db.Model):
    """What a held occurrence decided: its minutes (one per occurrence)."""

    __tablename__ = "meeting_records"

    occurrence_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meeting_occurrences.id", ondelete="CASCADE"), primary_key=True
    )
    minutes: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class ActionItem(db.Model):
    """A follow-up agreed at a meeting, tracked until closed."""

    __tablename__ = "meeting_action_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meeting_occurrences.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(300))
    owner: Mapped[str] = mapped_column(sa.String(200), default="")
    member_state_id: Mapped[int | None] = mapped_column(sa.ForeignKey("member_states.id"))
    due_on: Mapped[date | None] = mapped_column()
    status: Mapped[str] = mapped_column(sa.String(12), default=OPEN, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    member_state: Mapped[MemberState | None] = relationship(lazy="joined")


class MeetingDocument(db.Model):
    """An uploaded document, kept in the database so every web and worker machine sees it."""

    __tablename__ = "meeting_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meeting_occurrences.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column()
    content: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
