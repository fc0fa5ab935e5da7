"""The directory's bulk import, run outside the web request for large files."""

from __future__ import annotations

from celery import shared_task

from webapp.directory import imports


@shared_task(ignore_result=True)
def run_directory_import(job_id: int) -> str:
    """Validate and apply one import job; safe to run twice (the job is claimed once)."""
    return imports.run(job_id)
