"""What an attendee's calendar holds after it applied a sequence of iTIP messages, as each
parser reads them (RFC 5546 3.2: a REQUEST with the master replaces the whole event of
its UID, one holding only overrides replaces those instances; a CANCEL without
RECURRENCE-ID removes the event, one with RECURRENCE-IDs removes those instances).

Messages are applied in order and each carries a higher SEQUENCE than the one before it
(the tests check that separately); one UID per message, as ours are.
"""

from __future__ import annotations

from tests.calendar_clients.readers import (
    Occurrence,
    ical_js,
    python_calendar,
    python_occurrences,
)


def _read_ical_js(text: str) -> tuple[str, str, bool, list[Occurrence]]:
    read = ical_js(text)
    (method,) = read["method"]
    (uid,) = {event["uid"] for event in read["events"]}
    has_master = any(event["recurrence_id"] is None for event in read["events"])
    found = [
        Occurrence(o["recurrence_id_utc"], o["start_utc"], o["end_utc"], o["summary"])
        for o in read["occurrences"]
    ]
    return method, uid, has_master, found


def _read_python(text: str) -> tuple[str, str, bool, list[Occurrence]]:
    calendar = python_calendar(text)
    events = calendar.walk("VEVENT")
    (uid,) = {str(event["UID"]) for event in events}
    has_master = any("RECURRENCE-ID" not in event for event in events)
    return str(calendar["METHOD"]), uid, has_master, python_occurrences(text)


READERS = {"ical.js": _read_ical_js, "icalendar": _read_python}


def _key(occurrence: Occurrence) -> int:
    return occurrence.recurrence_id if occurrence.recurrence_id is not None else occurrence.start


def applied(texts: list[str], reader: str) -> list[Occurrence]:
    """Every occurrence left in the calendar after `texts`, read by `reader`."""
    store: dict[str, dict[int, Occurrence]] = {}
    for text in texts:
        method, uid, has_master, found = READERS[reader](text)
        if method == "REQUEST" and has_master:
            store[uid] = {_key(o): o for o in found}
        elif method == "REQUEST":
            store.setdefault(uid, {}).update({_key(o): o for o in found})
        elif method == "CANCEL" and has_master:
            store.pop(uid, None)
        elif method == "CANCEL":
            for occurrence in found:
                store.get(uid, {}).pop(_key(occurrence), None)
        else:
            raise AssertionError(f"unexpected METHOD {method}")
    return sorted(o for instances in store.values() for o in instances.values())
