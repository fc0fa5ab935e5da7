"""The Secretariat's CSV import pages: upload, the job's page and its progress."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.core import jobs
from webapp.core.access import allow
from webapp.core.forms import ActionForm, saving
from webapp.core.i18n import viewer_language
from webapp.directory import import_file, imports, labels
from webapp.directory.errors import ImportFileError
from webapp.directory.forms import ImportForm
from webapp.directory.models import ImportJob
from webapp.directory.views import IMPORTERS, bp, row_by_id
from webapp.extensions import db

# --- Import -------------------------------------------------------------------------


@bp.route("/imports/new", methods=["GET", "POST"])
@allow(*IMPORTERS)
def new_import() -> Any:
    form = ImportForm()
    status = 200
    if form.validate_on_submit():
        language = viewer_language()
        try:
            job = imports.start(current_user, form.file.data, language)
        except ImportFileError as problem:
            db.session.rollback()
            form.file.errors = [problem.message]
            status = 400
        else:
            db.session.commit()  # queues the import task (see imports.start)
            if imports.IMPORT_TASK in jobs.not_queued():
                flash(
                    _("The import is waiting for the task queue. It starts by itself."),
                    "warning",
                )
            return redirect(url_for("directory.import_job", job_id=job.id))
    elif request.method == "POST":
        status = 400
    recent = imports.recent_jobs()
    return render_template(
        "directory/import_form.html",
        form=form,
        jobs=recent,
        columns=import_file.COLUMNS,
        max_kb=import_file.max_bytes() // 1024,
        max_rows=import_file.max_rows(),
    ), status


@bp.get("/imports/<int:job_id>")
@allow(*IMPORTERS)
def import_job(job_id: int) -> str:
    job = row_by_id(ImportJob, job_id) or abort(404)
    return render_template(
        "directory/import_job.html",
        job=job,
        progress=imports.progress_text(job),
        outcome=imports.outcome(job),
        problems=imports.row_problems(job),
        may_start_again=imports.may_start_again(job),
        action_form=ActionForm(),
    )


@bp.get("/imports/<int:job_id>/progress")
@allow(*IMPORTERS)
def import_progress(job_id: int) -> Response:
    """The job's state for the page's poll, its words in the reader's language."""
    job = row_by_id(ImportJob, job_id) or abort(404)
    response = jsonify(
        status=job.status,
        label=labels.label(labels.IMPORT_STATUS_LABELS, job.status),
        text=imports.progress_text(job),
        processed=job.processed_rows,
        total=job.total_rows,
        percent=job.percent,
        finished=job.is_finished,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/imports/<int:job_id>/start")
@allow(*IMPORTERS)
def start_import(job_id: int) -> Any:
    """Start a failed job's file again (the only job for which that makes sense)."""
    job = row_by_id(ImportJob, job_id) or abort(404)
    form = ActionForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            imports.start_again(job)
        if saved and imports.IMPORT_TASK in jobs.not_queued():
            flash(_("The import is waiting for the task queue. It starts by itself."), "warning")
        elif not saved:
            flash(_("This import cannot be started again."), "error")
    return redirect(url_for("directory.import_job", job_id=job.id))
