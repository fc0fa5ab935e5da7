"""The Secretariat's bulk import of points of contact from CSV, the form in which member
states send their lists.

The upload is checked at once (size, encoding, header, number of rows); the rows are then
validated and applied by a Celery task that updates an `ImportJob` for the progress bar.
Every row is validated before any is written; then all are written in one transaction,
or none. An entry is matched by state and email: a known address updates the entry, a new
one creates it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, format_decimal, format_percent, ngettext
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from webapp.accounts.models import User
from webapp.core import jobs
from webapp.core.audit import acting_as
from webapp.core.deferred import Message, deferred_gettext
from webapp.core.errors import RuleError
from webapp.core.reference import MemberState
from webapp.core.timezones import today_in, utcnow
from webapp.directory import import_file
from webapp.directory.entries import CleanContact, write_contact
from webapp.directory.errors import ImportFileError
from webapp.directory.history import audited_values
from webapp.directory.import_rules import ValidRow, load_reference, validate_row
from webapp.directory.models import (
    ACTIVE,
    APPLYING,
    DONE,
    FAILED,
    QUEUED,
    REJECTED,
    VALIDATING,
    Agency,
    Area,
    ImportJob,
    PointOfContact,
)
from webapp.extensions import db

log = logging.getLogger(__name__)

IMPORT_TASK = "tasks.directory_import.run_directory_import"


def start(user: User, upload: FileStorage, language: str) -> ImportJob:
    """Check the upload and record a queued job, to be run once the caller commits."""
    text = import_file.read_upload(upload)
    rows = import_file.parse(text)
    job = ImportJob(
        created_by_id=user.id,
        filename=(upload.filename or "")[:255],
        content=text,
        language=language,
        status=QUEUED,
        total_rows=len(rows),
    )
    db.session.add(job)
    db.session.flush()
    jobs.queue_after_commit(IMPORT_TASK, job.id)
    return job


def recent_jobs(limit: int = 20) -> list[ImportJob]:
    return list(
        db.session.scalars(sa.select(ImportJob).order_by(ImportJob.id.desc()).limit(limit))
    )


# --- Running the job ----------------------------------------------------------------


def _claim(job_id: int) -> bool:
    """Move a queued job to validating; False if another run has it (tasks may run twice)."""
    claimed = db.session.execute(
        sa.update(ImportJob)
        .where(ImportJob.id == job_id, ImportJob.status == QUEUED)
        .values(status=VALIDATING, started_at=utcnow(), processed_rows=0)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(claimed)


def _progress(job_id: int, processed: int) -> None:
    db.session.execute(
        sa.update(ImportJob)
        .where(ImportJob.id == job_id)
        .values(processed_rows=processed)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def run(job_id: int) -> str:
    """Validate every row, then apply all or none. Returns the job's final status."""
    if not _claim(job_id):
        job = db.session.get(ImportJob, job_id)
        return job.status if job else "missing"
    job = db.session.get(ImportJob, job_id)
    assert job is not None
    user = db.session.get(User, job.created_by_id) if job.created_by_id else None
    label = user.email if user else "import"
    zone = (user.timezone if user else None) or current_app.config["DEFAULT_TIMEZONE"]
    try:
        with force_locale(job.language or "en"), acting_as(job.created_by_id, label):
            return _run(job_id, zone)
    except Exception:
        log.exception("directory import %s failed", job_id)
        db.session.rollback()
        job = db.session.get(ImportJob, job_id)
        if job is not None:
            job.status = FAILED  # said by `outcome`, in the reader's language
            job.finished_at = utcnow()
            db.session.commit()
        return FAILED


def _run(job_id: int, zone: str) -> str:
    job = db.session.get(ImportJob, job_id)
    assert job is not None
    try:
        rows = import_file.parse(job.content)
    except ImportFileError as problem:
        job.status = REJECTED
        job.outcome = (problem.deferred or deferred_gettext(problem.message)).to_data()
        job.finished_at = utcnow()
        db.session.commit()
        return REJECTED
    total = len(rows)
    job.total_rows = total
    db.session.commit()

    ref = load_reference()
    today = today_in("UTC")  # a note verbale's date may not be later than this
    valid: list[ValidRow] = []
    errors: list[dict[str, Any]] = []
    step = max(1, total // 50)
    for index, row in enumerate(rows, start=1):
        good, row_errors = validate_row(row, ref, today)
        errors.extend(row_errors)
        if good is not None:
            valid.append(good)
        if index % step == 0 or index == total:
            _progress(job_id, index)

    job = db.session.get(ImportJob, job_id)
    assert job is not None
    if errors:
        # Kept as data (message id, parameters, row, column), said in each reader's language.
        job.status = REJECTED
        job.errors = errors
        job.finished_at = utcnow()
        db.session.commit()
        return REJECTED

    job.status = APPLYING
    db.session.commit()
    created, updated, unchanged = apply(valid, today_in(zone))
    job = db.session.get(ImportJob, job_id)
    assert job is not None
    job.status = DONE
    job.processed_rows = total
    job.created_count, job.updated_count, job.unchanged_count = created, updated, unchanged
    job.finished_at = utcnow()
    # One commit: the entries and the job's outcome together, or neither.
    db.session.commit()
    return DONE


# --- What a job says, in the reader's language ----------------------------------------


@dataclass(frozen=True)
class RowProblem:
    row: int | None
    column: str
    text: str


def row_problems(job: ImportJob) -> list[RowProblem]:
    """The rejected rows' problems, in the active language. Jobs run before their
    problems were kept as data show the text they stored."""
    problems = []
    for error in job.errors or []:
        said = error.get("said")
        text = Message.from_data(said).render() if said else str(error.get("message", ""))
        problems.append(RowProblem(error.get("row"), str(error.get("column", "")), text))
    return problems


def outcome(job: ImportJob) -> str:
    """What came of a finished job, in the active language ("" while it runs)."""
    if job.outcome:
        return Message.from_data(job.outcome).render()
    if job.status == DONE:
        return _done_sentences(job)
    if job.status == REJECTED and job.errors:
        return ngettext(
            "%(num)d row of %(total)d was rejected, so nothing was imported. "
            "Correct it and import the whole file again.",
            "%(num)d rows of %(total)d were rejected, so nothing was imported. "
            "Correct them and import the whole file again.",
            len({e.get("row") for e in job.errors}),
            total=job.total_rows,
        )
    if job.status == FAILED:
        return _(
            "The import failed and nothing was changed. Please try again; "
            "if it fails again, tell the Secretariat's IT staff."
        )
    return job.message or ""  # a file refused before outcomes were kept as data


def _done_sentences(job: ImportJob) -> str:
    # One sentence per count, so each agrees with its own number; zero reads as a
    # sentence of its own ("Nenhum registro novo…"), not as "0 entries".
    created, updated, unchanged = job.created_count, job.updated_count, job.unchanged_count
    sentences = [
        ngettext("%(num)d row was imported.", "%(num)d rows were imported.", job.total_rows)
    ]
    sentences.append(
        ngettext("%(num)d new entry was added.", "%(num)d new entries were added.", created)
        if created
        else _("No new entry was added.")
    )
    sentences.append(
        ngettext("%(num)d entry was updated.", "%(num)d entries were updated.", updated)
        if updated
        else _("No entry was updated.")
    )
    if unchanged:
        sentences.append(
            ngettext(
                "%(num)d entry was already up to date.",
                "%(num)d entries were already up to date.",
                unchanged,
            )
        )
    return " ".join(sentences)


def progress_text(job: ImportJob) -> str:
    """Where a running job stands, in the active language, for the page and its poll."""
    if job.status == QUEUED:
        return _(
            "Waiting for the task queue. The import starts by itself as soon as the queue "
            "is available; you may leave this page."
        )
    if job.status == VALIDATING:
        return ngettext(
            "Checking the rows: %(processed)s of %(num)d (%(percent)s).",
            "Checking the rows: %(processed)s of %(num)d (%(percent)s).",
            job.total_rows,
            processed=format_decimal(job.processed_rows),
            percent=format_percent(job.percent / 100),
        )
    if job.status == APPLYING:
        return _("Every row is valid. Saving the entries; this may take a minute.")
    return outcome(job)


# --- Starting again -----------------------------------------------------------------


def may_start_again(job: ImportJob) -> bool:
    """Only a job that failed (not one rejected: the same file would be rejected again,
    nor one waiting, which the sweep re-queues, nor one running)."""
    return job.status == FAILED


def start_again(job: ImportJob) -> None:
    """Queue a failed job's file again, once the caller commits."""
    if not may_start_again(job):
        raise RuleError(_("This import cannot be started again."))
    job.status = QUEUED
    job.processed_rows = 0
    job.errors = []
    job.outcome = None
    job.message = ""
    job.started_at = job.finished_at = None
    jobs.queue_after_commit(IMPORT_TASK, job.id)


# A job is validated and saved in seconds (at most DIRECTORY_IMPORT_MAX_ROWS rows); one
# still "running" after this long lost its worker. Its entries were never written (they
# are saved with the job's outcome in one transaction), so it is marked failed, to be
# started again.
STALE_RUN = timedelta(hours=1)
# A queued job younger than this may still be on its way to a worker.
QUEUED_GRACE = timedelta(minutes=1)


def sweep(now: datetime | None = None) -> int:
    """Re-queue the jobs left waiting (the broker was down when they were uploaded) and
    mark failed the ones whose worker died. Returns how many jobs were re-queued."""
    now = now or utcnow()
    stale = db.session.execute(
        sa.update(ImportJob)
        .where(
            ImportJob.status.in_((VALIDATING, APPLYING)),
            ImportJob.started_at < now - STALE_RUN,
        )
        .values(status=FAILED, finished_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if stale:
        log.warning("%d directory import(s) lost their worker; marked failed", stale)
    waiting = list(
        db.session.scalars(
            sa.select(ImportJob.id)
            .where(ImportJob.status == QUEUED, ImportJob.created_at < now - QUEUED_GRACE)
            .order_by(ImportJob.id)
        )
    )
    db.session.commit()
    unsent = jobs.queue_all([(IMPORT_TASK, (job_id,)) for job_id in waiting])
    return len(waiting) - len(unsent)


def apply(rows: list[ValidRow], verified_on: date) -> tuple[int, int, int]:
    """Write validated rows (not committed). Returns (created, updated, unchanged)."""
    state_ids = sorted({r.state_id for r in rows})
    states = {
        s.id: s
        for s in db.session.scalars(sa.select(MemberState).where(MemberState.id.in_(state_ids)))
    }
    agencies = {
        (a.member_state_id, a.name.lower()): a
        for a in db.session.scalars(sa.select(Agency).where(Agency.member_state_id.in_(state_ids)))
    }
    areas = {a.id: a for a in db.session.scalars(sa.select(Area))}
    contacts: dict[tuple[int, str], PointOfContact] = {}
    for contact in db.session.scalars(
        sa.select(PointOfContact)
        .where(PointOfContact.member_state_id.in_(state_ids), PointOfContact.status == ACTIVE)
        .order_by(PointOfContact.id)
    ):
        contacts.setdefault((contact.member_state_id, contact.email.lower()), contact)

    created = updated = unchanged = 0
    for row in rows:
        agency = agencies.get(row.agency_key)
        if agency is None:
            agency = Agency(
                member_state=states[row.state_id],
                name=row.agency_name,
                kind=row.agency_kind or "other",
            )
            db.session.add(agency)
            db.session.flush()
            agencies[row.agency_key] = agency
        clean = CleanContact(
            name=row.name,
            title=row.title,
            agency=agency,
            email=row.email,
            phones=row.phones,
            languages=row.languages,
            areas=sorted((areas[i] for i in row.area_ids), key=lambda a: (a.position, a.id)),
            designation=row.designation,
            source_reference=row.source_reference,
            source_date=row.source_date,
            visibility=row.visibility,
        )
        contact = contacts.get((row.state_id, row.email.lower()))
        if contact is None:
            contact = PointOfContact(member_state=states[row.state_id], status=ACTIVE)
            write_contact(contact, clean, verified_on)
            db.session.add(contact)
            created += 1
            continue
        before = audited_values(contact)
        write_contact(contact, clean, verified_on)
        after = audited_values(contact)
        before.pop("last_verified_on"), after.pop("last_verified_on")
        if before == after:
            unchanged += 1
        else:
            updated += 1
    db.session.flush()
    return created, updated, unchanged
