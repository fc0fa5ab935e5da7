"""The lexical layer of iCalendar (RFC 5545 section 3): values, parameters, folding, CRLF."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

# RFC 5545 3.3.11 allows no control characters in TEXT other than HTAB (line breaks are \n).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_ADDRESS = re.compile(r"^[^\s\"<>\\;:,]+@[^\s\"<>\\;:,@]+$")


def text(value: str) -> str:
    """A TEXT value: backslash, semicolon, comma and line breaks escaped (3.3.11)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROLS.sub("", value)
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def param(value: str) -> str:
    """A parameter value, always quoted. A quoted string cannot hold DQUOTE or line breaks,
    and Outlook does not read RFC 6868 escapes, so those become an apostrophe and a space."""
    value = re.sub(r"[\r\n\t]+", " ", value)
    value = _CONTROLS.sub("", value).replace('"', "'")
    return f'"{value.strip()}"'


def mailto(email: str) -> str:
    email = email.strip()
    if not _ADDRESS.match(email):
        raise ValueError(f"not an address a calendar can carry: {email!r}")
    return f"mailto:{email}"


def uri(value: str) -> str:
    """A URI value (not TEXT: commas and semicolons stay as they are, nothing to escape)."""
    if re.search(r"[\s\x00-\x1f\x7f\"]", value):
        raise ValueError(f"a URI cannot hold spaces, quotes or line breaks: {value!r}")
    return value


def utc(value: datetime) -> str:
    """`20260301T150000Z` (DTSTAMP, UNTIL, CREATED...)."""
    if value.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; pass an aware datetime")
    return f"{value.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def wall_clock(value: datetime, zone: str) -> datetime:
    """The aware `value` as wall-clock time in `zone` (aware, with fold set when ambiguous)."""
    if value.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; pass an aware datetime")
    # Through UTC: astimezone() to the same tzinfo would keep a non-existent wall-clock time.
    return value.astimezone(UTC).astimezone(ZoneInfo(zone))


def local(value: datetime, zone: str) -> str:
    """`;TZID=America/New_York:20260301T100000` (the parameters and the value of a property).

    The second of two equal wall-clock times (fold=1) cannot be said with a TZID, as every
    reader takes the first (RFC 5545 3.3.5); those are written in UTC instead."""
    wall = wall_clock(value, zone)
    if wall.fold and _is_ambiguous(wall):
        return f":{utc(value)}"
    return f";TZID={zone}:{wall:%Y%m%dT%H%M%S}"


def _is_ambiguous(wall: datetime) -> bool:
    return wall.replace(fold=0).utcoffset() != wall.replace(fold=1).utcoffset()


def fold(line: str) -> str:
    """One content line folded at 75 octets without splitting a UTF-8 sequence (3.1)."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    limit = 75
    # Units never split: a UTF-8 character, and an escape such as "\\," (some readers
    # unescape before they unfold).
    for char in re.findall(r"\\.|.", line, flags=re.DOTALL):
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, 74  # a continuation line starts with a space
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def document(lines: Iterable[str]) -> str:
    """The folded lines joined with CRLF, ending with CRLF."""
    return "".join(fold(line) + "\r\n" for line in lines)
