"""A real SMTP server on loopback (aiosmtpd) that records what it receives and can be told
to answer with temporary or permanent errors."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass
class Received:
    mail_from: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=email.policy.default)


class _Handler:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.scripted: deque[str] = deque()
        self.lock = threading.Lock()
        self.arrived = threading.Condition(self.lock)
        self.delay = 0.0
        self.connections = 0
        self.on_mail: Callable[[int], None] | None = None

    async def handle_EHLO(
        self, server: object, session: object, envelope: object, hostname: str, responses: list
    ) -> list:
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_MAIL(
        self, server: object, session: object, envelope: object, address: str, options: list
    ) -> str:
        # A slow server is slow before the message is handed over, so a client that dies
        # while waiting has not delivered anything.
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.on_mail is not None:
            with self.lock:
                accepted = len(self.received)
            self.on_mail(accepted)
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        with self.lock:
            if self.scripted:
                return self.scripted.popleft()
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
            )
            self.arrived.notify_all()
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SMTPServer:
    """`with SMTPServer() as server: ... server.port ... server.wait_for(1)`"""

    def __init__(self) -> None:
        self.handler = _Handler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SMTPServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def fail_next(self, *replies: str) -> None:
        """Answer the next DATA commands with these replies, e.g. "451 4.3.0 Try later"."""
        with self.handler.lock:
            self.handler.scripted.extend(replies)

    @property
    def connections(self) -> int:
        """How many SMTP sessions clients have opened (EHLO) so far."""
        with self.handler.lock:
            return self.handler.connections

    def on_mail(self, callback: Callable[[int], None] | None) -> None:
        """Call `callback(messages accepted so far)` as each message's sender is given,
        before that message is accepted (on the server's thread)."""
        self.handler.on_mail = callback

    def slow_down(self, seconds: float) -> None:
        """Wait this long before accepting each message's sender (0: answer at once)."""
        self.handler.delay = seconds

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        with self.handler.arrived:
            while len(self.handler.received) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self.handler.arrived.wait(remaining)
            return list(self.handler.received)
