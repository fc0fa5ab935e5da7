"""Building MIME messages from outbox rows, and the SMTP transport that sends them.

Calendar messages are iMIP (RFC 6047): multipart/mixed holding a multipart/alternative of
text, HTML and an inline `text/calendar; method=...` part, plus the same calendar attached
as `invite.ics`. See shared/CALENDAR.md for why each piece is there.
"""

from __future__ import annotations

import base64
import hashlib
import smtplib
import ssl
import threading
from dataclasses import dataclass
from email import quoprimime
from email.charset import QP, Charset
from email.encoders import encode_base64
from email.generator import NLCRE, fcre
from email.header import Header
from email.message import Message
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, parseaddr
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from webapp.core.outbox import OutboxMessage


class TemporaryFailure(Exception):
    """Worth trying again later: a 4xx reply, a refused or dropped connection."""


class PermanentFailure(Exception):
    """Will not succeed by retrying: a 5xx reply."""


@dataclass(frozen=True)
class SMTPSettings:
    host: str
    port: int
    user: str | None
    password: str | None
    starttls: bool
    ssl: bool
    timeout: int

    @classmethod
    def from_config(cls, config: dict) -> SMTPSettings | None:
        if not config.get("SMTP_HOST"):
            return None
        return cls(
            host=config["SMTP_HOST"],
            port=int(config["SMTP_PORT"]),
            user=config.get("SMTP_USER"),
            password=config.get("SMTP_PASSWORD"),
            starttls=bool(config.get("SMTP_STARTTLS")),
            ssl=bool(config.get("SMTP_SSL")),
            timeout=int(config.get("SMTP_TIMEOUT", 30)),
        )


# Text parts as quoted-printable UTF-8: readable in the raw message and 7-bit safe.
_UTF8 = Charset("utf-8")
_UTF8.header_encoding = QP
_UTF8.body_encoding = QP


@lru_cache(maxsize=16)
def _sender(mail_from: str) -> tuple[str, str]:
    """(the From header, the envelope address) of the MAIL_FROM setting, parsed once."""
    name, address = parseaddr(mail_from)
    return formataddr((name, address), charset=_UTF8), address


def message_id_for(idempotency_key: str, mail_from: str) -> str:
    """A Message-ID derived from the idempotency key: a re-send is recognisably the same."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
    domain = _sender(mail_from)[1].rpartition("@")[2] or "puerto.invalid"
    return f"<{digest}@{domain}>"


def _mime_headers(message: OutboxMessage, mail_from: str) -> list[tuple[str, object]]:
    """The message's own headers, after those of its outer part, in `build_mime`'s order."""
    headers: list[tuple[str, object]] = [
        ("From", _sender(mail_from)[0]),
        ("To", message.recipient),
    ]
    if message.reply_to:
        headers.append(("Reply-To", message.reply_to))
    headers += [
        ("Subject", _header(message.subject)),
        ("Date", format_datetime(message.created_at)),
        ("Message-ID", message_id_for(message.idempotency_key, mail_from)),
        ("Content-Language", message.language),
    ]
    if message.calendar_method is None:
        headers.append(("Auto-Submitted", "auto-generated"))
    return headers


def _text(content: str, subtype: str) -> MIMEText:
    return MIMEText(content, subtype, _charset=_UTF8)


def _header(value: str) -> str | Header:
    return value if value.isascii() else Header(value, _UTF8)


def build_mime(message: OutboxMessage, mail_from: str) -> Message:
    """The MIME message for one outbox row. (The `email.mime` classes build the same
    structure as `EmailMessage` several times faster, which the outbox benchmark needs.)"""
    body: Message
    alternatives: list[Message] = [_text(message.body_text, "plain")]
    if message.body_html:
        alternatives.append(_text(message.body_html, "html"))
    calendar = message.calendar_method and message.calendar_content
    if calendar:
        # The inline part clients turn into Accept/Decline buttons ...
        part = _text(message.calendar_content, "calendar")
        part.set_param("method", message.calendar_method)
        alternatives.append(part)
    body = alternatives[0] if len(alternatives) == 1 else MIMEMultipart("alternative")
    if len(alternatives) > 1:
        for part in alternatives:
            body.attach(part)
    attachments: list[Message] = []
    if calendar:
        # ... and the same calendar attached, for clients that only import files.
        ics = MIMEApplication(message.calendar_content.encode("utf-8"), "ics")
        ics.add_header("Content-Disposition", "attachment", filename="invite.ics")
        attachments.append(ics)
    for attachment in message.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        part = MIMEBase(maintype, subtype or "octet-stream")
        part.set_payload(attachment.content)
        encode_base64(part)
        part.add_header("Content-Disposition", "attachment", filename=attachment.filename)
        attachments.append(part)
    mime = body
    if attachments:
        mime = MIMEMultipart("mixed")
        mime.attach(body)
        for part in attachments:
            mime.attach(part)
    for header, value in _mime_headers(message, mail_from):
        mime[header] = value
    return mime


# --- the same message written straight to bytes ----------------------------------------
#
# `build_mime` and then smtplib's flattening cost about 2.5 ms a message, most of it in
# generic machinery: a Header object folded for every header, a regular expression
# compiled for every random boundary, a tree of Message objects. `wire_bytes` writes the
# very bytes smtplib would send for that tree (tests/core/test_mail_wire.py compares them,
# boundaries aside) with the same encoders, for the messages the outbox sends in bulk:
# text, HTML and an iMIP calendar. Anything else (attachments, an address that needs
# SMTPUTF8) keeps the general path.

_CRLF = "\r\n"
# The header folding smtplib's BytesGenerator applies (policy compat32, lines of 78).
_fold = compat32.clone(linesep=_CRLF).fold_binary


def _header_bytes(name: str, value: object) -> bytes:
    # A short one-line ASCII value folds to itself; the rest goes through the real folding.
    if (
        isinstance(value, str)
        and len(name) + len(value) <= 76
        and value.isascii()
        and value.isprintable()
    ):
        return f"{name}: {value}{_CRLF}".encode("ascii")
    return _fold(name, value)


def _lines(payload: str) -> str:
    """A body as the generator writes it: CRLF line ends, a line starting "From " quoted
    (compat32's mangle_from_, which smtplib's generator applies)."""
    return _CRLF.join(NLCRE.split(fcre.sub(">From ", payload)))


def _qp_part(content: str, content_type: str) -> bytes:
    """A MIMEText part with the utf-8 quoted-printable charset, as `_text` makes it."""
    body = quoprimime.body_encode(content.encode("utf-8").decode("latin-1")) if content else ""
    if content_type.startswith("text/calendar;"):  # set_param moved Content-Type last
        head = (
            "MIME-Version: 1.0\r\nContent-Transfer-Encoding: quoted-printable\r\n"
            f"Content-Type: {content_type}\r\n"
        )
    else:
        head = (
            f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n"
        )
    return f"{head}{_CRLF}{_lines(body)}".encode("ascii")


def _ics_part(content: str) -> bytes:
    encoded = base64.encodebytes(content.encode("utf-8")).decode("ascii")  # encode_base64's
    return (
        "Content-Type: application/ics\r\nMIME-Version: 1.0\r\n"
        "Content-Transfer-Encoding: base64\r\n"
        'Content-Disposition: attachment; filename="invite.ics"\r\n'
        f"{_CRLF}{_lines(encoded)}"
    ).encode("ascii")


def _multipart(subtype: str, boundary: str, parts: list[bytes]) -> tuple[bytes, bytes]:
    """(the Content-Type and MIME-Version headers, the body) of a multipart."""
    separator = f"{_CRLF}--{boundary}{_CRLF}".encode("ascii")
    body = (
        f"--{boundary}{_CRLF}".encode("ascii")
        + separator.join(parts)
        + f"{_CRLF}--{boundary}--{_CRLF}".encode("ascii")
    )
    head = (
        f'Content-Type: multipart/{subtype}; boundary="{boundary}"{_CRLF}MIME-Version: 1.0{_CRLF}'
    )
    return head.encode("ascii"), body


def boundaries_for(idempotency_key: str) -> tuple[str, str]:
    """(multipart/mixed, multipart/alternative) boundaries of a message. They cannot occur
    in its parts: quoted-printable writes "=" as "=3D" (or at a line's end), base64 has no
    "_"."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:24]
    return f"=_m{digest}", f"=_a{digest}"


def _split(part: bytes) -> tuple[bytes, bytes]:
    head, _, body = part.partition(b"\r\n\r\n")
    return head + b"\r\n", body


def wire_bytes(message: OutboxMessage, mail_from: str) -> bytes | None:
    """What smtplib would send for `build_mime(message, mail_from)` (its boundaries those
    of `boundaries_for`), or None when the message needs the general path."""
    if message.attachments or not (message.recipient + _sender(mail_from)[1]).isascii():
        return None  # attachments, or an envelope that needs SMTPUTF8 (send_message's care)
    method = message.calendar_method
    calendar = method and message.calendar_content
    if calendar and not (method.isascii() and method.isalnum()):
        return None
    parts = [_qp_part(message.body_text, 'text/plain; charset="utf-8"')]
    if message.body_html:
        parts.append(_qp_part(message.body_html, 'text/html; charset="utf-8"'))
    if calendar:
        parts.append(
            _qp_part(
                message.calendar_content, f'text/calendar; charset="utf-8"; method="{method}"'
            )
        )
    mixed, alternative = boundaries_for(message.idempotency_key)
    if len(parts) == 1:
        head, body = _split(parts[0])
    else:
        head, body = _multipart("alternative", alternative, parts)
    if calendar:
        head, body = _multipart(
            "mixed", mixed, [head + b"\r\n" + body, _ics_part(message.calendar_content)]
        )
    own = b"".join(_header_bytes(n, v) for n, v in _mime_headers(message, mail_from))
    return head + own + b"\r\n" + body


class SMTPTransport:
    """Sends through one kept-alive SMTP connection per worker thread, reconnecting when
    the server drops it."""

    def __init__(self, settings: SMTPSettings) -> None:
        self.settings = settings
        self._connections: dict[int, smtplib.SMTP] = {}
        self._lock = threading.Lock()

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        try:
            if s.ssl:
                conn: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=s.timeout, context=ssl.create_default_context()
                )
            else:
                conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
                if s.starttls:
                    conn.starttls(context=ssl.create_default_context())
            if s.user:
                conn.login(s.user, s.password or "")
        except smtplib.SMTPResponseException as exc:
            raise classify(exc) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise TemporaryFailure(f"cannot connect to {s.host}:{s.port}: {exc}") from exc
        return conn

    def _connection(self) -> tuple[smtplib.SMTP, bool]:
        """This thread's connection, and whether it was already open."""
        key = threading.get_ident()
        with self._lock:
            conn = self._connections.get(key)
        if conn is not None:
            return conn, True
        conn = self._connect()
        with self._lock:
            self._connections[key] = conn
        return conn, False

    def _drop(self, quit_politely: bool = False) -> None:
        with self._lock:
            conn = self._connections.pop(threading.get_ident(), None)
        if conn is not None:
            _close(conn, quit_politely)

    def close(self) -> None:
        """Close every thread's connection."""
        with self._lock:
            connections = list(self._connections.values())
            self._connections.clear()
        for conn in connections:
            _close(conn, quit_politely=True)

    def send(self, mime: Message | bytes, recipient: str, mail_from: str) -> None:
        """Send a message: a `build_mime` tree, or the bytes `wire_bytes` wrote."""
        envelope_from = _sender(mail_from)[1]
        for attempt in (1, 2):
            conn, reused = self._connection()
            try:
                if isinstance(mime, bytes):
                    refused = conn.sendmail(envelope_from, [recipient], mime)
                else:
                    refused = conn.send_message(
                        mime, from_addr=envelope_from, to_addrs=[recipient]
                    )
            except smtplib.SMTPServerDisconnected as exc:
                self._drop()
                if reused and attempt == 1:
                    continue  # a kept-alive connection the server closed: one fresh try
                raise TemporaryFailure(f"server disconnected: {exc}") from exc
            except smtplib.SMTPRecipientsRefused as exc:
                self._reset(conn)
                code, text = next(iter(exc.recipients.values()))
                raise classify(smtplib.SMTPResponseException(code, text)) from exc
            except smtplib.SMTPResponseException as exc:
                self._reset(conn)
                raise classify(exc) from exc
            except (OSError, smtplib.SMTPException) as exc:
                self._drop()
                raise TemporaryFailure(str(exc)) from exc
            if refused:
                code, text = next(iter(refused.values()))
                raise classify(smtplib.SMTPResponseException(code, text))
            return

    def _reset(self, conn: smtplib.SMTP) -> None:
        """After a refused transaction, RSET so the connection can carry the next message."""
        try:
            conn.rset()
        except (OSError, smtplib.SMTPException):
            self._drop()


def _close(conn: smtplib.SMTP, quit_politely: bool) -> None:
    try:
        if quit_politely:
            conn.quit()
    except (OSError, smtplib.SMTPException):
        pass
    finally:
        conn.close()


def classify(exc: smtplib.SMTPResponseException) -> Exception:
    text = exc.smtp_error
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    reason = f"{exc.smtp_code} {text}".strip()
    if 400 <= exc.smtp_code < 500:
        return TemporaryFailure(reason)
    return PermanentFailure(reason)


_transports: dict[SMTPSettings, SMTPTransport] = {}
_transports_lock = threading.Lock()


def transport_for(settings: SMTPSettings) -> SMTPTransport:
    with _transports_lock:
        if settings not in _transports:
            _transports[settings] = SMTPTransport(settings)
        return _transports[settings]


def close_transports() -> None:
    with _transports_lock:
        for transport in _transports.values():
            transport.close()
        _transports.clear()
