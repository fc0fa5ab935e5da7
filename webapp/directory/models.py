"""Agencies and points of contact per member state, and the refresh cycle that keeps
them current."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from webapp.core.audit import Audited
from webapp.core.reference import MemberState, Named
from webapp.core.timezones import UTCDateTime, utcnow
from webapp.extensions import db

# Agency kinds
CUSTOMS, POLICE, IMMIGRATION, PROSECUTOR, OTHER = (
    "customs",
    "police",
    "immigration",
    "prosecutor",
    "other",
)
AGENCY_KINDS = (CUSTOMS, POLICE, IMMIGRATION, PROSECUTOR, OTHER)

# Designation
PRIMARY, ALTERNATE = "primary", "alternate"
DESIGNATIONS = (PRIMARY, ALTERNATE)

# Visibility
ALL_MEMBER_STATES, SECRETARIAT_ONLY = "member_states", "secretariat"
VISIBILITIES = (ALL_MEMBER_STATES, SECRETARIAT_ONLY)

# Entry status
ACTIVE, WITHDRAWN = "active", "withdrawn"


class Area(Named, Audited, db.Model):
    """A field of cooperation: customs, law enforcement, CIFTA firearms... The Secretariat
    can add more."""

    __tablename__ = "directory_areas"
    __audit_fields__ = (
        "code",
        "name_en",
        "name_es",
        "name_fr",
        "name_pt",
        "is_active",
        "position",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=100)


class Agency(Audited, db.Model):
    __tablename__ = "directory_agencies"
    __audit_fields__ = ("name", "acronym", "kind", "is_active")
    __table_args__ = (sa.UniqueConstraint("member_state_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_state_id: Mapped[int] = mapped_column(sa.ForeignKey("member_states.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    acronym: Mapped[str | None] = mapped_column(sa.String(40))
    kind: Mapped[str] = mapped_column(sa.String(20), default=OTHER)
    is_active: Mapped[bool] = mapped_column(default=True)
    # Name and acronym folded for accent- and case-insensitive search (see `searchable`).
    search_text: Mapped[str] = mapped_column(sa.String(400), default="")

    member_state: Mapped[MemberState] = relationship(lazy="joined")


contact_areas = sa.Table(
    "directory_contact_areas",
    db.metadata,
    sa.Column(
        "contact_id", sa.ForeignKey("directory_contacts.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("area_id", sa.ForeignKey("directory_areas.id"), primary_key=True, index=True),
)


class PointOfContact(Audited, db.Model):
    __tablename__ = "directory_contacts"
    __audit_fields__ = (
        "name",
        "title",
        "agency_id",
        "email",
        "phones",
        "languages",
        "areas",
        "designation",
        "source_reference",
        "source_date",
        "visibility",
        "status",
        "last_verified_on",
    )
    __table_args__ = (
        sa.Index("ix_directory_contacts_state_status", "member_state_id", "status"),
        # The search page's filter and order: active entries by state, then name.
        sa.Index("ix_directory_contacts_status_visibility", "status", "visibility"),
        # The search page's order by name: the first pages read from the index alone.
        sa.Index("ix_directory_contacts_status_name", "status", "name", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_state_id: Mapped[int] = mapped_column(sa.ForeignKey("member_states.id"))
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("directory_agencies.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    email: Mapped[str] = mapped_column(sa.String(320), index=True)
    # E.164 numbers, comma-separated in the order given ("+525555555555,+5215555...").
    phones: Mapped[str] = mapped_column(sa.String(400), default="")
    # ISO 639-1 codes of languages spoken, comma-separated ("es,en").
    languages: Mapped[str] = mapped_column(sa.String(100), default="")
    designation: Mapped[str] = mapped_column(sa.String(10), default=PRIMARY)
    source_reference: Mapped[str] = mapped_column(sa.String(200), default="")
    source_date: Mapped[date | None] = mapped_column()
    visibility: Mapped[str] = mapped_column(sa.String(15), default=ALL_MEMBER_STATES)
    status: Mapped[str] = mapped_column(sa.String(10), default=ACTIVE)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_verified_on: Mapped[date | None] = mapped_column(index=True)
    # Name and title folded for accent- and case-insensitive search (see `searchable`).
    search_text: Mapped[str] = mapped_column(sa.String(400), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    member_state: Mapped[MemberState] = relationship(lazy="joined")
    agency: Mapped[Agency] = relationship(lazy="joined")
    areas: Mapped[list[Area]] = relationship(
        secondary=contact_areas, lazy="selectin", order_by="Area.position"
    )

    @validates("agency")
    def _sync_agency_id(self, key: str, agency: Agency | None) -> Agency | None:
        # The audit reads `agency_id` before the flush sets it from the relationship.
        if agency is not None and agency.id is not None:
            self.agency_id = agency.id
        return agency

    @property
    def phone_list(self) -> list[str]:
        return [p for p in self.phones.split(",") if p]

    @property
    def language_list(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]


def searchable(*parts: str | None) -> str:
    """Text folded for search: lower case, accents removed ("José" -> "jose")."""
    text = " ".join(p for p in parts if p).casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@event.listens_for(Agency, "before_insert")
@event.listens_for(Agency, "before_update")
def _agency_search_text(mapper: Any, connection: Any, agency: Agency) -> None:
    agency.search_text = searchable(agency.name, agency.acronym)


@event.listens_for(PointOfContact, "before_insert")
@event.listens_for(PointOfContact, "before_update")
def _contact_search_text(mapper: Any, connection: Any, contact: PointOfContact) -> None:
    contact.search_text = searchable(contact.name, contact.title)


class DirectorySettings(db.Model):
    """Per-state settings of the refresh cycle; a missing row means the defaults."""

    __tablename__ = "directory_state_settings"

    member_state_id: Mapped[int] = mapped_column(
        sa.ForeignKey("member_states.id"), primary_key=True
    )
    verification_days: Mapped[int | None] = mapped_column()


# Refresh request outcomes
CONFIRMED, CORRECTED = "confirmed", "corrected"


class RefreshRequest(db.Model):
    """One request, in one cycle, to one focal point, to confirm or correct their state's
    entries. Unique per (state, cycle, focal point): a request is never duplicated."""

    __tablename__ = "directory_refresh_requests"
    __table_args__ = (sa.UniqueConstraint("member_state_id", "cycle", "focal_point_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_state_id: Mapped[int] = mapped_column(sa.ForeignKey("member_states.id"), index=True)
    # The date the state's entries came due, which names the cycle.
    cycle: Mapped[date] = mapped_column()
    focal_point_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    manual: Mapped[bool] = mapped_column(default=False)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answer: Mapped[str | None] = mapped_column(sa.String(10))
    # Who answered for the state; one answer closes every open request of the state.
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    member_state: Mapped[MemberState] = relationship(lazy="joined")


# Import job statuses
QUEUED, VALIDATING, APPLYING, DONE, REJECTED, FAILED = (
    "queued",
    "validating",
    "applying",
    "done",
    "rejected",
    "failed",
)
IMPORT_FINISHED = (DONE, REJECTED, FAILED)


class ImportJob(db.Model):
    """A Secretariat bulk import of a CSV file, run by a Celery task; the page polls it
    for progress. All rows are validated before any is applied, in one transaction."""

    __tablename__ = "directory_import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    filename: Mapped[str] = mapped_column(sa.String(255), default="")
    content: Mapped[str] = mapped_column(sa.Text, default="")
    # The uploader's language (the report itself is kept as data, see `outcome`).
    language: Mapped[str] = mapped_column(sa.String(8), default="en")
    status: Mapped[str] = mapped_column(sa.String(12), default=QUEUED)
    total_rows: Mapped[int] = mapped_column(default=0)
    processed_rows: Mapped[int] = mapped_column(default=0)
    created_count: Mapped[int] = mapped_column(default=0)
    updated_count: Mapped[int] = mapped_column(default=0)
    unchanged_count: Mapped[int] = mapped_column(default=0)
    # Rejected rows: [{"row": 3, "column": "email", "said": <core.deferred.Message data>}],
    # rendered in each reader's language. Jobs run before 2026-12 hold "message": text.
    errors: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    # Why a whole file was refused, as `core.deferred.Message` data; the other outcomes are
    # said from the status and the counts (`imports.outcome`).
    outcome: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    # Earlier jobs' outcome, written once in the uploader's language; new jobs leave it "".
    message: Mapped[str] = mapped_column(sa.String(500), default="")
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_finished(self) -> bool:
        return self.status in IMPORT_FINISHED

    @property
    def percent(self) -> int:
        if self.status == DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)
