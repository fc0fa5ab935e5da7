"""An occurrence's record: documents for any meeting; attendance, minutes and action
items once it is held."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.core.access import ADMIN, ORGANIZER, allow
from webapp.core.errors import RuleError
from webapp.core.i18n import viewer_zone
from webapp.core.reference import MemberState, member_states
from webapp.core.timezones import today_in, utcnow
from webapp.extensions import db
from webapp.meetings import access, followup
from webapp.meetings.forms import (
    ActionItemForm,
    ActionStatusForm,
    AttendanceForm,
    DocumentForm,
    MinutesForm,
)
from webapp.meetings.models import ACTION_STATUS_LABELS, ActionItem, MeetingDocument, Occurrence
from webapp.meetings.views import MANAGERS, VIEWERS, bp, row


def _occurrence(occurrence_id: int) -> Occurrence:
    found = row(Occurrence, occurrence_id)
    if found is None or not access.can_see(current_user, found.series):
        abort(404)
    return found


def _back(occurrence: Occurrence) -> Response:
    return redirect(url_for("meetings.record", occurrence_id=occurrence.id))


def _done(occurrence: Occurrence, call: object) -> Response:
    """Run a service call, commit, and come back to the record page with its outcome."""
    try:
        call()
        db.session.commit()
    except RuleError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(_("Saved."), "success")
    return _back(occurrence)


@bp.route("/actions")
@allow(*VIEWERS)
def open_actions() -> str:
    """Action items not yet closed, of the meetings one may see, soonest due first."""
    return render_template(
        "meetings/actions.html",
        rows=followup.open_actions(current_user),
        today=today_in(viewer_zone()),
    )


@bp.route("/occurrences/<int:occurrence_id>/record")
@allow(*VIEWERS)
def record(occurrence_id: int) -> str:
    occurrence = _occurrence(occurrence_id)
    manages = access.manages(current_user)
    return render_template(
        "meetings/record.html",
        occurrence=occurrence,
        manages=manages,
        people=followup.attendees(occurrence) if manages else [],
        present=followup.present_ids(occurrence),
        minutes=followup.minutes_of(occurrence),
        actions=followup.actions_of(occurrence),
        documents=followup.documents_of(occurrence),
        attendance_form=AttendanceForm(),
        minutes_form=MinutesForm(minutes=followup.minutes_of(occurrence)),
        action_form=ActionItemForm(states=member_states()),
        status_form=ActionStatusForm(),
        action_labels=ACTION_STATUS_LABELS,
        document_form=DocumentForm(),
    )


@bp.route("/occurrences/<int:occurrence_id>/attendance", methods=["POST"])
@allow(*MANAGERS)
def save_attendance(occurrence_id: int) -> Response:
    occurrence = _occurrence(occurrence_id)
    form = AttendanceForm()
    if not form.validate_on_submit():
        return _back(occurrence)
    return _done(occurrence, lambda: followup.record_attendance(occurrence, form.present.data))


@bp.route("/occurrences/<int:occurrence_id>/minutes", methods=["POST"])
@allow(*MANAGERS)
def save_minutes(occurrence_id: int) -> Response:
    occurrence = _occurrence(occurrence_id)
    form = MinutesForm()
    if not form.validate_on_submit():
        return _back(occurrence)
    return _done(occurrence, lambda: followup.save_minutes(occurrence, form.minutes.data or ""))


@bp.route("/occurrences/<int:occurrence_id>/actions", methods=["POST"])
@allow(*MANAGERS)
def add_action(occurrence_id: int) -> Response:
    occurrence = _occurrence(occurrence_id)
    form = ActionItemForm(states=member_states())
    if not form.validate_on_submit():
        flash(_("Give the action item a title."), "error")
        return _back(occurrence)
    state = row(MemberState, form.state.data)
    return _done(
        occurrence,
        lambda: followup.add_action(
            occurrence,
            title=form.title.data,
            owner=form.owner.data or "",
            member_state=state,
            due_on=form.due_on.data,
        ),
    )


@bp.route("/actions/<int:item_id>/status", methods=["POST"])
@allow(*MANAGERS)
def set_action_status(item_id: int) -> Response:
    item = row(ActionItem, item_id) or abort(404)
    occurrence = _occurrence(item.occurrence_id)
    form = ActionStatusForm()
    if not form.validate_on_submit():
        return _back(occurrence)
    return _done(
        occurrence, lambda: followup.set_action_status(item, form.status.data, now=utcnow())
    )


@bp.route("/occurrences/<int:occurrence_id>/documents", methods=["POST"])
@allow(ADMIN, ORGANIZER)
def upload_document(occurrence_id: int) -> Response:
    occurrence = _occurrence(occurrence_id)
    form = DocumentForm()
    if not form.validate_on_submit():
        flash(_("Choose a file to upload."), "error")
        return _back(occurrence)
    upload = form.file.data
    data = upload.read(followup.MAX_DOCUMENT_BYTES + 1)
    return _done(
        occurrence,
        lambda: followup.add_document(
            occurrence, filename=upload.filename or "", data=data, uploaded_by=current_user.id
        ),
    )


@bp.route("/documents/<int:document_id>")
@allow(*VIEWERS)
def document(document_id: int) -> Response:
    found = row(MeetingDocument, document_id) or abort(404)
    _occurrence(found.occurrence_id)
    return Response(
        found.content,
        mimetype=found.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{found.id}{_suffix(found)}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


def _suffix(found: MeetingDocument) -> str:
    return next((s for s, t in followup.DOCUMENT_TYPES.items() if t == found.content_type), "")
