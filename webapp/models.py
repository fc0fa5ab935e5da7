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

__all__ = [
    "Agency",
    "Area",
    "AuditEntry",
    "DataVersion",
    "DirectorySettings",
    "ImportJob",
    "LoginAttempt",
    "MemberState",
    "Organization",
    "OutboxAttachment",
    "OutboxMessage",
    "PermanentObserver",
    "PointOfContact",
    "RefreshRequest",
    "TaskLock",
    "User",
]
