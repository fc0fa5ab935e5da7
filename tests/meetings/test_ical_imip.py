"""An invitation as it arrives (RFC 6047 iMIP): written by our calendar engine, put in the
outbox, delivered to a real SMTP server, and read back out of the received mail by ical.js
with every occurrence still at zoneinfo's instant."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.calendar_clients.readers import ical_js, ical_js_occurrences, seconds
from webapp.core import outbox
from webapp.core.outbox import Email
from webapp.extensions import db
from webapp.meetings import ical

ST_JOHNS = ZoneInfo("America/St_Johns")


def series() -> ical.Event:
    start = datetime(2026, 10, 27, 9, 30, tzinfo=ST_JOHNS)  # over 1 November's change
    return ical.Event(
        uid=ical.uid_for("series", 41, "puerto.example"),
        sequence=1,
        summary="Réunion régionale; douanes, ports\nBEGIN:VEVENT",
        description="Ordre du jour:\n1. Ouverture\n2. Ports d'entrée — coopération " * 4,
        start=start,
        end=start + timedelta(hours=3),
        zone="America/St_Johns",
        organizer_email="organizer@puerto.example",
        organizer_name="Secrétariat",
        attendees=(ical.Attendee("delegue@douanes.example", "Délégué, Haïti"),),
        location="St. John's, NL",
        recurrence=ical.Recurrence("WEEKLY", count=4),
    )


def send(method: str, text: str, key: str) -> None:
    outbox.enqueue(
        Email(
            kind="meeting_invitation",
            recipient="delegue@douanes.example",
            subject="Invitation",
            body_text="Invitation",
            body_html="<p>Invitation</p>",
            idempotency_key=key,
            language="fr",
            reply_to="organizer@puerto.example",
            calendar_method=method,
            calendar_content=text,
        )
    )
    db.session.commit()


def test_a_request_arrives_as_imip_and_reads_back_at_zoneinfos_instants(app, smtp_server):
    text = ical.request([series()], dtstamp=datetime(2026, 10, 1, tzinfo=UTC))
    send("REQUEST", text, "meeting:41:invite")
    [received] = smtp_server.wait_for(1)
    mime = received.message
    assert mime.get_content_type() == "multipart/mixed"
    alternative, attachment = mime.get_payload()
    parts = alternative.get_payload()
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html", "text/calendar"]
    inline = parts[2]
    assert inline.get_param("method") == "REQUEST"
    assert inline.get("Content-Disposition") is None
    assert attachment.get_filename() == "invite.ics"

    # Byte for byte what we wrote: CRLF, folding and UTF-8 survive the transfer encoding.
    assert inline.get_payload(decode=True) == text.encode("utf-8")
    assert attachment.get_payload(decode=True) == text.encode("utf-8")

    arrived = inline.get_payload(decode=True).decode("utf-8")
    read = ical_js(arrived)
    assert read["method"] == [inline.get_param("method")]
    wall = [datetime(2026, 10, 27, 9, 30) + timedelta(weeks=n) for n in range(4)]
    expected = [seconds(w.replace(tzinfo=ST_JOHNS)) for w in wall]
    assert [o.start for o in ical_js_occurrences(arrived)] == expected
    assert expected[1] - expected[0] == 7 * 86400 + 3600  # the change is really crossed
    assert read["events"][0]["summary"] == "Réunion régionale; douanes, ports\nBEGIN:VEVENT"


def test_a_cancel_arrives_with_method_cancel_in_the_mime_part_and_the_calendar(app, smtp_server):
    event = series()
    cancelled = ical.cancel(
        [
            replace(
                event,
                sequence=2,
                recurrence=None,
                recurrence_id=event.start + timedelta(weeks=1),
                start=event.start + timedelta(weeks=1),
                end=event.end + timedelta(weeks=1),
            )
        ],
        dtstamp=datetime(2026, 10, 2, tzinfo=UTC),
    )
    send("CANCEL", cancelled, "meeting:41:cancel:2")
    [received] = smtp_server.wait_for(1)
    [inline] = [p for p in received.message.walk() if p.get_content_type() == "text/calendar"]
    assert inline.get_param("method") == "CANCEL"
    read = ical_js(inline.get_payload(decode=True).decode("utf-8"))
    assert read["method"] == ["CANCEL"]
    (occurrence,) = read["occurrences"]
    assert occurrence["status"] == "CANCELLED"
    assert occurrence["start_utc"] == seconds(datetime(2026, 11, 3, 9, 30, tzinfo=ST_JOHNS))
