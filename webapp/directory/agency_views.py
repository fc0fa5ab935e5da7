"""The directory's agency pages: each member state's list of agencies, new and edit."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.core.access import allow
from webapp.core.forms import form_status, saving
from webapp.core.paging import requested_page
from webapp.directory import agencies as agency_rules
from webapp.directory import agencies_cache, permissions
from webapp.directory.forms import AgencyForm
from webapp.directory.models import Agency
from webapp.directory.views import EDITORS, bp, row_by_id, state_from_args

# --- Agencies and areas -------------------------------------------------------------


@bp.get("/agencies")
@allow(*EDITORS)
def agencies() -> str:
    state = state_from_args()
    if state is None:
        states = permissions.editable_states(current_user)
        if len(states) != 1:
            return render_template(
                "directory/choose_state.html", states=states, endpoint="directory.agencies"
            )
        state = states[0]
    return render_template(
        "directory/agencies.html",
        state=state,
        table=agencies_cache.table(state, requested_page()),
    )


@bp.route("/agencies/new", methods=["GET", "POST"])
@allow(*EDITORS)
def new_agency() -> Any:
    state = state_from_args() or abort(404)
    form = AgencyForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            agency = agency_rules.save_agency(
                current_user, state, form.name.data, form.acronym.data, form.kind.data
            )
        if saved:
            flash(_("The agency %(name)s is saved.", name=agency.name), "success")
            return redirect(url_for("directory.agencies", state=state.code))
    return render_template(
        "directory/agency_form.html", form=form, state=state, agency=None
    ), form_status()


@bp.route("/agencies/<int:agency_id>/edit", methods=["GET", "POST"])
@allow(*EDITORS)
def edit_agency(agency_id: int) -> Any:
    agency = row_by_id(Agency, agency_id) or abort(404)
    permissions.require_edit_state(current_user, agency.member_state_id)
    form = AgencyForm(obj=agency)
    if form.validate_on_submit():
        with saving(form) as saved:
            agency_rules.save_agency(
                current_user,
                agency.member_state,
                form.name.data,
                form.acronym.data,
                form.kind.data,
                agency=agency,
            )
        if saved:
            flash(_("The agency %(name)s is saved.", name=agency.name), "success")
            return redirect(url_for("directory.agencies", state=agency.member_state.code))
    return render_template(
        "directory/agency_form.html", form=form, state=agency.member_state, agency=agency
    ), form_status()
