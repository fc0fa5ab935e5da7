"""The directory's bulk import, run outside the web request for large files."""

from __future__ import annotations

from celery import shared_task

from webapp.core.locks import single_run
from webapp.directory import imports


@shared_task(ignore_result=True)
def run_directory_import(job_id: int) -> str:
    """Validate and apply one import job; safe to run twice (the job is claimed once)."""
    return imports.run(job_id)


@shared_task(ignore_result=True)
def sweep_directory_imports() -> int:
    """Re-queue import jobs left waiting (broker down at upload); fail those whose worker
    died, so that they can be started again."""
    with single_run("directory-import-sweep", seconds=300) as mine:
        return imports.sweep() if mine else 0
