"""Imports every model, so `db.metadata` is complete for Alembic and `create_all`."""

from webapp.accounts.models import LoginAttempt, User
from webapp.core.audit import AuditEntry
from webapp.core.locks import TaskLock
from webapp.core.outbox import OutboxAttachment, OutboxMessage
from webapp.core.reference import MemberState, Organization, PermanentObserver

__all__ = [
    "AuditEntry",
    "LoginAttempt",
    "MemberState",
    "Organization",
    "OutboxAttachment",
    "OutboxMessage",
    "PermanentObserver",
    "TaskLock",
    "User",
]
