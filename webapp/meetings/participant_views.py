"""The participants page: who takes part, their answers, adding people from the directory
or as guests, removing them, and sending the invitations with their delivery shown."""

from __future__ import annotations

import logging

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from webapp.core.access import ADMIN, FOCAL_POINT, ORGANIZER, allow
from webapp.core.errors import RuleError
from webapp.core.forms import ActionForm, form_status, saving
from webapp.core.paging import requested_page
from webapp.core.reference import MemberState, member_states
from webapp.core.timezones import utcnow
from webapp.directory.models import PointOfContact
from webapp.extensions import db
from webapp.meetings import access, invitations, participants, roster
from webapp.meetings.forms import (
    ContactFilterForm,
    ContactsForm,
    GuestForm,
    ParticipantForm,
)
from webapp.meetings.models import ANSWER_LABELS, CANCELLED, MeetingSeries, Occurrence, Participant
from webapp.meetings.participants_cache import people_section
from webapp.meetings.queries import (
    ContactFilter,
    agencies_to_offer,
    contacts_to_offer,
    offer_states,
)
from webapp.meetings.views import (
    MANAGERS,
    MAX_ID,
    VIEWERS,
    _areas,
    _by_ids,
    _series_or_404,
    bp,
    row,
)

log = logging.getLogger(__name__)


@bp.route("/<int:series_id>/participants")
@allow(*VIEWERS)
def participants_page(series_id: int) -> str:
    found = _series_or_404(series_id)
    if not access.can_see_participants(current_user, found):
        abort(404)
    return _participants(found, _guest_form(found), None)


def _guest_form(found: MeetingSeries) -> GuestForm:
    return GuestForm(states=member_states(), occurrences=invitable(found))


def invitable(found: MeetingSeries) -> list[Occurrence]:
    """The meetings one may be invited to alone: those not cancelled."""
    return [o for o in found.occurrences if o.status != CANCELLED]


def _number(value: object) -> int:
    """A filter's id from the query string or a hidden field; anything else is 0 (any)."""
    text = str(value or "")
    return int(text) if text.isdigit() and 0 < int(text) <= MAX_ID else 0


def _contact_filter(values: object) -> ContactFilter:
    return ContactFilter(
        state_id=_number(values.get("state")),
        area_id=_number(values.get("area")),
        agency_id=_number(values.get("agency")),
    )


def _participants(found: MeetingSeries, guest_form: GuestForm, contacts_form) -> str:
    may_propose = access.can_propose(current_user, found)
    where = _contact_filter(request.args)
    filter_form = contacts_form_for = None
    if may_propose:
        filter_form = ContactFilterForm(
            request.args,
            states=[s for s in member_states() if _offered_state(found, s)],
            areas=_areas(),
            agencies=agencies_to_offer(current_user, found),
        )
        contacts_form_for = contacts_form or ContactsForm(
            formdata=None,
            contacts=contacts_to_offer(current_user, found, where),
            data={"state": where.state_id, "area": where.area_id, "agency": where.agency_id},
        )
    send_form = ActionForm()
    return render_template(
        "meetings/participants.html",
        series=found,
        people_section=people_section(
            found,
            manages=access.manages(current_user),
            sending=request.args.get("sending") == "1",
            csrf_field=send_form.hidden_tag(),
            where=_roster_filter(request.args),
            page=requested_page(),
        ),
        guest_form=guest_form,
        filter_form=filter_form,
        contacts_form=contacts_form_for,
        send_form=send_form,
        sending=request.args.get("sending") == "1",
        manages=access.manages(current_user),
        may_propose=may_propose,
    )


def _roster_filter(values: object) -> roster.RosterFilter:
    """The participants list's filters; an unknown answer or state id means any."""
    answer = str(values.get("answer") or "")
    return roster.RosterFilter(
        answer=answer if answer in ANSWER_LABELS else "",
        state_id=_number(values.get("member_state")),
    )


def _offered_state(found: MeetingSeries, state: MemberState) -> bool:
    states = offer_states(current_user, found)
    return states is None or state.id in states


@bp.route("/<int:series_id>/participants/guest", methods=["POST"])
@allow(ADMIN, ORGANIZER, FOCAL_POINT)
def add_guest(series_id: int) -> object:
    found = _series_or_404(series_id)
    if not access.can_propose(current_user, found):
        abort(403)
    form = _guest_form(found)
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
    return _participants(found, form, None), 400


def _guest_target(found: MeetingSeries, occurrence_id: int) -> MeetingSeries | Occurrence:
    if not occurrence_id:
        return found
    occurrence = row(Occurrence, occurrence_id)
    if occurrence is None or occurrence not in invitable(found):
        raise RuleError(_("Choose a meeting of this series."), "occurrence")
    return occurrence


@bp.route("/<int:series_id>/participants/contacts", methods=["POST"])
@allow(ADMIN, ORGANIZER, FOCAL_POINT)
def add_contacts(series_id: int) -> object:
    found = _series_or_404(series_id)
    if not access.can_propose(current_user, found):
        abort(403)
    where = _contact_filter(request.form)
    offered = contacts_to_offer(current_user, found, where)
    form = ContactsForm(contacts=offered)
    if form.validate_on_submit():
        with saving(form) as saved:
            # The offer holds only the columns shown: the entries themselves are read here.
            ids = [c.id for c in offered] if form.everyone.data else form.contacts.data
            chosen = _by_ids(PointOfContact, ids)
            added = participants.add_contacts(found, chosen, role=form.role.data, by=current_user)
        if saved:
            flash(
                ngettext("%(num)d participant added.", "%(num)d participants added.", len(added)),
                "success",
            )
            return redirect(url_for("meetings.participants_page", series_id=found.id))
    return _participants(found, _guest_form(found), form), 400


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
