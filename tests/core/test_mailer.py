"""Writing mail (core.mailer.compose): rendered as its reader reads, one outbox row per
idempotency key, calendar parts and attachments passed through."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_babel import gettext as _
from jinja2 import ChoiceLoader, DictLoader

from webapp.core import mailer
from webapp.core.outbox import Attachment, OutboxMessage
from webapp.extensions import db

MOMENT = datetime(2027, 1, 15, 15, 0, tzinfo=UTC)
CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Puerto//EN\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:meeting-1@puerto\r\nDTSTAMP:20261129T120000Z\r\n"
    "DTSTART:20270115T150000Z\r\nSEQUENCE:0\r\nSUMMARY:Meeting\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


@pytest.fixture()
def template(app: Flask) -> Iterator[str]:
    """A message template that shows a translated word and a time in the reader's zone."""
    body = '{{ _("Name") }}: {{ person }}, {{ moment|datetime_tz("short") }}'
    original = app.jinja_env.loader
    app.jinja_env.loader = ChoiceLoader(
        [
            DictLoader({"test/mail/note.txt": body, "test/mail/note.html": f"<p>{body}</p>"}),
            original,
        ]
    )
    yield "test/mail/note"
    app.jinja_env.loader = original


def compose(template: str, to: mailer.Recipient, key: str = "note:1", **options: object):
    return mailer.compose(
        "test-note",
        to,
        subject=lambda: _("Name"),
        template=template,
        key=key,
        context={"person": "Ana", "moment": MOMENT},
        **options,
    )


def rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def test_the_message_is_written_in_the_recipient_language_and_zone(app, template):
    compose(template, mailer.Recipient("ana@example.org", "Ana", "es", "America/Mexico_City"))
    [row] = rows()
    assert row.language == "es"
    assert row.subject == "Nombre"
    assert row.body_text.startswith("Nombre: Ana, ")
    assert "9:00 (America/Mexico_City)" in row.body_text  # 15:00 UTC
    assert row.body_html.startswith("<p>Nombre: Ana")


def test_an_unknown_language_and_zone_fall_back_to_the_platform_defaults(app, template):
    compose(template, mailer.Recipient("ana@example.org", "Ana", "xx", "Mars/Olympus_Mons"))
    [row] = rows()
    assert row.language == app.config["BABEL_DEFAULT_LOCALE"] == "en"
    assert row.subject == "Name"
    assert f"({app.config['DEFAULT_TIMEZONE']})" in row.body_text


def test_the_sender_page_language_does_not_leak_into_the_message(app, template):
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        compose(template, mailer.Recipient("ana@example.org", "Ana", "pt", "UTC"))
        assert _("Name") == "Nom"  # the sender's page is still in French afterwards
    [row] = rows()
    assert row.subject == "Nome"


def test_a_second_compose_with_the_same_key_is_a_no_op(app, template):
    to = mailer.Recipient("ana@example.org", "Ana", "es", "UTC")
    first = compose(template, to, key="note:7")
    second = compose(template, to, key="note:7")
    db.session.commit()
    assert first is not None
    assert second is None
    assert len(rows()) == 1


def test_calendar_parts_and_attachments_are_passed_to_the_outbox(app, template):
    compose(
        template,
        mailer.Recipient("ana@example.org", "Ana", "en", "UTC"),
        calendar=("REQUEST", CALENDAR),
        attachments=[Attachment("agenda.txt", "text/plain", b"Agenda")],
    )
    [row] = rows()
    assert row.calendar_method == "REQUEST"
    assert row.calendar_content == CALENDAR
    assert [(a.filename, a.content) for a in row.attachments] == [("agenda.txt", b"Agenda")]
