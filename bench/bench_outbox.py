"""Deliver 1,000 outbox messages (each with a calendar part) through Celery workers on
Redis to an SMTP server on loopback, against a baseline of sending the same 1,000
prebuilt messages with plain smtplib over one connection. Target: at most 2x. Prints the
worker processes' resident memory after the delivery.

Run: `make bench` or `.venv/bin/python bench/bench_outbox.py [--messages N]`.
Needs Redis (REDIS_URL, default redis://127.0.0.1:6379/14). Uses DATABASE_URL if set,
else a temporary SQLite database.
"""

from __future__ import annotations

import argparse
import os
import smtplib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_RATIO = 2.0
CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Puerto//Benchmark//EN\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:bench-{n}@puerto\r\nDTSTAMP:20261129T120000Z\r\n"
    "DTSTART;TZID=America/Bogota:20270115T090000\r\nDTEND;TZID=America/Bogota:20270115T"
    "170000\r\nSEQUENCE:0\r\nSUMMARY:Meeting of customs authorities {n}\r\n"
    "ORGANIZER:mailto:organizer@example.org\r\n"
    "ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;ROLE=REQ-PARTICIPANT:mailto:officer{n}@example.org"
    "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2, help="worker processes (prefork)")
    args = parser.parse_args()
    count = args.messages

    work = Path(tempfile.mkdtemp(prefix="puerto-bench-"))
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    os.environ["PUERTO_INSTANCE"] = str(work)
    os.environ["PUERTO_ENV"] = "development"
    os.environ.setdefault("SECRET_KEY", "bench-secret-key")

    from tests.smtp import SMTPServer

    with SMTPServer() as smtp:
        os.environ["SMTP_HOST"] = "127.0.0.1"
        os.environ["SMTP_PORT"] = str(smtp.port)

        import sqlalchemy as sa

        from webapp import create_app
        from webapp.core import outbox
        from webapp.core.mail import build_mime
        from webapp.core.outbox import Email, OutboxMessage
        from webapp.extensions import db

        app = create_app()
        celery = app.extensions["celery"]
        with app.app_context():
            db.drop_all()
            db.create_all()
            celery.control.purge()

            emails = [
                Email(
                    kind="bench",
                    recipient=f"officer{n}@example.org",
                    subject=f"Invitation {n}",
                    body_text=f"You are invited ({n}).",
                    body_html=f"<p>You are invited ({n}).</p>",
                    idempotency_key=f"bench:{n}",
                    reply_to="organizer@example.org",
                    calendar_method="REQUEST",
                    calendar_content=CALENDAR.format(n=n),
                )
                for n in range(count)
            ]

            # Baseline: the same messages, prebuilt, over one plain smtplib connection.
            mail_from = app.config["MAIL_FROM"]
            prebuilt = []
            for e in emails:
                row = OutboxMessage(**{k: v for k, v in vars(e).items() if k != "attachments"})
                row.created_at = outbox.utcnow()
                prebuilt.append((build_mime(row, mail_from), e.recipient))
            started = time.perf_counter()
            with smtplib.SMTP("127.0.0.1", smtp.port) as conn:
                for mime, recipient in prebuilt:
                    conn.send_message(mime, from_addr="puerto@localhost", to_addrs=[recipient])
            baseline = time.perf_counter() - started
            smtp.wait_for(count)

            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "wsgi",
                    "worker",
                    "--loglevel=WARNING",
                    f"--concurrency={args.workers}",
                    "--without-mingle",
                    "--without-gossip",
                    "--without-heartbeat",
                ],
                cwd=ROOT,
                env=os.environ.copy(),
            )
            try:
                time.sleep(4)  # let the worker connect before the clock starts
                for e in emails:
                    outbox.enqueue(e)
                started = time.perf_counter()
                db.session.commit()  # queues one delivery task per row
                deadline = started + 600
                sent = 0
                while time.perf_counter() < deadline:
                    sent = db.session.scalar(
                        sa.select(sa.func.count()).where(OutboxMessage.status == outbox.SENT)
                    )
                    db.session.rollback()
                    if sent >= count:
                        break
                    time.sleep(0.05)
                ours = time.perf_counter() - started
                memory = resident_mb(worker.pid)
            finally:
                worker.terminate()
                worker.wait(30)
            smtp.wait_for(2 * count)
            db.drop_all()

    ratio = ours / baseline
    database = os.environ["DATABASE_URL"].split(":", 1)[0]
    print(f"database / broker:      {database} / {os.environ['REDIS_URL']}")
    print(f"messages:               {count} (with a calendar part)")
    print(f"baseline (smtplib):     {baseline:.2f} s  ({count / baseline:.0f} msg/s)")
    print(
        f"outbox via Celery/Redis:{ours:6.2f} s  ({sent / ours:.0f} msg/s, "
        f"{args.workers} worker processes, {sent} sent)"
    )
    print(
        f"ratio:                  {ratio:.2f}x  (target <= {TARGET_RATIO}x) "
        f"{'OK' if ratio <= TARGET_RATIO and sent >= count else 'MISSED'}"
    )
    print(
        "worker memory (RSS):    "
        + ", ".join(f"{label} {mb:.0f} MB" for label, mb in memory)
        + f" after delivering {sent}"
    )
    return 0 if sent >= count else 1


def resident_mb(master: int) -> list[tuple[str, float]]:
    """Resident size of the Celery worker and of its pool processes, from /proc."""

    def rss(pid: int) -> float:
        status = Path(f"/proc/{pid}/status").read_text()
        return int(status.split("VmRSS:")[1].split()[0]) / 1024

    sizes = [("main", rss(master))]
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and f"PPid:\t{master}\n" in (entry / "status").read_text():
                sizes.append((f"pool {entry.name}", rss(int(entry.name))))
        except OSError:
            continue
    return sizes


if __name__ == "__main__":
    sys.exit(main())
