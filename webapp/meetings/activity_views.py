"""The register of other organizations' activities, kept by organizers."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from webapp.core.access import ADMIN, ORGANIZER, allow
from webapp.core.errors import RuleError
from webapp.core.forms import show_error
from webapp.core.reference import MemberState, Organization, by_name, member_states
from webapp.directory.models import Area
from webapp.extensions import db
from webapp.meetings import activities
from webapp.meetings.forms import ActivityForm, ActivityImportForm
from webapp.meetings.views import _areas, _by_ids, bp, row


def _form() -> ActivityForm:
    organizations = by_name(
        db.session.scalars(sa.select(Organization).where(Organization.is_active))
    )
    return ActivityForm(organizations=organizations, states=member_states(), areas=_areas())


@bp.route("/activities", methods=["GET", "POST"])
@allow(ADMIN, ORGANIZER)
def activities_page() -> object:
    form = _form()
    status = 200
    if form.validate_on_submit():
        try:
            activities.add_activity(
                activities.ActivityInput(
                    organization=row(Organization, form.organization.data),
                    title=form.title.data,
                    starts_on=form.starts_on.data,
                    ends_on=form.ends_on.data,
                    place=form.place.data or "",
                    topics=_by_ids(Area, form.topics.data),
                    member_states=_by_ids(MemberState, form.states.data),
                ),
                by=current_user,
            )
            db.session.commit()
        except RuleError as error:
            db.session.rollback()
            show_error(form, error)
            status = 400
        else:
            flash(_("Activity added to the register."), "success")
            return redirect(url_for("meetings.activities_page"))
    return render_template(
        "meetings/activities.html",
        form=form,
        import_form=ActivityImportForm(),
        rows=activities.register(),
        columns=activities.CSV_COLUMNS,
    ), status


@bp.route("/activities/import", methods=["POST"])
@allow(ADMIN, ORGANIZER)
def import_activities() -> object:
    form = ActivityImportForm()
    if form.validate_on_submit():
        try:
            text = form.file.data.read(2_000_000).decode("utf-8-sig")
            count = activities.import_csv(text, by=current_user)
            db.session.commit()
        except UnicodeDecodeError:
            db.session.rollback()
            flash(_("The file must be CSV in UTF-8."), "error")
        except RuleError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(ngettext("%(num)d activity imported.", "%(num)d activities imported.", count))
    else:
        flash(_("Choose a CSV file to import."), "error")
    return redirect(url_for("meetings.activities_page"))
