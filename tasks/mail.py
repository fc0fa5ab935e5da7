"""Delivering the outbox."""

from __future__ import annotations

from celery import shared_task

from webapp.core import outbox
from webapp.core.locks import single_run


@shared_task(bind=True, ignore_result=True)
def deliver_outbox_message(self: object, message_id: int) -> str:
    outcome = outbox.deliver(message_id)
    if outcome.status == "retry":
        deliver_outbox_message.apply_async((message_id,), countdown=outcome.retry_in)
    return outcome.status


@shared_task(ignore_result=True)
def sweep_outbox() -> int:
    """Re-queue outbox rows nobody picked up (broker down, worker killed)."""
    with single_run("outbox-sweep", seconds=300) as mine:
        return outbox.sweep() if mine else 0
