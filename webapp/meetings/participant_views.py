"""The participants page: who takes part, their answers, adding guests, removing people,
and sending the invitations with their delivery shown. Adding people from the directory
has its own page (`offer_views`)."""

from __future__ import annotations

import logging

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.core.access import ADMIN, FOCAL_POINT, ORGANIZER, allow
from webapp.core.errors import RuleError
from webapp.core.forms import ActionForm, form_status, saving
from webapp.core.paging import requested_page
from webapp.core.reference import MemberState
from webapp.core.timezones import utcnow
from webapp.extensions import db
from webapp.meetings import access, invitations, participants, roster
from webapp.meetings.forms import GuestForm, ParticipantForm
from webapp.meetings.models import ANSWER_LABELS, MeetingSeries, Occurrence, Participant
from webapp.meetings.participants_cache import (
    guest_form,
    invitable,
    participants_body,
    series_title,
)
from webapp.meetings.views import (
    MANAGERS,
    VIEWERS,
    _series_or_404,
    bp,
    filter_id,
    row,
    series_loader,
)

log = logging.getLogger(__name__)


@bp.route("/<int:series_id>/participants")
@allow(*VIEWERS)
def participants_page(series_id: int) -> str:
    return _participants(series_id)


def _participants(series_id: int, form: GuestForm | None = None) -> str:
    """The page, from what is kept when it can be: those who manage meetings see every
    series, so for them the series is read only when the page is rendered anew."""
    load = series_loader(series_id)
    if access.sees_everything(current_user):
        may_propose = True
    else:
        found = load()
        if not access.can_see_participants(current_user, found):
            abort(404)
        may_propose = access.can_propose(current_user, found)
    manages = access.manages(current_user)
    sending = request.args.get("sending") == "1"
    body = participants_body(
        series_id,
        load,
        manages=manages,
        may_propose=may_propose,
        sending=sending,
        where=_roster_filter(request.args),
        page=requested_page(),
        form=form,
    )
    return render_template(
        "meetings/participants.html", title=series_title(series_id, load), body=body
    )


def _roster_filter(values: object) -> roster.RosterFilter:
    """The participants list's filters; an unknown answer or state id means any."""
    answer = str(values.get("answer") or "")
    return roster.RosterFilter(
        answer=answer if answer in ANSWER_LABELS else "",
        state_id=filter_id(values.get("member_state")),
    )


@bp.route("/<int:series_id>/participants/guest", methods=["POST"])
@allow(ADMIN, ORGANIZER, FOCAL_POINT)
def add_guest(series_id: int) -> object:
    found = _series_or_404(series_id)
    if not access.can_propose(current_user, found):
        abort(403)
    form = guest_form(found)
    if form.validate_on_submit():
        with saving(form) as saved:
            participants.add_guest(
                _guest_target(found, form.occurrence.data),
                participants.GuestInput(
                    email=form.email.data,
                    name=form.name.data,
                    role=form.role.data,
                    member_state=row(MemberState, form.state.data),
                    language=form.language.data or None,
                    timezone=form.timezone.data or None,
                ),
                by=current_user,
            )
        if saved:
            flash(_("Participant added."), "success")
            return redirect(url_for("meetings.participants_page", series_id=found.id))
    return _participants(found.id, form), 400


def _guest_target(found: MeetingSeries, occurrence_id: int) -> MeetingSeries | Occurrence:
    if not occurrence_id:
        return found
    occurrence = row(Occurrence, occurrence_id)
    if occurrence is None or occurrence not in invitable(found):
        raise RuleError(_("Choose a meeting of this series."), "occurrence")
    return occurrence


@bp.route("/<int:series_id>/participants/<int:participant_id>/edit", methods=["GET", "POST"])
@allow(*MANAGERS)
def edit_participant(series_id: int, participant_id: int) -> object:
    """Role, language and time zone of one participant (the guesses can be corrected)."""
    found = _series_or_404(series_id)
    person = row(Participant, participant_id)
    if person is None or not participants.belongs_to(person, series_id) or person.is_removed:
        abort(404)
    form = ParticipantForm(obj=person)
    if form.validate_on_submit():
        with saving(form) as saved:
            participants.update_participant(
                person, role=form.role.data, language=form.language.data,
                timezone=form.timezone.data,
            )  # fmt: skip
        if saved:
            flash(_("Saved."), "success")
            return redirect(url_for("meetings.participants_page", series_id=found.id))
    return render_template(
        "meetings/participant_form.html", form=form, series=found, person=person
    ), form_status()


@bp.route("/<int:series_id>/participants/<int:participant_id>/remove", methods=["POST"])
@allow(*MANAGERS)
def remove_participant(series_id: int, participant_id: int) -> object:
    person = row(Participant, participant_id)
    if person is None or not participants.belongs_to(person, series_id) or person.is_removed:
        abort(404)
    if ActionForm().validate_on_submit():
        invitations.remove_participant(person, now=utcnow())
        db.session.commit()
        flash(_("Participant removed."), "success")
    return redirect(url_for("meetings.participants_page", series_id=series_id))


def _enqueue_invitations(series_id: int) -> bool:
    from tasks.meetings import send_invitations as write_invitations

    try:
        write_invitations.delay(series_id, utcnow().isoformat())
    except Exception:  # the broker is down: nothing was sent, and the organizer can retry
        log.exception("could not queue the invitations of series %s", series_id)
        return False
    return True


@bp.route("/<int:series_id>/invitations", methods=["POST"])
@allow(*MANAGERS)
def send_invitations(series_id: int) -> object:
    """A deliberate action that returns at once: a worker writes one outbox row per
    participant, and the participants page shows their delivery as it happens."""
    found = _series_or_404(series_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("meetings.participants_page", series_id=found.id))
    try:
        invitations.check_sendable(found)
    except RuleError as error:
        flash(error.message, "error")
        return redirect(url_for("meetings.participants_page", series_id=found.id))
    if not _enqueue_invitations(found.id):
        flash(_("The invitations could not be queued. Nothing was sent; please try again."))
        return redirect(url_for("meetings.participants_page", series_id=found.id))
    flash(_("The invitations are on their way; their delivery shows below."), "success")
    return redirect(url_for("meetings.participants_page", series_id=found.id, sending=1))


@bp.route("/<int:series_id>/delivery.json")
@allow(*MANAGERS)
def delivery(series_id: int) -> object:
    found = _series_or_404(series_id)
    labels = {
        "pending": _("queued"),
        "sending": _("queued"),
        "sent": _("sent"),
        "failed": _("failed"),
    }
    rows = invitations.delivery(found)
    for line in rows:
        line["label"] = labels.get(line["status"], line["status"])
    return jsonify(rows)
