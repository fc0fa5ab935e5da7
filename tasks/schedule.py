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
    }
