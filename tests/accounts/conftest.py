"""Fixtures for the accounts tests: the links in the mail the platform sent."""

from __future__ import annotations

import re

import pytest

from webapp.core.outbox import OutboxMessage

LINK = re.compile(r"http://localhost(/\S+)")


def link_in(message: OutboxMessage) -> str:
    """The path of the one link in a message's text body."""
    found = LINK.findall(message.body_text)
    assert len(found) == 1, message.body_text
    return found[0]


@pytest.fixture()
def strong_password() -> str:
    return "a long and new passphrase"
