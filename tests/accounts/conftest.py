"""Fixtures for the accounts tests: the mail the platform sent and the links in it."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from webapp.core.outbox import OutboxMessage
from webapp.extensions import db

LINK = re.compile(r"http://localhost(/\S+)")


@pytest.fixture()
def mails(app: Flask) -> Callable[..., list[OutboxMessage]]:
    """`mails(kind, to=email)`: outbox rows of that kind, oldest first."""

    def find(kind: str, to: str | None = None) -> list[OutboxMessage]:
        query = sa.select(OutboxMessage).where(OutboxMessage.kind == kind)
        if to is not None:
            query = query.where(OutboxMessage.recipient == to)
        return list(db.session.scalars(query.order_by(OutboxMessage.id)))

    return find


def link_in(message: OutboxMessage) -> str:
    """The path of the one link in a message's text body."""
    found = LINK.findall(message.body_text)
    assert len(found) == 1, message.body_text
    return found[0]


@pytest.fixture()
def strong_password() -> str:
    return "a long and new passphrase"
