"""Imports every model, so `db.metadata` is complete for Alembic and `create_all`."""

from webapp.accounts.models import LoginAttempt, User
from webapp.core.audit import AuditEntry
from webapp.core.freshness import DataVersion
from webapp.core.locks import TaskLock
from webapp.core.outbox import OutboxAttachment, OutboxMessage
from webapp.core.reference import MemberState, Organization, PermanentObserver
from webapp.directory.models import (
    Agency,
    Area,
    DirectorySettings,
    ImportJob,
    PointOfContact,
    RefreshRequest,
)
from webapp.meetings.models import (
    ActionItem,
    AgendaItem,
    CalendarSubscription,
    ExternalActivity,
    MeetingDocument,
    MeetingRecord,
    MeetingSeries,
    Occurrence,
    Participant,
    ReminderSent,
)

__all__ = [
    "ActionItem",
    "Agency",
    "AgendaItem",
    "Area",
    "AuditEntry",
    "CalendarSubscription",
    "DataVersion",
    "DirectorySettings",
    "ExternalActivity",
    "ImportJob",
    "LoginAttempt",
    "MeetingDocument",
    "MeetingRecord",
    "MeetingSeries",
    "MemberState",
    "Occurrence",
    "Organization",
    "OutboxAttachment",
    "OutboxMessage",
    "Participant",
    "PermanentObserver",
    "PointOfContact",
    "RefreshRequest",
    "ReminderSent",
    "TaskLock",
    "User",
]
