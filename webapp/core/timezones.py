"""The one time-zone helper: UTC storage, IANA zones for venues and viewers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import sqlalchemy as sa
from babel.dates import get_timezone as babel_zone
from flask import current_app, has_app_context
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


# Regions people live in; legacy aliases (US/Eastern, posix/..., Factory) are left out.
REGIONS = (
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
FALLBACK_ZONE = "UTC"


def _formattable(name: str) -> bool:
    """Both Python (storage, arithmetic) and Babel (every date shown) know the zone."""
    try:
        ZoneInfo(name)
        babel_zone(name)
    except (ZoneInfoNotFoundError, LookupError, ValueError, OSError):
        return False
    return True


@lru_cache(maxsize=1)
def zone_choices() -> tuple[str, ...]:
    """The one list of zones: what forms offer and accept, what may be stored and what
    pages format. The Americas first (the member states' zones), then UTC, then the rest."""
    zones = sorted(z for z in available_timezones() if z.startswith(REGIONS) and _formattable(z))
    americas = [z for z in zones if z.startswith("America/")]
    others = [z for z in zones if not z.startswith("America/")]
    return (*americas, FALLBACK_ZONE, *others)


@lru_cache(maxsize=1)
def _valid_zones() -> frozenset[str]:
    return frozenset(zone_choices())


def is_valid_zone(name: object) -> bool:
    """A zone from `zone_choices()` (whatever a form sent or a row holds)."""
    return isinstance(name, str) and name in _valid_zones()


def zone_or_default(name: str | None) -> str:
    """The zone to show times in: `name` when it is (still) valid, else the platform's
    default zone, so a bad stored value never breaks a page."""
    if is_valid_zone(name):
        return name  # type: ignore[return-value]
    default = current_app.config.get("DEFAULT_TIMEZONE") if has_app_context() else None
    return default if is_valid_zone(default) else FALLBACK_ZONE


def to_utc(value: datetime, zone: str | None = None) -> datetime:
    """A naive wall-clock time in `zone` (or an aware one) as an aware UTC datetime."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(zone_or_default(zone or FALLBACK_ZONE)))
    return value.astimezone(UTC)


def in_zone(value: datetime, zone: str | None) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(ZoneInfo(zone_or_default(zone)))


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
