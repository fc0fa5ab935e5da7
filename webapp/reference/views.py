"""Admin pages for the reference data (models in webapp.core.reference, areas in the
directory). Every change is audited by the models; the edit pages show the history."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from webapp.audit import services as audit_log
from webapp.core.access import ADMIN, allow
from webapp.core.audit import Audited, history
from webapp.core.i18n import day
from webapp.core.reference import (
    MEMBERSHIP_STATUS_LABELS,
    ORGANIZATION_SCOPE_LABELS,
    MemberState,
    Named,
    Organization,
    PermanentObserver,
)
from webapp.directory.models import Area
from webapp.extensions import db
from webapp.reference import services
from webapp.reference.forms import (
    AreaForm,
    MemberStateForm,
    ObserverForm,
    OrganizationForm,
    ReferenceForm,
)

bp = Blueprint("reference", __name__, template_folder="templates", url_prefix="/admin/reference")


@bp.get("/")
@allow(ADMIN)
def member_states() -> str:
    return render_template("reference/member_states.html", states=services.all_member_states())


@bp.route("/member-states/<int:row_id>", methods=["GET", "POST"])
@allow(ADMIN)
def member_state(row_id: int) -> object:
    state = db.session.get(MemberState, row_id) or abort(404)
    return _edit(state, MemberStateForm, "reference.member_states", _l("Member state"))


@bp.get("/observers")
@allow(ADMIN)
def observers() -> str:
    return render_template("reference/observers.html", observers=services.all_observers())


@bp.route("/observers/new", methods=["GET", "POST"])
@allow(ADMIN)
def observer_new() -> object:
    return _edit(
        PermanentObserver(), ObserverForm, "reference.observers", _l("New permanent observer")
    )


@bp.route("/observers/<int:row_id>", methods=["GET", "POST"])
@allow(ADMIN)
def observer(row_id: int) -> object:
    row = db.session.get(PermanentObserver, row_id) or abort(404)
    return _edit(row, ObserverForm, "reference.observers", _l("Permanent observer"))


@bp.get("/organizations")
@allow(ADMIN)
def organizations() -> str:
    return render_template(
        "reference/organizations.html", organizations=services.all_organizations()
    )


@bp.route("/organizations/new", methods=["GET", "POST"])
@allow(ADMIN)
def organization_new() -> object:
    return _edit(
        Organization(), OrganizationForm, "reference.organizations", _l("New organization")
    )


@bp.route("/organizations/<int:row_id>", methods=["GET", "POST"])
@allow(ADMIN)
def organization(row_id: int) -> object:
    row = db.session.get(Organization, row_id) or abort(404)
    return _edit(row, OrganizationForm, "reference.organizations", _l("Organization"))


@bp.get("/areas")
@allow(ADMIN)
def areas() -> str:
    return render_template("reference/areas.html", areas=services.all_areas())


@bp.route("/areas/new", methods=["GET", "POST"])
@allow(ADMIN)
def area_new() -> object:
    return _edit(Area(), AreaForm, "reference.areas", _l("New area"))


@bp.route("/areas/<int:row_id>", methods=["GET", "POST"])
@allow(ADMIN)
def area(row_id: int) -> object:
    row = db.session.get(Area, row_id) or abort(404)
    return _edit(row, AreaForm, "reference.areas", _l("Area"))


def _edit(row: Named, form_class: type[ReferenceForm], list_endpoint: str, heading: str) -> object:
    """Show and save the form for an existing row, or for a new one (`row.id` is None)."""
    is_new = row.id is None  # type: ignore[attr-defined]
    form = form_class(obj=None if is_new else row, own_id=row.id)  # type: ignore[attr-defined]
    if form.validate_on_submit():
        form.populate_obj(row)
        if is_new:
            db.session.add(row)
        db.session.commit()
        flash(_("Added.") if is_new else _("The changes are saved."), "success")
        return redirect(url_for(list_endpoint))
    entries = None
    if not is_new and isinstance(row, Audited):
        entries = history(type(row).__name__, row.id)  # type: ignore[attr-defined]
    return render_template(
        "reference/edit.html",
        form=form,
        row=row,
        is_new=is_new,
        heading=heading,
        list_endpoint=list_endpoint,
        history=entries,
        actor_names=audit_log.actor_names(entries or []),
        labels={"code": _("Code"), **{f.name: f.label.text for f in form}},
        date_fields={f.name for f in form if f.type == "DateField"},
    )


@bp.context_processor
def labels() -> dict[str, object]:
    return {
        "membership_status_label": lambda s: str(MEMBERSHIP_STATUS_LABELS.get(s, s)),
        "organization_scope_label": lambda s: str(ORGANIZATION_SCOPE_LABELS.get(s, s)),
        "iso_day": lambda value: day(date.fromisoformat(value)),
    }
