"""Meetings at scale: the "Send invitations" click, the writing of the invitations, the
meeting and participants pages, and the reminder scan.

Prints, for a series with 1,000 participants (and 100, to compare): the click's time
(it only queues the work), the time a worker takes to write the 1,000 outbox rows
(REQUEST calendars rendered per recipient), and each page's median time and SQL query
count. Then the reminder scan over --occurrences occurrences with --participants
participants in all: its time and query count.

Run: `.venv/bin/python bench/bench_meetings.py [--occurrences 10000 --participants 100000]`.
Uses a temporary SQLite database, or DATABASE_URL if set (a scratch database: its tables
are dropped and recreated).
Not measured here: delivery through a real worker on Redis to an SMTP server against a raw
smtplib baseline (bench_outbox.py measures the outbox's delivery path).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_directory import make_app, reset_database  # noqa: E402 - after the path is set

NOW = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)


def series_with(organizer, participants: int, title: str):
    import sqlalchemy as sa

    from webapp.extensions import db
    from webapp.meetings import series
    from webapp.meetings.models import SCHEDULED, Participant

    made = series.create_series(
        series.SeriesInput(
            title=title,
            first_start=datetime(2027, 5, 4, 10),
            first_end=datetime(2027, 5, 4, 17),
            zone="America/Santiago",
            rule="FREQ=MONTHLY;INTERVAL=6;COUNT=4",
            venue=series.Venue("OAS Building"),
        ),
        organizer=organizer,
    )
    for occurrence in made.occurrences:
        occurrence.status = SCHEDULED
    db.session.flush()
    db.session.execute(
        sa.insert(Participant),
        [
            {"series_id": made.id, "email": f"p{n}-{made.id}@bench.example", "name": f"P {n}",
             "language": ("en", "es", "fr", "pt")[n % 4], "timezone": "America/Bogota",
             "role": "delegate", "answer": "needs-action"}
            for n in range(participants)
        ],
    )  # fmt: skip
    db.session.commit()
    return made


def page_figures(app, client, path: str, runs: int = 5) -> tuple[float, int]:
    from tests.querycount import count_queries

    client.get(path)
    times, queries = [], 0
    for _ in range(runs):
        with app.app_context(), count_queries() as counted:
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        queries = counted.count
    return statistics.median(times), queries


def invitations_and_pages(app) -> None:
    from tasks.meetings import send_invitations as write_invitations
    from webapp.accounts.models import User
    from webapp.extensions import db

    app.extensions["celery"].conf.task_always_eager = False  # the click only queues
    with app.app_context():
        organizer = User(email="organizer@bench.example", name="Organizer", password_hash="-")
        organizer.role_names = {"organizer"}
        db.session.add(organizer)
        db.session.commit()
        small = series_with(organizer, 100, "Small").id
        large = series_with(organizer, 1000, "Large").id
        key = organizer.get_id()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = key, True
    start = time.perf_counter()
    response = client.post(f"/meetings/{large}/invitations")
    click = (time.perf_counter() - start) * 1000
    assert response.status_code == 302, (response.status_code, response.headers.get("Location"))
    with app.app_context():
        start = time.perf_counter()
        written = write_invitations(large, NOW.isoformat())
        writing = time.perf_counter() - start
        app.extensions["celery"].control.purge()
    print(f"send invitations, 1,000 participants: click {click:.0f} ms (queues the work)")
    print(f"  worker writes {written} invitations in {writing:.1f} s "
          f"({writing / max(written, 1) * 1000:.1f} ms each, no delivery)")  # fmt: skip
    for label, template in [("meeting page", "/meetings/{}"),
                            ("participants page", "/meetings/{}/participants")]:  # fmt: skip
        small_ms, small_q = page_figures(app, client, template.format(small))
        large_ms, large_q = page_figures(app, client, template.format(large))
        print(f"{label}: 100 participants {small_ms:.0f} ms / {small_q} queries; "
              f"1,000 participants {large_ms:.0f} ms / {large_q} queries")  # fmt: skip


def reminder_scan(app, occurrences: int, participants: int) -> None:
    import sqlalchemy as sa

    from tests.querycount import count_queries
    from webapp.extensions import db
    from webapp.meetings import reminders
    from webapp.meetings.models import MeetingSeries, Occurrence, Participant

    with app.app_context():
        series_ids = []
        for n in range(occurrences):
            db.session.execute(
                sa.insert(MeetingSeries).values(
                    title=f"Series {n}", first_start=datetime(2027, 1, 1), zone="UTC",
                    duration_minutes=60, rule="", scope="regional",
                )
            )  # fmt: skip
        series_ids = list(db.session.scalars(sa.select(MeetingSeries.id)))[-occurrences:]
        rows = []
        for n, sid in enumerate(series_ids):
            # Spread over four weeks ahead: a share of them is due at NOW.
            start = NOW + timedelta(hours=1 + (n * 673) % (28 * 24))
            rows.append({"series_id": sid, "original_start": start, "starts_at": start,
                         "ends_at": start + timedelta(hours=2), "zone": "UTC",
                         "status": "scheduled", "sequence": 0})  # fmt: skip
        db.session.execute(sa.insert(Occurrence), rows)
        per = max(participants // occurrences, 1)
        people = [
            {"series_id": sid, "email": f"r{n}-{k}@bench.example", "name": "R",
             "language": "es", "timezone": "America/Lima", "role": "delegate",
             "answer": "needs-action"}
            for n, sid in enumerate(series_ids) for k in range(per)
        ]  # fmt: skip
        for chunk in range(0, len(people), 20_000):
            db.session.execute(sa.insert(Participant), people[chunk : chunk + 20_000])
        db.session.commit()
        with count_queries() as counted:
            start = time.perf_counter()
            written = reminders.send_due_reminders(NOW)
            db.session.commit()
            elapsed = time.perf_counter() - start
        print(
            f"reminder scan: {occurrences:,} occurrences, {len(people):,} participants: "
            f"{written:,} reminders written in {elapsed:.1f} s, {counted.count:,} queries"
        )
        with count_queries() as counted:
            start = time.perf_counter()
            again = reminders.send_due_reminders(NOW)
            elapsed = time.perf_counter() - start
        print(f"  second run at the same moment: {again} written in {elapsed:.1f} s, "
              f"{counted.count} queries")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--occurrences", type=int, default=2_000)
    parser.add_argument("--participants", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{work / 'bench.sqlite3'}"
        app = make_app(url, work)
        reset_database(app, allow_existing=True)
        print(f"database: {url.split('@')[-1]}")
        invitations_and_pages(app)
        reminder_scan(app, args.occurrences, args.participants)


if __name__ == "__main__":
    main()
