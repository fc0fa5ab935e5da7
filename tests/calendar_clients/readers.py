"""Read our calendars back with parsers that are not ours: ical.js (Thunderbird's, under Node)
and icalendar + recurring-ical-events in Python.

The Python readers are given the text with every TZID renamed (`X-Test/<zone>`), so that
they must place times with the VTIMEZONE blocks we wrote, not with their own copy of the
tz database; ical.js only ever uses the file's VTIMEZONE (read_ics.mjs refuses otherwise).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events

HERE = Path(__file__).parent
SCRIPT = HERE / "read_ics.mjs"


@dataclass(frozen=True, order=True)
class Occurrence:
    """One occurrence as a parser placed it: UTC instants, in seconds since the epoch."""

    recurrence_id: int | None
    start: int
    end: int
    summary: str


def _node() -> str:
    node = shutil.which("node")
    if node is None or not (HERE / "node_modules" / "ical.js").is_dir():
        pytest.fail(
            "ical.js is not installed: `make calendar-clients` "
            "(npm ci --prefix tests/calendar_clients) needs Node.js and npm"
        )
    return node


def _run(text: str, *args: str, stdin: str | None = None) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "invite.ics"
        path.write_bytes(text.encode("utf-8"))
        done = subprocess.run(
            [_node(), str(SCRIPT), str(path), *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 0, f"ical.js could not read the calendar: {done.stderr}"
    return json.loads(done.stdout)


def ical_js(text: str) -> dict:
    """What ical.js read: {method, events: [...], occurrences: [...]} (see read_ics.mjs)."""
    return _run(text)


def ical_js_occurrences(text: str) -> list[Occurrence]:
    return sorted(
        Occurrence(o["recurrence_id_utc"], o["start_utc"], o["end_utc"], o["summary"])
        for o in ical_js(text)["occurrences"]
    )


def ical_js_offsets(text: str, zone: str, instants: list[int]) -> list[int]:
    """The UTC offsets ical.js gives those instants with the file's VTIMEZONE for `zone`."""
    return _run(text, "--offsets", stdin=json.dumps({zone: instants}))[zone]


def renamed(text: str) -> str:
    """The calendar with every TZID renamed so that a reader must use our VTIMEZONE."""
    return text.replace("TZID:", "TZID:X-Test/").replace("TZID=", "TZID=X-Test/")


def python_calendar(text: str) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(renamed(text))


def python_occurrences(text: str) -> list[Occurrence]:
    """recurring-ical-events' expansion (RRULE, EXDATE, RECURRENCE-ID) on icalendar."""
    calendar = python_calendar(text)
    found = []
    for event in recurring_ical_events.of(calendar).between(
        datetime(1990, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
    ):
        start, end = event["DTSTART"].dt, event["DTEND"].dt
        assert start.tzinfo is not None and end.tzinfo is not None, "a floating time"
        recurrence_id = event.get("RECURRENCE-ID")
        found.append(
            Occurrence(
                _seconds(recurrence_id.dt) if recurrence_id is not None else None,
                _seconds(start),
                _seconds(end),
                str(event["SUMMARY"]),
            )
        )
    return sorted(found)


def seconds(value: datetime) -> int:
    return _seconds(value)


def _seconds(value: datetime) -> int:
    assert value.tzinfo is not None
    return int(value.astimezone(UTC).timestamp())
