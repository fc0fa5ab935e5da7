"""Every periodic job, with its interval. Celery beat reads this; nothing else schedules."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta


def beat_schedule(config: Mapping[str, object]) -> dict[str, dict[str, object]]:
    return {
        "sweep-outbox": {
            "task": "tasks.mail.sweep_outbox",
            "schedule": timedelta(seconds=int(config["OUTBOX_SWEEP_SECONDS"])),
        },
        # Import jobs uploaded while the broker was down start once it is back, on the
        # outbox sweep's beat.
        "sweep-directory-imports": {
            "task": "tasks.directory_import.sweep_directory_imports",
            "schedule": timedelta(seconds=int(config["OUTBOX_SWEEP_SECONDS"])),
        },
        # Requests, reminders and escalations count in days; hourly keeps them on time
        # and every run is idempotent.
        "directory-refresh-cycle": {
            "task": "tasks.directory.run_refresh_cycle",
            "schedule": timedelta(seconds=int(config["DIRECTORY_REFRESH_SECONDS"])),
        },
        # Weekly; a run in the same ISO week sends nothing more.
        "contributions-overdue-digest": {
            "task": "tasks.contributions.send_overdue_instalments_digest",
            "schedule": timedelta(days=7),
        },
        # Reminders count in days; every quarter hour keeps late ones prompt, and every
        # run is idempotent.
        "meeting-reminders": {
            "task": "tasks.meetings.send_meeting_reminders",
            "schedule": timedelta(seconds=int(config["MEETING_REMINDER_SECONDS"])),
        },
    }
