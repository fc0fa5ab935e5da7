"""Delivering the outbox."""

from __future__ import annotations

from celery import Task, shared_task

from webapp.core import outbox
from webapp.core.locks import single_run


@shared_task(bind=True, ignore_result=True)
def deliver_outbox_messages(self: Task, message_ids: list[int]) -> dict[int, str]:
    outcomes = outbox.deliver_batch(message_ids)
    for message_id, outcome in outcomes.items():
        if outcome.status == "retry":
            self.apply_async(([message_id],), countdown=outcome.retry_in)
    return {message_id: outcome.status for message_id, outcome in outcomes.items()}


@shared_task(ignore_result=True)
def sweep_outbox() -> int:
    """Re-queue outbox rows nobody picked up (broker down, worker killed)."""
    with single_run("outbox-sweep", seconds=300) as mine:
        return outbox.sweep() if mine else 0
