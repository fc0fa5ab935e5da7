"""The one time-zone helper: UTC storage, IANA zones for venues and viewers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


def is_valid_zone(name: str | None) -> bool:
    """An IANA zone name this machine's tz database knows (whatever a form sent)."""
    if not name or len(name) > 64 or "\x00" in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


@lru_cache(maxsize=1)
def zone_choices() -> list[str]:
    """Canonical IANA zones people pick from (regions, not legacy aliases)."""
    prefixes = (
        "America/",
        "Europe/",
        "Africa/",
        "Asia/",
        "Atlantic/",
        "Pacific/",
        "Australia/",
        "Indian/",
        "Antarctica/",
    )
    zones = {z for z in available_timezones() if z.startswith(prefixes)}
    return ["UTC", *sorted(zones)]


def to_utc(value: datetime, zone: str | None = None) -> datetime:
    """A naive wall-clock time in `zone` (or an aware one) as an aware UTC datetime."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(zone or "UTC"))
    return value.astimezone(UTC)


def in_zone(value: datetime, zone: str) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(ZoneInfo(zone))


def today_in(zone: str, now: datetime | None = None) -> date:
    """The calendar day it is (or was at `now`) in `zone`."""
    return in_zone(now or utcnow(), zone).date()


class UTCDateTime(TypeDecorator):
    """Stores naive UTC on every database and always returns aware UTC datetimes."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)
