"""VTIMEZONE blocks that every calendar client reads the same way as Python's zoneinfo."""

from __future__ import annotations

from datetime import datetime


def vtimezone_lines(zone: str, first: datetime, last: datetime) -> list[str]:
    """Unfolded content lines `BEGIN:VTIMEZONE` .. `END:VTIMEZONE` for `zone`, covering
    every instant from `first` to `last` (aware datetimes) and the zone's current rule after.
    """
    raise NotImplementedError
