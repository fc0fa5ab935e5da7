"""The ways accounts refuse: a rule that refused a change (`AccountError`, a field-tagged
`RuleError` the form shows next to the field) and a signed link that cannot be used
(`LinkError`, whose reason the link's page explains in its owner's language)."""

from __future__ import annotations

from webapp.accounts.models import User
from webapp.core.errors import RuleError


class AccountError(RuleError):
    """A rule refused the change to an account."""


class LinkError(Exception):
    """An invitation or reset link that cannot be used, and why."""

    EXPIRED, USED, REPLACED, INVALID = "expired", "used", "replaced", "invalid"

    def __init__(self, reason: str, user: User | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.user = user  # whose link it was, when known: the page speaks their language
