"""The directory's refusals. Each is a `core.errors.RuleError`: a message for the person
who asked, and the field it concerns when there is one."""

from __future__ import annotations

from webapp.core.deferred import Message
from webapp.core.errors import RuleError


class InvalidEntry(RuleError):
    """Bad directory input, with a message for the person who typed it."""


class ImportFileError(InvalidEntry):
    """A file that cannot be imported at all, with a message for the uploader."""

    def __init__(self, message: str | Message) -> None:
        super().__init__(message, "file")


class RefreshRefused(RuleError):
    """A request the Secretariat asked for that cannot be sent; the message says why."""


class RefreshLinkError(Exception):
    """A review link that cannot be used: "invalid", "expired" or "revoked" (the holder is
    no longer a focal point of the state)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
