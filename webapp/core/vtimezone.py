"""VTIMEZONE blocks that every calendar client reads the same way as Python's zoneinfo.

Contract:
- The zone's *current* rule comes from the POSIX TZ string at the end of its TZif file
  (the file zoneinfo itself reads) and is written as one DAYLIGHT and one STANDARD block
  with a yearly RRULE, or one STANDARD block for a zone without daylight saving. Never
  RDATE lists: ical.js (Thunderbird) reads only the first RDATE value and Outlook shifts them.
- When the span asked for reaches back before the rule took effect (Mexico abolished DST
  in 2022, Paraguay moved to permanent -03 in 2024...), each earlier change inside the span
  is written as its own block (DTSTART with TZOFFSETFROM/TO, no RRULE), so occurrences
  before the change are placed right too.
- The text depends only on the zone, its data and the years of the span: the same series
  gets the same block in every message.
"""

from __future__ import annotations

import re
import struct
import zoneinfo
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path

_EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class _Change:
    """One change of UTC offset: at `at` (UTC seconds) from `before` to `after` seconds."""

    at: int
    before: int
    after: int
    isdst: bool
    name: str


@dataclass(frozen=True)
class _Spec:
    """A POSIX rule date: kind "M" (month, week, weekday), "J" (1..365) or "N" (0..365)."""

    kind: str
    month: int
    week: int
    weekday: int  # 0 = Sunday, as in POSIX
    day: int
    seconds: int  # local time of the change, may be negative or 24h and more


@dataclass(frozen=True)
class _Rule:
    std_name: str
    std_offset: int
    dst_name: str | None = None
    dst_offset: int | None = None
    start: _Spec | None = None  # into daylight time, in standard local time
    end: _Spec | None = None  # back to standard time, in daylight local time


def vtimezone_lines(zone: str, first: datetime, last: datetime) -> list[str]:
    """Unfolded content lines `BEGIN:VTIMEZONE` .. `END:VTIMEZONE` for `zone`, right for every
    instant from `first` to `last` (aware datetimes) and under the zone's current rule after.
    """
    if first.tzinfo is None or last.tzinfo is None:
        raise ValueError("first and last must be aware datetimes")
    return list(_lines(zone, first.astimezone(UTC).year, last.astimezone(UTC).year))


@lru_cache(maxsize=512)
def _lines(zone: str, first_year: int, last_year: int) -> tuple[str, ...]:
    changes, footer = _read_tzif(_tzif_bytes(zone))
    rule = _parse_posix(footer)
    span_start = _seconds(datetime(first_year, 1, 1))
    span_end = _seconds(datetime(last_year + 1, 1, 1))

    current, valid_from = _current_rule_blocks(changes, rule, last_year)
    if span_start >= valid_from:
        historic: list[_Change] = []
    else:
        earlier = [c for c in changes if c.at < valid_from]
        in_effect = [c for c in earlier if c.at <= span_start][-1:]
        historic = in_effect + [c for c in earlier if span_start < c.at < span_end]

    blocks = [(c.at, _block(c, None)) for c in historic] + current
    blocks.sort(key=lambda item: item[0])
    lines = ["BEGIN:VTIMEZONE", f"TZID:{zone}"]
    for _, block in blocks:
        lines.extend(block)
    lines.append("END:VTIMEZONE")
    return tuple(lines)


def _current_rule_blocks(
    changes: list[_Change], rule: _Rule, last_year: int
) -> tuple[list[tuple[int, list[str]]], int]:
    """The blocks of the current rule and the instant from which they describe the zone."""
    if rule.start is None or rule.end is None or rule.dst_offset is None:
        if changes and changes[-1].after == rule.std_offset:
            # Written as STANDARD whatever the data calls it: the zone keeps this time now.
            last = replace(changes[-1], isdst=False, name=rule.std_name)
            return [(last.at, _block(last, None))], last.at
        fixed = _Change(0, rule.std_offset, rule.std_offset, False, rule.std_name)
        return [(0, _block(fixed, None))], 0

    # The trailing run of table changes that the rule reproduces is already the rule's.
    index = len(changes)
    while index > 0:
        change = changes[index - 1]
        year = _year_of(change.at)
        predicted = {
            (c.at, c.after) for y in (year - 1, year, year + 1) for c in _rule_changes(rule, y)
        }
        if (change.at, change.after) not in predicted:
            break
        index -= 1
    valid_from = changes[index].at if index < len(changes) else changes[-1].at + 1
    start_year = _year_of(valid_from)

    blocks: list[tuple[int, list[str]]] = []
    for spec in (rule.start, rule.end):
        rrule = _spec_rrule(spec)
        firsts = [
            c
            for year in range(start_year, start_year + 2)
            for c in _rule_changes(rule, year)
            if c.at >= valid_from and _is_spec(rule, c, spec)
        ]
        first = firsts[0]
        if rrule is not None:
            blocks.append((first.at, _block(first, rrule)))
        else:
            # No single yearly RRULE says this date (it crosses a month end): one block a year.
            for year in range(start_year, max(last_year, start_year) + 2):
                for c in _rule_changes(rule, year):
                    if c.at >= valid_from and _is_spec(rule, c, spec):
                        blocks.append((c.at, _block(c, None)))
    return blocks, valid_from


def _is_spec(rule: _Rule, change: _Change, spec: _Spec) -> bool:
    into_dst = change.after == rule.dst_offset
    return into_dst == (spec is rule.start)


def _block(change: _Change, rrule: str | None) -> list[str]:
    kind = "DAYLIGHT" if change.isdst else "STANDARD"
    local = _EPOCH + timedelta(seconds=change.at + change.before)
    lines = [
        f"BEGIN:{kind}",
        f"DTSTART:{local:%Y%m%dT%H%M%S}",
        f"TZOFFSETFROM:{_offset(change.before)}",
        f"TZOFFSETTO:{_offset(change.after)}",
        f"TZNAME:{_text(change.name)}",
    ]
    if rrule:
        lines.append(f"RRULE:{rrule}")
    lines.append(f"END:{kind}")
    return lines


_DAYS = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")


def _spec_rrule(spec: _Spec) -> str | None:
    """`Mm.w.d/t` as a yearly RRULE (the DTSTART carries the time), or None if none fits."""
    if spec.kind != "M":
        return None
    shift = spec.seconds // 86400  # days after the named weekday (a time of 24:00 is the next day)
    if shift == 0:
        ordinal = -1 if spec.week == 5 else spec.week
        return f"FREQ=YEARLY;BYMONTH={spec.month};BYDAY={ordinal}{_DAYS[spec.weekday]}"
    weekday = _DAYS[(spec.weekday + shift) % 7]
    if spec.week == 5:
        days = [d + shift for d in range(-7, 0)]
        if not all(-28 <= d <= -1 for d in days):
            return None
    else:
        days = [d + shift for d in range((spec.week - 1) * 7 + 1, spec.week * 7 + 1)]
        if not all(1 <= d <= 28 for d in days):
            return None
    monthdays = ",".join(str(d) for d in days)
    return f"FREQ=YEARLY;BYMONTH={spec.month};BYDAY={weekday};BYMONTHDAY={monthdays}"


def _rule_changes(rule: _Rule, year: int) -> list[_Change]:
    """The rule's two changes in `year` (UTC seconds), in time order."""
    assert rule.start and rule.end and rule.dst_offset is not None and rule.dst_name
    into = _seconds(_spec_local(rule.start, year)) - rule.std_offset
    back = _seconds(_spec_local(rule.end, year)) - rule.dst_offset
    result = [
        _Change(
            into,
            rule.std_offset,
            rule.dst_offset,
            rule.dst_offset > rule.std_offset,
            rule.dst_name,
        ),
        _Change(
            back,
            rule.dst_offset,
            rule.std_offset,
            rule.std_offset > rule.dst_offset,
            rule.std_name,
        ),
    ]
    return sorted(result, key=lambda c: c.at)


def _spec_local(spec: _Spec, year: int) -> datetime:
    if spec.kind == "M":
        first = datetime(year, spec.month, 1)
        first_weekday = (first.weekday() + 1) % 7  # Sunday = 0
        day = 1 + (spec.weekday - first_weekday) % 7 + (spec.week - 1) * 7
        if spec.week == 5:
            next_month = datetime(year + spec.month // 12, spec.month % 12 + 1, 1)
            while day > (next_month - first).days:
                day -= 7
        date = datetime(year, spec.month, day)
    elif spec.kind == "J":  # 1..365, February 29 never counted
        date = datetime(year, 1, 1) + timedelta(days=spec.day - 1)
        if _is_leap(year) and spec.day >= 60:
            date += timedelta(days=1)
    else:  # 0..365, February 29 counted
        date = datetime(year, 1, 1) + timedelta(days=spec.day)
    return date + timedelta(seconds=spec.seconds)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


# --- reading the tz database ---------------------------------------------------------------


def _tzif_bytes(zone: str) -> bytes:
    """The TZif file that `zoneinfo.ZoneInfo(zone)` reads: TZPATH first, then `tzdata`."""
    if not re.fullmatch(r"[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*", zone):
        raise ValueError(f"not a time zone name: {zone!r}")
    for root in zoneinfo.TZPATH:
        path = Path(root) / zone
        if path.is_file():
            return path.read_bytes()
    package, _, name = f"tzdata.zoneinfo.{zone.replace('/', '.')}".rpartition(".")
    try:
        return resources.files(package).joinpath(name).read_bytes()
    except (ModuleNotFoundError, FileNotFoundError) as error:
        raise ValueError(f"unknown time zone: {zone!r}") from error


def _read_tzif(data: bytes) -> tuple[list[_Change], str]:
    """The changes of UTC offset (64-bit section) and the POSIX footer of a TZif file."""
    if data[:4] != b"TZif":
        raise ValueError("not a TZif file")
    version = data[4:5]
    counts = struct.unpack(">6l", data[20:44])
    if version == b"\x00":
        raise ValueError("TZif version 1 files have no POSIX rule")
    isut, isstd, leap, timecnt, typecnt, charcnt = counts
    skip = 44 + timecnt * 5 + typecnt * 6 + charcnt + leap * 8 + isstd + isut
    header = data[skip : skip + 44]
    isut, isstd, leap, timecnt, typecnt, charcnt = struct.unpack(">6l", header[20:44])
    pos = skip + 44
    times = struct.unpack(f">{timecnt}q", data[pos : pos + timecnt * 8])
    pos += timecnt * 8
    indices = data[pos : pos + timecnt]
    pos += timecnt
    types = [struct.unpack(">lBB", data[pos + i * 6 : pos + i * 6 + 6]) for i in range(typecnt)]
    pos += typecnt * 6
    chars = data[pos : pos + charcnt]
    pos += charcnt + leap * 12 + isstd + isut
    footer = data[pos:].strip(b"\n").decode("ascii")

    def name(index: int) -> str:
        return chars[index : chars.index(b"\x00", index)].decode("ascii")

    changes: list[_Change] = []
    before = types[0][0]
    for at, index in zip(times, indices, strict=True):
        offset, isdst, name_index = types[index]
        if offset != before:
            changes.append(_Change(at, before, offset, bool(isdst), name(name_index)))
        before = offset
    return changes, footer


_NAME = r"(<[^>]+>|[A-Za-z]{3,})"
_OFFSET = r"([+-]?\d{1,3}(?::\d{1,2}){0,2})"
_POSIX = re.compile(rf"^{_NAME}{_OFFSET}(?:{_NAME}{_OFFSET}?(?:,([^,]+),([^,]+))?)?$")


def _parse_posix(text: str) -> _Rule:
    match = _POSIX.match(text)
    if not match:
        raise ValueError(f"unsupported POSIX TZ string: {text!r}")
    std_name, std, dst_name, dst, start, end = match.groups()
    std_offset = -_hms(std)
    if dst_name is None:
        return _Rule(std_name.strip("<>"), std_offset)
    dst_offset = -_hms(dst) if dst else std_offset + 3600
    if start is None or end is None:
        raise ValueError(f"POSIX TZ string without rules: {text!r}")
    return _Rule(
        std_name.strip("<>"),
        std_offset,
        dst_name.strip("<>"),
        dst_offset,
        _parse_spec(start),
        _parse_spec(end),
    )


def _parse_spec(text: str) -> _Spec:
    date, _, time = text.partition("/")
    seconds = _hms(time) if time else 7200
    if date.startswith("M"):
        month, week, weekday = (int(part) for part in date[1:].split("."))
        return _Spec("M", month, week, weekday, 0, seconds)
    if date.startswith("J"):
        return _Spec("J", 0, 0, 0, int(date[1:]), seconds)
    return _Spec("N", 0, 0, 0, int(date), seconds)


def _hms(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    parts = [int(p) for p in text.lstrip("+-").split(":")]
    parts += [0] * (3 - len(parts))
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2])


def _offset(seconds: int) -> str:
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{secs:02d}" if secs else "")


def _text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")


def _seconds(naive: datetime) -> int:
    return int((naive - _EPOCH).total_seconds())


def _year_of(at: int) -> int:
    return (_EPOCH + timedelta(seconds=at)).year
