"""Meetings at scale: the "Send invitations" click, the writing of the invitations, the
meeting and participants pages, and the reminder scan.

Prints, for a series with 1,000 participants (and 100, to compare): the click's time
(it only queues the work), the time a worker takes to write the 1,000 outbox rows
(REQUEST calendars rendered per recipient), and each page's median time and SQL query
count. Then the reminder scan over --occurrences occurrences with --participants
participants in all: its time and query count.

First, invitations to 1,000 participants delivered end to end: the organizer's click
(the real POST through the test client), a real Celery worker process on Redis writing
and delivering them, a real SMTP server on loopback (aiosmtpd) accepting the last one;
against plain smtplib sending the same 1,000 messages over one connection (target <= 2x),
and the click's own time (target < 300 ms).

Run: `make bench` or `.venv/bin/python bench/bench_meetings.py [--occurrences 10000
--participants 100000 --invited 1000]`; `--delivery-only --runs 3` repeats the delivery
run alone (it also prints CPU seconds, which a busy machine disturbs less than time).
Uses DATABASE_URL and REDIS_URL if set, else PostgreSQL `puerto_meetings2` and Redis db 9
(scratch: their contents are dropped).
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
# A scratch database and Redis database (their contents are dropped).
DATABASE_URL = "postgresql://127.0.0.1:5432/puerto_meetings2"
REDIS_URL = "redis://127.0.0.1:6379/9"


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
    from tests.signin import session_key_for
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
        key = session_key_for(organizer)
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


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its children, read from
    /proc (Linux): the worker's main process and its pool."""
    tick = os.sysconf("SC_CLK_TCK")
    family = [pid] + [int(p) for p in os.listdir("/proc")
                      if p.isdigit() and _parent(_stat, p) == pid]  # fmt: skip
    total = 0
    for process in family:
        try:
            utime, stime = _stat(process)[11:13]
        except OSError:  # gone meanwhile
            continue
        total += int(utime) + int(stime)
    return total / tick


def tree_rss_mb(pid: int) -> list[float]:
    """Resident size in MB of a process and of each of its children (the worker's main
    process, then its pool), read from /proc/<pid>/status (Linux)."""

    def rss(process: int) -> float | None:
        try:
            with open(f"/proc/{process}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024
        except OSError:  # gone meanwhile
            return None
        return None

    family = [
        pid,
        *(int(p) for p in os.listdir("/proc") if p.isdigit() and _parent(_stat, p) == pid),
    ]
    return [size for size in map(rss, family) if size is not None]


def _stat(process: int | str) -> list[str]:
    """The fields of /proc/<process>/stat from the third (state) on."""
    with open(f"/proc/{process}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()


def _parent(fields, process: str) -> int | None:
    try:
        return int(fields(process)[1])
    except OSError:
        return None


def invitations_delivered(participants: int, workers: int) -> None:
    """From the organizer's click (the real POST) to the last invitation accepted by a
    real SMTP server, through a real Celery worker process on Redis, against plain
    smtplib sending the same messages over one connection."""
    import smtplib
    import subprocess

    import sqlalchemy as sa

    from tests.signin import session_key_for
    from tests.smtp import SMTPServer
    from webapp import create_app
    from webapp.accounts.models import User
    from webapp.core.mail import build_mime
    from webapp.core.outbox import OutboxMessage
    from webapp.extensions import db

    with SMTPServer() as smtp:
        os.environ["SMTP_HOST"], os.environ["SMTP_PORT"] = "127.0.0.1", str(smtp.port)
        app = create_app({"WTF_CSRF_ENABLED": False})
        celery = app.extensions["celery"]
        with app.app_context():
            db.drop_all()
            db.create_all()
            celery.control.purge()
            organizer = User(email="organizer@bench.example", name="Organizer", password_hash="-")
            organizer.role_names = {"organizer"}
            db.session.add(organizer)
            db.session.commit()
            made = series_with(organizer, participants, "Delivered").id
            key = session_key_for(organizer)
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = key, True
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "wsgi", "worker", "--loglevel=WARNING",
             f"--concurrency={workers}", "--without-mingle", "--without-gossip",
             "--without-heartbeat"],
            cwd=ROOT, env=os.environ.copy(),
        )  # fmt: skip
        try:
            time.sleep(5)  # let the worker connect before the clock starts
            clicked_at = datetime.now(UTC)
            worker_cpu, own_cpu = tree_cpu(worker.pid), time.process_time()
            started = time.perf_counter()
            response = client.post(f"/meetings/{made}/invitations")
            click = (time.perf_counter() - started) * 1000
            assert response.status_code == 302, response.status_code
            smtp.wait_for(participants, timeout=600)
            ours = time.perf_counter() - started
            # CPU, which a busy machine delays but does not inflate as much as time: the
            # worker's processes, and this one (the click and the SMTP server's thread).
            worker_cpu = tree_cpu(worker.pid) - worker_cpu
            own_cpu = time.process_time() - own_cpu
            worker_rss = tree_rss_mb(worker.pid)
        finally:
            worker.terminate()
            worker.wait(30)
        with app.app_context():
            rows = list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))
            # When the worker had written the first and the last invitation (they are
            # delivered meanwhile), from the click.
            written = sorted((row.created_at - clicked_at).total_seconds() for row in rows)
            sent = sorted((row.sent_at - clicked_at).total_seconds() for row in rows)
            prebuilt = [(build_mime(row, app.config["MAIL_FROM"]), row.recipient) for row in rows]
            started, baseline_cpu = time.perf_counter(), time.process_time()
            with smtplib.SMTP("127.0.0.1", smtp.port) as conn:
                for mime, recipient in prebuilt:
                    conn.send_message(mime, from_addr="puerto@localhost", to_addrs=[recipient])
            baseline = time.perf_counter() - started
            smtp.wait_for(2 * participants, timeout=120)
            baseline_cpu = time.process_time() - baseline_cpu  # the client and the server
            db.session.remove()  # its transaction would hold up dropping the tables
            db.drop_all()
    ratio = ours / baseline
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"invitations to {participants:,} participants, click to last message accepted "
          f"(real POST, Celery worker x{workers} on Redis, SMTP on loopback; "
          f"load average {load}):")  # fmt: skip
    print(f"  click answered in {click:.0f} ms (target < 300 ms) "
          f"{'OK' if click < 300 else 'MISSED'}")  # fmt: skip
    print(f"  ours {ours:.2f} s; smtplib baseline, the same {len(prebuilt):,} messages over "
          f"one connection, {baseline:.2f} s; ratio {ratio:.2f}x (target <= 2x) "
          f"{'OK' if ratio <= 2 else 'MISSED'}")  # fmt: skip
    print(f"  CPU: worker processes {worker_cpu:.2f} s + the click and SMTP server "
          f"{own_cpu:.2f} s (PostgreSQL's not counted); baseline {baseline_cpu:.2f} s "
          f"(client and server); ratio {(worker_cpu + own_cpu) / baseline_cpu:.2f}x")  # fmt: skip
    print("  Celery worker's resident size after delivering them: "
          + ", ".join(f"{size:.0f} MB" for size in worker_rss)
          + " (main process, then each pool process)")  # fmt: skip
    print(f"  invitations written from {written[0]:.2f} s to {written[-1]:.2f} s after the "
          f"click; by then {sum(1 for s in sent if s <= written[-1])} of them were sent, "
          f"half of them by {sent[len(sent) // 2]:.2f} s")  # fmt: skip


def reminder_scan(app, occurrences: int, participants: int) -> None:
    import sqlalchemy as sa

    from tests.querycount import count_queries
    from webapp.extensions import db
    from webapp.meetings import reminders
    from webapp.meetings.models import MeetingSeries, Occurrence, Participant

    with app.app_context():
        db.session.execute(
            sa.insert(MeetingSeries),
            [{"title": f"Series {n}", "first_start": datetime(2027, 1, 1), "zone": "UTC",
              "duration_minutes": 60, "rule": "", "scope": "regional", "description": "",
              "is_public": False, "sequence": 0, "reminder_offsets": "20160,1440"}
             for n in range(occurrences)],
        )  # fmt: skip
        series_ids = list(db.session.scalars(sa.select(MeetingSeries.id)))[-occurrences:]
        rows = []
        for n, sid in enumerate(series_ids):
            # Spread over the year ahead: those within 14 days are due at NOW.
            start = NOW + timedelta(hours=1 + (n * 673) % (365 * 24))
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
    parser.add_argument("--occurrences", type=int, default=10_000)
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--invited", type=int, default=1_000, help="for the delivery run")
    parser.add_argument(
        "--workers", type=int, default=4, help="worker processes (prefork), 4 as README deploys"
    )
    parser.add_argument("--runs", type=int, default=1, help="delivery runs (figures of each)")
    parser.add_argument(
        "--delivery-only", action="store_true", help="only the end-to-end delivery run(s)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        os.environ.setdefault("DATABASE_URL", DATABASE_URL)
        os.environ.setdefault("REDIS_URL", REDIS_URL)
        os.environ["PUERTO_INSTANCE"] = str(work)
        os.environ["PUERTO_ENV"] = "development"
        os.environ.setdefault("SECRET_KEY", "bench-secret-key")
        url = os.environ["DATABASE_URL"]
        print(f"database: {url.split('@')[-1]}; broker: {os.environ['REDIS_URL']}")
        for _ in range(args.runs):
            invitations_delivered(args.invited, args.workers)
        if args.delivery_only:
            return
        app = make_app(url, work)
        reset_database(app, allow_existing=True)
        invitations_and_pages(app)
        reminder_scan(app, args.occurrences, args.participants)


if __name__ == "__main__":
    main()
