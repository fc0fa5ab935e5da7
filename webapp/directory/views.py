"""The Directory of National Points of Contact: search, entries and their history,
agencies, areas, exports and the Secretariat's bulk import."""

from __future__ import annotations

import logging
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from webapp.core import navigation
from webapp.core.access import (
    ADMIN,
    FINANCE,
    FOCAL_POINT,
    ORGANIZER,
    PARTICIPANT,
    PUBLIC,
    allow,
)
from webapp.core.forms import ActionForm, show_error
from webapp.core.i18n import day as format_day
from webapp.core.paging import requested_page
from webapp.core.reference import MemberState, member_states
from webapp.directory import agencies_cache, exports, imports, listing, results_cache, services
from webapp.directory.forms import (
    AgencyForm,
    ContactForm,
    ImportForm,
    RevertForm,
    SearchForm,
    SnapshotForm,
)
from webapp.directory.models import ACTIVE, Agency, ImportJob, PointOfContact
from webapp.extensions import db

log = logging.getLogger(__name__)

bp = Blueprint("directory", __name__, template_folder="templates", url_prefix="/directory")

VIEWERS = (ADMIN, ORGANIZER, FINANCE, FOCAL_POINT, PARTICIPANT)
EDITORS = (ADMIN, ORGANIZER, FOCAL_POINT)
IMPORTERS = (ADMIN, ORGANIZER)
STATIC_DIR = Path(__file__).parent / "static"

IMPORT_STATUS_LABELS = {
    "queued": _l("Waiting to start"),
    "validating": _l("Checking the rows"),
    "applying": _l("Saving the entries"),
    "done": _l("Imported"),
    "rejected": _l("Rejected"),
    "failed": _l("Failed"),
}


@bp.record_once
def _register_navigation(state: Any) -> None:
    navigation.register("directory.search", _l("Directory"), 10)
    navigation.register("directory.new_import", _l("Import"), 30)


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return {
        "format_phone": services.format_phone,
        "language_name": services.language_name,
        "kind_label": lambda k: str(services.KIND_LABELS.get(k, k)),
        "designation_label": lambda d: str(services.DESIGNATION_LABELS.get(d, d)),
        "visibility_label": lambda v: str(services.VISIBILITY_LABELS.get(v, v)),
        "entry_status_label": lambda s: str(services.STATUS_LABELS.get(s, s)),
        "import_status_label": lambda s: str(IMPORT_STATUS_LABELS.get(s, s)),
    }


@bp.get("/assets/<path:filename>")
@allow(PUBLIC)
def asset(filename: str) -> Response:
    """The directory's own CSS and JS (the app's access rules cover only `static`)."""
    return send_from_directory(STATIC_DIR, filename, max_age=3600)


MAX_ID = 2**31 - 1


def _get(model: type[Any], row_id: int) -> Any:
    """A row by id from the URL; ids beyond any column's range are simply not found."""
    return db.session.get(model, row_id) if 0 < row_id <= MAX_ID else None


# --- Search and exports -------------------------------------------------------------


def _filters() -> tuple[SearchForm | SnapshotForm, services.Filters | None, dict[str, str]]:
    """The filters from the query string; None when one of them is not valid."""
    states = member_states()
    areas = services.active_areas()
    form_class = SnapshotForm if request.endpoint == "directory.snapshot" else SearchForm
    form = form_class(request.args, states=states, areas=areas)
    if not form.validate():
        return form, None, {}
    state_ids = {s.code: s.id for s in states}
    area_ids = {a.code: a.id for a in areas}
    filters = services.Filters(
        state_id=state_ids.get(form.state.data or ""),
        kind=form.kind.data or None,
        area_id=area_ids.get(form.area.data or ""),
        language=form.language.data or None,
        text=(form.q.data or "").strip(),
    )
    args = filters.as_args({s.id: s.code for s in states}, {a.id: a.code for a in areas})
    return form, filters, args


@bp.get("/")
@allow(*VIEWERS)
def search() -> str:
    form, filters, args = _filters()
    sort = listing.sort_or_default(request.args.get("sort"))
    language = services.viewer_language()
    results = None
    if filters is not None:
        page = requested_page()
        results = results_cache.results(current_user, filters, page, sort, language, args)
    return render_template(
        "directory/search.html",
        form=form,
        results=results,
        args=args,
        sort=sort,
        sorts=listing.SORTS,
        can_add=bool(services.editable_states(current_user)),
        is_secretariat=services.is_secretariat(current_user),
    )


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _bad_filters(form: Any) -> tuple[str, int]:
    return render_template("directory/search.html", form=form, page=None, args={}), 400


@bp.get("/export.csv")
@allow(*VIEWERS)
def export_csv() -> Response | tuple[str, int]:
    form, filters, _args = _filters()
    if filters is None:
        return _bad_filters(form)
    contacts = services.visible_contacts(current_user, filters)
    body = exports.contacts_csv(contacts)
    return _download(body, "text/csv", f"directory-{date.today().isoformat()}.csv")


def _notes(contacts: list[PointOfContact]) -> dict[int, str]:
    """Each entry's vCard NOTE: state, areas, primary or alternate, designation."""
    language = services.viewer_language()
    designations = {k: str(v) for k, v in services.DESIGNATION_LABELS.items()}
    notes = {}
    for contact in contacts:
        parts = [contact.member_state.name_in(language)]
        parts.append(", ".join(a.name_in(language) for a in contact.areas))
        parts.append(designations.get(contact.designation, ""))
        if contact.source_reference:
            parts.append(_("Designated by note verbale %(ref)s", ref=contact.source_reference))
        notes[contact.id] = " — ".join(p for p in parts if p)
    return notes


@bp.get("/export.vcf")
@allow(*VIEWERS)
def export_vcard() -> Response | tuple[str, int]:
    form, filters, _args = _filters()
    if filters is None:
        return _bad_filters(form)
    contacts = services.visible_contacts(current_user, filters)
    body = exports.vcards(contacts, _notes(contacts))
    return _download(body, "text/vcard", f"directory-{date.today().isoformat()}.vcf")


@bp.get("/snapshot")
@allow(*VIEWERS)
def snapshot() -> str | tuple[str, int]:
    form, filters, args = _filters()
    today = services.today_for_viewer()
    day = form.day.data if isinstance(form, SnapshotForm) and form.day.data else today
    if filters is not None and day > today:
        form.day.errors = [_("Choose a date not after today.")]
        filters = None
    contacts = services.snapshot(current_user, day, filters) if filters else []
    return render_template(
        "directory/snapshot.html",
        form=form,
        day=day,
        args=args,
        groups=services.grouped(contacts),
        count=len(contacts),
        # Thousands of rows share a few dates: format each one once.
        short_day=lru_cache(maxsize=None)(lambda d: format_day(d, "short")),
        is_past=day < today,
    ), (200 if filters is not None else 400)


# --- Entries ------------------------------------------------------------------------


def _contact_or_404(contact_id: int) -> PointOfContact:
    contact = _get(PointOfContact, contact_id)
    # What a viewer may not see does not exist for them.
    if contact is None or not services.can_view_contact(current_user, contact):
        abort(404)
    return contact


@bp.get("/contacts/<int:contact_id>")
@allow(*VIEWERS)
def contact(contact_id: int) -> str:
    entry = _contact_or_404(contact_id)
    editable = services.can_edit_state(current_user, entry.member_state_id)
    # The history is for those who keep the entry and for the Secretariat.
    show_history = editable or services.is_secretariat(current_user)
    return render_template(
        "directory/contact.html",
        contact=entry,
        can_edit=editable and entry.status == ACTIVE,
        history=services.readable_history(entry) if show_history else [],
        show_history=show_history,
        can_revert=services.can_revert(current_user),
        action_form=ActionForm(),
        revert_form=RevertForm(),
    )


@bp.get("/contacts/<int:contact_id>.vcf")
@allow(*VIEWERS)
def contact_vcard(contact_id: int) -> Response:
    entry = _contact_or_404(contact_id)
    if entry.status != ACTIVE:
        abort(404)
    body = exports.vcard(entry, _notes([entry])[entry.id]).encode("utf-8")
    return _download(body, "text/vcard", f"contact-{entry.id}.vcf")


def _state_from_args() -> MemberState | None:
    code = (request.args.get("state") or "").strip().upper()
    if not code:
        return None
    state = db.session.scalar(sa.select(MemberState).where(MemberState.code == code))
    if state is None:
        abort(404)
    services.require_edit_state(current_user, state.id)
    return state


@bp.route("/contacts/new", methods=["GET", "POST"])
@allow(*EDITORS)
def new_contact() -> Any:
    state = _state_from_args()
    if state is None:
        states = services.editable_states(current_user)
        if len(states) == 1:
            state = states[0]
        else:
            if request.method == "POST":
                abort(400)
            return render_template("directory/choose_state.html", states=states)
    form = ContactForm(agencies=services.agencies_of(state.id), areas=services.active_areas())
    if form.validate_on_submit():
        try:
            entry = services.create_contact(current_user, state, form.data_for_service())
        except services.InvalidEntry as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The entry for %(name)s is saved.", name=entry.name), "success")
            return redirect(url_for("directory.contact", contact_id=entry.id))
    status = 400 if request.method == "POST" else 200
    return render_template("directory/contact_form.html", form=form, state=state, contact=None), (
        status
    )


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@allow(*EDITORS)
def edit_contact(contact_id: int) -> Any:
    entry = _contact_or_404(contact_id)
    services.require_edit_state(current_user, entry.member_state_id)
    if entry.status != ACTIVE:
        flash(_("A withdrawn entry cannot be edited."), "error")
        return redirect(url_for("directory.contact", contact_id=entry.id))
    # An entry keeps its agency and areas even if they were since retired.
    agencies = services.agencies_of(entry.member_state_id)
    if entry.agency not in agencies:
        agencies.append(entry.agency)
    areas = services.active_areas()
    areas += [a for a in entry.areas if a not in areas]
    form = ContactForm(agencies=agencies, areas=areas)
    if request.method == "GET":
        form.fill_from(entry)
    elif form.validate_on_submit():
        try:
            services.update_contact(current_user, entry, form.data_for_service())
        except services.InvalidEntry as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The entry for %(name)s is saved.", name=entry.name), "success")
            return redirect(url_for("directory.contact", contact_id=entry.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "directory/contact_form.html", form=form, state=entry.member_state, contact=entry
    ), status


@bp.post("/contacts/<int:contact_id>/withdraw")
@allow(*EDITORS)
def withdraw_contact(contact_id: int) -> Any:
    entry = _contact_or_404(contact_id)
    services.require_edit_state(current_user, entry.member_state_id)
    if ActionForm().validate_on_submit():
        services.withdraw_contact(current_user, entry)
        db.session.commit()
        flash(_("%(name)s was withdrawn from the directory.", name=entry.name), "success")
    return redirect(url_for("directory.contact", contact_id=entry.id))


@bp.post("/contacts/<int:contact_id>/revert")
@allow(ADMIN)
def revert_contact(contact_id: int) -> Any:
    entry = _get(PointOfContact, contact_id) or abort(404)
    form = RevertForm()
    if not form.validate_on_submit():
        flash(_("Choose a version from this entry's history."), "error")
        return redirect(url_for("directory.contact", contact_id=entry.id))
    try:
        changed = services.revert_contact(current_user, entry, form.entry_id.data)
    except services.InvalidEntry as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        if changed:
            flash(_("The entry was restored to the chosen version."), "success")
        else:
            flash(_("The entry is already as it was in that version."), "info")
    return redirect(url_for("directory.contact", contact_id=entry.id))


# --- Agencies and areas -------------------------------------------------------------


@bp.get("/agencies")
@allow(*EDITORS)
def agencies() -> str:
    state = _state_from_args()
    if state is None:
        states = services.editable_states(current_user)
        if len(states) != 1:
            return render_template(
                "directory/choose_state.html", states=states, endpoint="directory.agencies"
            )
        state = states[0]
    return render_template(
        "directory/agencies.html", state=state, table=agencies_cache.table(state)
    )


@bp.route("/agencies/new", methods=["GET", "POST"])
@allow(*EDITORS)
def new_agency() -> Any:
    state = _state_from_args() or abort(404)
    form = AgencyForm()
    if form.validate_on_submit():
        try:
            agency = services.save_agency(
                current_user, state, form.name.data, form.acronym.data, form.kind.data
            )
        except services.InvalidEntry as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The agency %(name)s is saved.", name=agency.name), "success")
            return redirect(url_for("directory.agencies", state=state.code))
    status = 400 if request.method == "POST" else 200
    return render_template("directory/agency_form.html", form=form, state=state, agency=None), (
        status
    )


@bp.route("/agencies/<int:agency_id>/edit", methods=["GET", "POST"])
@allow(*EDITORS)
def edit_agency(agency_id: int) -> Any:
    agency = _get(Agency, agency_id) or abort(404)
    services.require_edit_state(current_user, agency.member_state_id)
    form = AgencyForm(obj=agency)
    if form.validate_on_submit():
        try:
            services.save_agency(
                current_user,
                agency.member_state,
                form.name.data,
                form.acronym.data,
                form.kind.data,
                agency=agency,
            )
        except services.InvalidEntry as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The agency %(name)s is saved.", name=agency.name), "success")
            return redirect(url_for("directory.agencies", state=agency.member_state.code))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "directory/agency_form.html", form=form, state=agency.member_state, agency=agency
    ), status


# --- Import -------------------------------------------------------------------------


def _enqueue(job_id: int) -> bool:
    from tasks.directory_import import run_directory_import

    try:
        run_directory_import.delay(job_id)
    except Exception:  # the broker is down: the job waits, and can be started again
        log.exception("could not queue directory import %s", job_id)
        return False
    return True


@bp.route("/imports/new", methods=["GET", "POST"])
@allow(*IMPORTERS)
def new_import() -> Any:
    form = ImportForm()
    status = 200
    if form.validate_on_submit():
        language = services.viewer_language()
        try:
            job = imports.start(current_user, form.file.data, language)
        except imports.ImportFileError as problem:
            db.session.rollback()
            form.file.errors = [problem.message]
            status = 400
        else:
            db.session.commit()
            if not _enqueue(job.id):
                flash(
                    _("The import is waiting for the task queue. Start it again later."),
                    "warning",
                )
            return redirect(url_for("directory.import_job", job_id=job.id))
    elif request.method == "POST":
        status = 400
    jobs = db.session.scalars(sa.select(ImportJob).order_by(ImportJob.id.desc()).limit(20))
    return render_template(
        "directory/import_form.html",
        form=form,
        jobs=list(jobs),
        columns=imports.COLUMNS,
        max_kb=imports.max_bytes() // 1024,
        max_rows=imports.max_rows(),
    ), status


@bp.get("/imports/<int:job_id>")
@allow(*IMPORTERS)
def import_job(job_id: int) -> str:
    job = _get(ImportJob, job_id) or abort(404)
    return render_template("directory/import_job.html", job=job, action_form=ActionForm())


@bp.get("/imports/<int:job_id>/progress")
@allow(*IMPORTERS)
def import_progress(job_id: int) -> Response:
    job = _get(ImportJob, job_id) or abort(404)
    return jsonify(
        status=job.status,
        label=str(IMPORT_STATUS_LABELS.get(job.status, job.status)),
        processed=job.processed_rows,
        total=job.total_rows,
        percent=job.percent,
        finished=job.is_finished,
    )


@bp.post("/imports/<int:job_id>/start")
@allow(*IMPORTERS)
def start_import(job_id: int) -> Any:
    job = _get(ImportJob, job_id) or abort(404)
    if ActionForm().validate_on_submit() and job.status == "queued" and not _enqueue(job.id):
        flash(_("The task queue is not available. Try again in a few minutes."), "error")
    return redirect(url_for("directory.import_job", job_id=job.id))
