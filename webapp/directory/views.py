"""The directory's blueprint and its pages for search, exports, the dated snapshot and
entries with their history. The agency pages (`agency_views`) and the import pages
(`import_views`) add their routes to the same blueprint."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from webapp.core.access import (
    ADMIN,
    FINANCE,
    FOCAL_POINT,
    ORGANIZER,
    PARTICIPANT,
    PUBLIC,
    allow,
)
from webapp.core.forms import ActionForm, form_status, saving
from webapp.core.i18n import viewer_language, viewer_zone
from webapp.core.paging import requested_page
from webapp.core.reference import MemberState
from webapp.core.timezones import today_in
from webapp.core.views import download
from webapp.directory import (
    agencies as agency_rules,
)
from webapp.directory import (
    contact_cache,
    entries,
    exports,
    filter_cache,
    history,
    labels,
    listing,
    permissions,
    results_cache,
)
from webapp.directory import (
    search as searching,
)
from webapp.directory import snapshot as snapshots
from webapp.directory.errors import InvalidEntry
from webapp.directory.forms import (
    ContactForm,
    RevertForm,
    SearchForm,
    SnapshotForm,
)
from webapp.directory.models import ACTIVE, PointOfContact
from webapp.extensions import db

bp = Blueprint("directory", __name__, template_folder="templates", url_prefix="/directory")

VIEWERS = (ADMIN, ORGANIZER, FINANCE, FOCAL_POINT, PARTICIPANT)
EDITORS = (ADMIN, ORGANIZER, FOCAL_POINT)
IMPORTERS = (ADMIN, ORGANIZER)
STATIC_DIR = Path(__file__).parent / "static"


@bp.get("/assets/<path:filename>")
@allow(PUBLIC)
def asset(filename: str) -> Response:
    """The directory's own CSS and JS (the app's access rules cover only `static`)."""
    return send_from_directory(STATIC_DIR, filename, max_age=3600)


def row_by_id(model: type[Any], row_id: int) -> Any:
    """A row by id from the URL (`<int:...>` is bounded app-wide by core.urls)."""
    return db.session.get(model, row_id)


# --- Search and exports -------------------------------------------------------------


def _filters() -> tuple[SearchForm | SnapshotForm, searching.Filters | None, dict[str, str]]:
    """The filters from the query string; None when one of them is not valid."""
    chosen = filter_cache.choices()
    states, areas = chosen.states, chosen.areas
    form_class = SnapshotForm if request.endpoint == "directory.snapshot" else SearchForm
    form = form_class(request.args, states=states, areas=areas)
    if not form.validate():
        return form, None, {}
    state_ids = {s.code: s.id for s in states}
    area_ids = {a.code: a.id for a in areas}
    filters = searching.Filters(
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
    language = viewer_language()
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
        can_add=permissions.can_add_entries(current_user, filter_cache.choices().any_state),
        is_secretariat=permissions.is_secretariat(current_user),
        selects=None if filters is None else filter_cache.selects(form),
    )


def _bad_filters(form: Any) -> tuple[str, int]:
    return render_template("directory/search.html", form=form, page=None, args={}), 400


@bp.get("/export.csv")
@allow(*VIEWERS)
def export_csv() -> Response | tuple[str, int]:
    form, filters, _args = _filters()
    if filters is None:
        return _bad_filters(form)
    contacts = searching.visible_contacts(current_user, filters, viewer_language())
    body = exports.contacts_csv(contacts)
    return download(body, "text/csv", f"directory-{today_in(viewer_zone()).isoformat()}.csv")


def _notes(contacts: list[PointOfContact]) -> dict[int, str]:
    """Each entry's vCard NOTE: state, areas, primary or alternate, designation."""
    language = viewer_language()
    designations = {k: str(v) for k, v in labels.DESIGNATION_LABELS.items()}
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
    contacts = searching.visible_contacts(current_user, filters, viewer_language())
    body = exports.vcards(contacts, _notes(contacts))
    return download(body, "text/vcard", f"directory-{today_in(viewer_zone()).isoformat()}.vcf")


@bp.get("/snapshot")
@allow(*VIEWERS)
def snapshot() -> str | tuple[str, int]:
    form, filters, args = _filters()
    today = today_in(viewer_zone())
    day = form.day.data if isinstance(form, SnapshotForm) and form.day.data else today
    if filters is not None and day > today:
        form.day.errors = [_("Choose a date not after today.")]
        filters = None
    contacts = (
        snapshots.snapshot(current_user, day, filters, viewer_zone(), viewer_language())
        if filters
        else []
    )
    return render_template(
        "directory/snapshot.html",
        form=form,
        day=day,
        args=args,
        groups=grouped(contacts),
        count=len(contacts),
        is_past=day < today,
    ), (200 if filters is not None else 400)


def grouped(contacts: Iterable[Any]) -> list[tuple[Any, list[tuple[str, list[Any]]]]]:
    """[(state, [(agency name, [contacts])])], keeping the given order, for the page."""
    groups: list[tuple[Any, list[tuple[str, list[Any]]]]] = []
    for contact in contacts:
        state = contact.member_state
        agency_name = getattr(contact, "agency_name", None) or contact.agency.name
        if not groups or groups[-1][0].id != state.id:
            groups.append((state, []))
        agencies = groups[-1][1]
        if not agencies or agencies[-1][0] != agency_name:
            agencies.append((agency_name, []))
        agencies[-1][1].append(contact)
    return groups


# --- Entries ------------------------------------------------------------------------


def _contact_or_404(contact_id: int) -> PointOfContact:
    contact = row_by_id(PointOfContact, contact_id)
    # What a viewer may not see does not exist for them.
    if contact is None or not permissions.can_view_contact(current_user, contact):
        abort(404)
    return contact


@bp.get("/contacts/<int:contact_id>")
@allow(*VIEWERS)
def contact(contact_id: int) -> str:
    entry = contact_cache.facts(contact_id)
    # What a viewer may not see does not exist for them.
    if entry is None or not permissions.can_view_contact(current_user, entry):
        abort(404)
    editable = permissions.can_edit_state(current_user, entry.member_state_id)
    # The history is for those who keep the entry and for the Secretariat.
    show_history = editable or permissions.is_secretariat(current_user)
    body = contact_cache.body(
        entry,
        viewer_language(),
        can_edit=editable and entry.status == ACTIVE,
        show_history=show_history,
        can_revert=permissions.can_revert(current_user),
    )
    return render_template("directory/contact.html", name=entry.name, body=body)


@bp.get("/contacts/<int:contact_id>.vcf")
@allow(*VIEWERS)
def contact_vcard(contact_id: int) -> Response:
    entry = _contact_or_404(contact_id)
    if entry.status != ACTIVE:
        abort(404)
    body = exports.vcard(entry, _notes([entry])[entry.id]).encode("utf-8")
    return download(body, "text/vcard", f"contact-{entry.id}.vcf")


def state_from_args() -> MemberState | None:
    code = (request.args.get("state") or "").strip().upper()
    if not code:
        return None
    state = agency_rules.state_by_code(code)
    if state is None:
        abort(404)
    permissions.require_edit_state(current_user, state.id)
    return state


@bp.route("/contacts/new", methods=["GET", "POST"])
@allow(*EDITORS)
def new_contact() -> Any:
    state = state_from_args()
    if state is None:
        states = permissions.editable_states(current_user)
        if len(states) == 1:
            state = states[0]
        else:
            if request.method == "POST":
                abort(400)
            return render_template("directory/choose_state.html", states=states)
    form = ContactForm(
        agencies=agency_rules.agencies_of(state.id), areas=agency_rules.active_areas()
    )
    if form.validate_on_submit():
        with saving(form) as saved:
            entry = entries.create_contact(
                current_user, state, form.data_for_service(), today_in(viewer_zone())
            )
        if saved:
            flash(_("The entry for %(name)s is saved.", name=entry.name), "success")
            return redirect(url_for("directory.contact", contact_id=entry.id))
    return render_template(
        "directory/contact_form.html", form=form, state=state, contact=None
    ), form_status()


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@allow(*EDITORS)
def edit_contact(contact_id: int) -> Any:
    entry = _contact_or_404(contact_id)
    permissions.require_edit_state(current_user, entry.member_state_id)
    if entry.status != ACTIVE:
        flash(_("A withdrawn entry cannot be edited."), "error")
        return redirect(url_for("directory.contact", contact_id=entry.id))
    # An entry keeps its agency and areas even if they were since retired.
    agencies = agency_rules.agencies_of(entry.member_state_id)
    if entry.agency not in agencies:
        agencies.append(entry.agency)
    areas = agency_rules.active_areas()
    areas += [a for a in entry.areas if a not in areas]
    form = ContactForm(agencies=agencies, areas=areas)
    if request.method == "GET":
        form.fill_from(entry)
    elif form.validate_on_submit():
        with saving(form) as saved:
            entries.update_contact(
                current_user, entry, form.data_for_service(), today_in(viewer_zone())
            )
        if saved:
            flash(_("The entry for %(name)s is saved.", name=entry.name), "success")
            return redirect(url_for("directory.contact", contact_id=entry.id))
    return render_template(
        "directory/contact_form.html", form=form, state=entry.member_state, contact=entry
    ), form_status()


@bp.post("/contacts/<int:contact_id>/withdraw")
@allow(*EDITORS)
def withdraw_contact(contact_id: int) -> Any:
    entry = _contact_or_404(contact_id)
    permissions.require_edit_state(current_user, entry.member_state_id)
    if ActionForm().validate_on_submit():
        entries.withdraw_contact(current_user, entry)
        db.session.commit()
        flash(_("%(name)s was withdrawn from the directory.", name=entry.name), "success")
    return redirect(url_for("directory.contact", contact_id=entry.id))


@bp.post("/contacts/<int:contact_id>/revert")
@allow(ADMIN)
def revert_contact(contact_id: int) -> Any:
    entry = row_by_id(PointOfContact, contact_id) or abort(404)
    form = RevertForm()
    if not form.validate_on_submit():
        flash(_("Choose a version from this entry's history."), "error")
        return redirect(url_for("directory.contact", contact_id=entry.id))
    try:
        changed = history.revert_contact(current_user, entry, form.entry_id.data)
    except InvalidEntry as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        if changed:
            flash(_("The entry was restored to the chosen version."), "success")
        else:
            flash(_("The entry is already as it was in that version."), "info")
    return redirect(url_for("directory.contact", contact_id=entry.id))
