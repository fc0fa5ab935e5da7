"""The meetings' rows for `flask demo scale`: 500 series with 10,000 occurrences made by
their rules (monthly to yearly, a few years back and a year ahead), and 100,000
participants, most of them from the directory. The first series has exactly 1,000
series-wide participants (the participants page's worst case); the participant account
takes part in a dozen series and has a calendar subscription (the feed's case).

Rows go in with bulk Core inserts, as in `webapp.scale`; times are computed here rather
than through `series.create_series`, which would take minutes at this volume.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from webapp.extensions import db
from webapp.scale import FIRST, LAST, PLACES, Scale, insert, part

ZONES = ["America/Mexico_City", "America/Bogota", "America/Santiago", "America/Panama",
         "America/New_York", "America/Sao_Paulo", "America/Port_of_Spain",
         "America/Argentina/Buenos_Aires", "America/Guatemala", "America/Lima"]  # fmt: skip
TOPICS = ["Border crossings", "Port security", "Firearms trafficking", "Customs cooperation",
          "Migrant smuggling", "Container control", "Maritime interdiction",
          "Cash couriers", "Risk management", "Mutual legal assistance"]  # fmt: skip
FREQUENCIES = ["FREQ=MONTHLY", "FREQ=MONTHLY;INTERVAL=2", "FREQ=MONTHLY;INTERVAL=3",
               "FREQ=MONTHLY;INTERVAL=6", "FREQ=WEEKLY;INTERVAL=4"]  # fmt: skip
ANSWERS = ["accepted"] * 5 + ["needs-action"] * 3 + ["declined", "tentative"]
ROLES = ["delegate"] * 6 + ["alternate", "alternate", "observer", "speaker"]
OWN_SERIES = 12  # series the participant account takes part in


@part("meetings")
def fill_meetings(scale: Scale) -> int:
    from webapp.meetings.models import (
        CalendarSubscription,
        MeetingSeries,
        Occurrence,
        Participant,
        series_organizers,
        series_states,
        series_topics,
    )

    rng, volumes = scale.rng, scale.volumes
    states = [state_id for state_id, _code in scale.ids["states"]]
    organizer = scale.ids["users"]["organizer"]
    per_series = _spread(rng, volumes.occurrences, volumes.meeting_series)
    series_rows, starts_of = [], []
    for n in range(volumes.meeting_series):
        count = per_series[n]
        rule = f"{rng.choice(FREQUENCIES)};COUNT={count}" if count > 1 else ""
        # Most series began in the last three years; a fifth lie wholly ahead.
        first = datetime.combine(
            scale.today - timedelta(days=rng.randint(-300, 3 * 365)), datetime.min.time()
        ).replace(hour=rng.choice((9, 10, 14)))
        starts = list(rrulestr(f"RRULE:{rule}", dtstart=first, ignoretz=True)) if rule else [first]
        starts_of.append(starts)
        scope = rng.choice(("bilateral", "subregional", "regional", "hemispheric"))
        series_rows.append(
            {
                "title": f"{rng.choice(TOPICS)} — {rng.choice(PLACES)} {n + 1}",
                "description": "",
                "scope": scope,
                "is_public": n % 7 == 0,
                "rule": rule,
                "first_start": first,
                "duration_minutes": rng.choice((120, 180, 480)),
                "zone": rng.choice(ZONES),
                "sequence": 0,
                "reminder_offsets": "20160,1440",
                "created_by_id": organizer,
                "created_at": scale.now - timedelta(days=1200),
            }
        )
    series_ids = insert(MeetingSeries.__table__, series_rows, returning=True)
    scale.ids["meeting_series"] = series_ids
    links_states, links_topics = [], []
    for series_id, row in zip(series_ids, series_rows, strict=True):
        wide = {"bilateral": 2, "subregional": 4, "regional": 8, "hemispheric": 0}[row["scope"]]
        for state_id in rng.sample(states, k=wide):
            links_states.append({"series_id": series_id, "member_state_id": state_id})
        for area_id in rng.sample(scale.ids["areas"], k=rng.choice((1, 2))):
            links_topics.append({"series_id": series_id, "area_id": area_id})
    insert(series_states, links_states)
    insert(series_topics, links_topics)
    insert(series_organizers, [{"series_id": s, "user_id": organizer} for s in series_ids])

    occurrence_rows = []
    for series_id, row, starts in zip(series_ids, series_rows, starts_of, strict=True):
        zone, host = ZoneInfo(row["zone"]), rng.choice(states)
        online = rng.random() < 0.3
        for start in starts:
            at = start.replace(tzinfo=zone).astimezone(UTC)
            past = at < scale.now
            status = "cancelled" if rng.random() < 0.03 else ("held" if past else "scheduled")
            occurrence_rows.append(
                {
                    "series_id": series_id,
                    "original_start": at,
                    "starts_at": at,
                    "ends_at": at + timedelta(minutes=row["duration_minutes"]),
                    "zone": row["zone"],
                    "venue_address": "" if online else f"{rng.choice(PLACES)} Conference Centre",
                    "host_state_id": None if online else host,
                    "online_url": f"https://meet.example.org/s{series_id}" if online else "",
                    "languages": rng.choice(("en,es", "es", "en", "en,es,fr,pt", "pt,es")),
                    "status": status,
                    "sequence": 0,
                    "overlap_reason": "",
                    "invitations_sent_at": at - timedelta(days=30),
                    "updated_at": min(at, scale.now) - timedelta(days=30),
                }
            )
    occurrence_ids = insert(Occurrence.__table__, occurrence_rows, returning=True)
    by_series: dict[int, list[int]] = {}
    for occurrence_id, row in zip(occurrence_ids, occurrence_rows, strict=True):
        by_series.setdefault(row["series_id"], []).append(occurrence_id)

    insert(Participant.__table__, _participants(scale, series_ids, by_series))
    insert(
        CalendarSubscription.__table__,
        [
            {
                "user_id": scale.ids["users"]["participant"],
                "token": "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=32)),
                "created_at": scale.now - timedelta(days=200),
            }
        ],
    )
    db.session.flush()
    return len(series_rows) + len(occurrence_rows) + volumes.participants


def _spread(rng, total: int, parts: int) -> list[int]:
    """`total` split over `parts`, unequally (1 to about 3x the mean), summing exactly."""
    weights = [rng.uniform(0.3, 1.7) for _ in range(parts)]
    scale = total / sum(weights)
    counts = [max(1, int(w * scale)) for w in weights]
    # What rounding left over (or took too much), one at a time over the parts.
    step = 1 if total > sum(counts) else -1
    n = 0
    while sum(counts) != total and n < 10 * parts:
        if counts[n % parts] + step >= 1:
            counts[n % parts] += step
        n += 1
    return counts


def _participants(scale: Scale, series_ids: list[int], by_series: dict[int, list[int]]):
    """`volumes.participants` rows: the first series `busiest_series_participants`
    series-wide, the participant account in
    `OWN_SERIES` series, the rest spread; nine in ten series-wide, one in ten invited to
    one occurrence; four in five from the directory."""
    rng, volumes = scale.rng, scale.volumes
    contacts = scale.ids["contacts"]
    known = scale.ids["contact_details"]  # id -> (state id, email, name)
    own = set(rng.sample(series_ids[1:], k=min(OWN_SERIES, len(series_ids) - 1)))
    busiest = volumes.busiest_series_participants
    rest = volumes.participants - busiest - len(own)
    shares = [busiest, *_spread(rng, rest, len(series_ids) - 1)]
    rows = []
    for series_id, share in zip(series_ids, shares, strict=True):
        if series_id in own:
            rows.append(_row(scale, series_id, None, "participant@scale.example.org", None, None))
        chosen = rng.sample(contacts, k=min(share, len(contacts)))
        for n, contact_id in enumerate(chosen):
            one = n % 10 == 9 and series_id != series_ids[0]
            occurrence = rng.choice(by_series[series_id]) if one else None
            if n % 5 == 4:
                email, contact, state = f"guest{n}.s{series_id}@guests.example.org", None, None
            else:
                contact, (state, email, _name) = contact_id, known[contact_id]
            rows.append(_row(scale, None if one else series_id, occurrence, email, contact, state))
    return rows


def _row(scale: Scale, series_id, occurrence_id, email: str, contact_id, state_id) -> dict:
    rng = scale.rng
    answer = rng.choice(ANSWERS)
    return {
        "series_id": series_id,
        "occurrence_id": occurrence_id,
        "contact_id": contact_id,
        "email": email,
        "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        "role": rng.choice(ROLES),
        "member_state_id": state_id,
        "language": rng.choice(("en", "es", "fr", "pt")),
        "timezone": rng.choice(ZONES),
        "answer": answer,
        "answered_at": None if answer == "needs-action" else scale.now - timedelta(days=40),
        "invited_sequence": 0,
        "created_at": scale.now - timedelta(days=60),
    }
