"""The bytes the outbox hands to SMTP for a message without attachments are written
directly (`mail.wire_bytes`), not by flattening a `build_mime` tree: they must be the very
bytes smtplib's `send_message` writes for that tree, boundaries aside."""

from __future__ import annotations

import copy
import io
import random
from datetime import UTC, datetime
from email.generator import BytesGenerator
from email.message import Message

import pytest

from webapp.core.mail import boundaries_for, build_mime, wire_bytes
from webapp.core.outbox import OutboxAttachment, OutboxMessage

MAIL_FROM = "Puerto <puerto@localhost>"

CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Puerto//EN\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:series-1@puerto\r\nSUMMARY:Reunión de autoridades aduaneras\\, "
    "fronteras y puertos de entrada del hemisferio occidental\r\n"
    "ATTENDEE;CN=Ana;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;ROLE=REQ-PARTICIPANT:mailto:a\r\n"
    " na@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def row(**fields: object) -> OutboxMessage:
    values: dict[str, object] = {
        "idempotency_key": "meeting-invite:7:0",
        "kind": "meeting-invitation",
        "recipient": "ana@example.org",
        "reply_to": "organizer@example.org",
        "language": "es",
        "subject": "Invitación: Reunión regional",
        "body_text": "Estimada Ana:\n\nLe invitamos.\n",
        "body_html": "<p>Estimada Ana:</p>\n<p>Le invitamos.</p>\n",
        "calendar_method": "REQUEST",
        "calendar_content": CALENDAR,
        "created_at": datetime(2027, 1, 4, 12, 0, 5, tzinfo=UTC),
    }
    values.update(fields)
    return OutboxMessage(**values)


def as_smtplib_writes(message: OutboxMessage, mail_from: str = MAIL_FROM) -> bytes:
    """`build_mime`'s tree flattened as `smtplib.SMTP.send_message` flattens it, with the
    boundaries `wire_bytes` uses."""
    mime = build_mime(message, mail_from)
    mixed, alternative = boundaries_for(message.idempotency_key)
    parts: list[Message] = [mime]
    while parts:
        part = parts.pop()
        if part.is_multipart():
            part.set_boundary(mixed if part.get_content_subtype() == "mixed" else alternative)
            parts.extend(part.get_payload())
    out = io.BytesIO()
    BytesGenerator(out).flatten(copy.copy(mime), linesep="\r\n")
    return out.getvalue()


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"calendar_method": None, "calendar_content": None},
        {"calendar_method": None, "calendar_content": None, "body_html": None},
        {"calendar_method": None, "calendar_content": None, "body_html": None, "reply_to": None},
        {"calendar_method": "CANCEL", "subject": "Cancelled: a meeting"},
        {"body_html": None},
        {"subject": "Invitation: " + "a very long title that goes on " * 4},
        {"subject": "Convite: " + "uma reunião com um título muito longo " * 4},
        {"body_text": "", "body_html": ""},
        {"body_text": "From the Secretariat\n.\n.. a line\nend with spaces   \n\ttab\r\nx=1\r"},
        {"body_text": "é" * 200 + "\n" + "a" * 300 + " \n" + "=" * 90},
        {"language": ""},
    ],
)
def test_the_bytes_written_are_those_smtplib_writes_for_the_mime_tree(fields):
    message = row(**fields)
    assert wire_bytes(message, MAIL_FROM) == as_smtplib_writes(message)


def test_a_sender_named_in_another_script_is_written_as_smtplib_writes_it():
    message = row()
    sender = "Secretaría de Seguridad Multidimensional — Organización <puerto@example.org>"
    assert wire_bytes(message, sender) == as_smtplib_writes(message, sender)


def test_random_texts_are_written_as_smtplib_writes_them():
    pieces = ["a", "Z", " ", "  ", "\t", "=", "==", ".", "From ", "\n", "\r\n", "\r", "é",
              "ç", "日本", "😀", ";", ",", '"', "=?utf-8?q?x?=", "-", "_", "x" * 80,
              "word "]  # fmt: skip
    chance = random.Random(8)

    def text(most: int) -> str:
        return "".join(chance.choice(pieces) for _ in range(chance.randrange(most)))

    for n in range(300):
        message = row(
            idempotency_key=f"fuzz:{n}",
            subject=text(30).replace("\n", " ").replace("\r", " "),
            body_text=text(200),
            body_html=text(200) or None,
            calendar_content=text(200) or CALENDAR,
            calendar_method=chance.choice(["REQUEST", "CANCEL", None]),
        )
        assert wire_bytes(message, MAIL_FROM) == as_smtplib_writes(message), n


def test_the_boundaries_occur_only_as_boundaries():
    message = row(body_text="--=_m and =_a, and " + "=" * 200, calendar_content=CALENDAR * 3)
    mixed, alternative = boundaries_for(message.idempotency_key)
    written = wire_bytes(message, MAIL_FROM)
    lines = written.split(b"\r\n")
    for boundary in (mixed, alternative):
        assert (
            written.count(boundary.encode())
            == sum(
                line in (f"--{boundary}".encode(), f"--{boundary}--".encode()) for line in lines
            )
            + 1
        )  # and once in the Content-Type header


def test_attachments_and_addresses_needing_smtputf8_take_the_general_path():
    with_file = row()
    with_file.attachments = [
        OutboxAttachment(filename="agenda.pdf", content_type="application/pdf", content=b"%PDF")
    ]
    assert wire_bytes(with_file, MAIL_FROM) is None
    assert wire_bytes(row(recipient="josé@example.org"), MAIL_FROM) is None
