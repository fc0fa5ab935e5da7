"""How the meetings pages write what is not a code: a time read in a given zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import format_datetime

from webapp.core.i18n import datetime_pattern


def datetime_in(value: datetime | None, zone: str, format: str = "medium") -> str:
    """A UTC instant as the wall clock of `zone` reads it, in the viewer's language, with
    the zone named: the venue's time next to the viewer's."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(zone))
    return f"{format_datetime(local, datetime_pattern(format), rebase=False)} ({zone})"
