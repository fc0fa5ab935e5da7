"""Pages opened from an invitation (signed per participant), and calendar feeds."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.core import mailer
from webapp.core.access import ADMIN, ORGANIZER, PUBLIC, SIGNED_IN, allow
from webapp.core.forms import ActionForm, saving
from webapp.core.links import external_url
from webapp.core.timezones import utcnow
from webapp.extensions import db
from webapp.meetings import answers, feeds, invitations, participants
from webapp.meetings.forms import AnswerForm
from webapp.meetings.models import ANSWER_LABELS, Participant
from webapp.meetings.views import bp, row

ICS = "text/calendar; charset=utf-8"


def _link_problem(reason: str) -> tuple[str, int]:
    status = 404 if reason == answers.FORGED else 410
    return render_template("meetings/answer_invalid.html", reason=reason), status


@bp.route("/answer/<int:participant_id>/<token>", methods=["GET", "POST"])
@allow(PUBLIC)
def answer(participant_id: int, token: str) -> object:
    """GET shows what the link would record; only the form's POST records it, so mail
    scanners that open links answer for no one. The page speaks the participant's
    language and shows times in their zone, whatever the browser says."""
    try:
        person = answers.participant_from_link(participant_id, token, now=utcnow())
    except answers.AnswerLinkError as problem:
        return _link_problem(problem.reason)
    with mailer.reading_as(
        mailer.recipient_language(person.language), mailer.recipient_zone(person.timezone)
    ):
        form = AnswerForm()
        if request.method == "GET":
            chosen = request.args.get("answer", "")
            form.answer.data = chosen if chosen in answers.ANSWERS else ""
        elif form.validate_on_submit():
            colleague = answers.Colleague(form.email.data or "", form.name.data or "")
            with saving(form) as saved:
                answers.record_answer(person, form.answer.data, now=utcnow(), colleague=colleague)
            if saved:
                flash(_("Thank you. Your answer is recorded: %(answer)s.",
                        answer=ANSWER_LABELS[person.answer]), "success")  # fmt: skip
                return redirect(url_for("meetings.answer", participant_id=person.id, token=token))
        return render_template(
            "meetings/answer.html",
            person=person,
            form=form,
            series=invitations.calendar_series(person),
            occurrences=invitations._occurrences_of(person),
            answer_labels=ANSWER_LABELS,
            answers=answers.ANSWERS,
            token=token,
            lang=person.language,
        )


@bp.route("/answer/<int:participant_id>/<token>/invite.ics")
@allow(PUBLIC)
def participant_ics(participant_id: int, token: str) -> object:
    try:
        person = answers.participant_from_link(participant_id, token, now=utcnow())
    except answers.AnswerLinkError as problem:
        return _link_problem(problem.reason)
    return _ics(person)


def _ics(person: Participant) -> Response:
    content = invitations.calendar_request(person, now=utcnow())
    return Response(
        content,
        mimetype="text/calendar",
        headers={
            "Content-Type": ICS,
            "Content-Disposition": "attachment; filename=invite.ics",
        },
    )


@bp.route("/<int:series_id>/participants/<int:participant_id>.ics")
@allow(ADMIN, ORGANIZER)
def organizer_ics(series_id: int, participant_id: int) -> object:
    person = row(Participant, participant_id)
    if person is None or not participants.belongs_to(person, series_id):
        abort(404)
    return _ics(person)


@bp.route("/calendar", methods=["GET", "POST"])
@allow(SIGNED_IN)
def subscription() -> object:
    """The user's private feed address; a POST revokes it and makes a new one."""
    form = ActionForm()
    if form.validate_on_submit():
        feeds.renew(current_user, now=utcnow())
        db.session.commit()
        flash(_("The old address no longer works. Use the new one below."), "success")
        return redirect(url_for("meetings.subscription"))
    current = feeds.current(current_user)
    db.session.commit()
    return render_template(
        "meetings/subscription.html",
        form=form,
        url=external_url("meetings.feed", token=current.token),
    )


@bp.route("/feed/<token>.ics")
@allow(PUBLIC)
def feed(token: str) -> object:
    """Calendar clients poll the feed with conditional requests: while nothing in it
    changed they get a 304 with neither body nor work."""
    now = utcnow()
    content = feeds.feed_for_token(token, now=now)
    if content is None:
        abort(404)
    response = Response(content, mimetype="text/calendar", headers={"Content-Type": ICS})
    # Weak: the same events, though written again (another process, a new DTSTAMP).
    response.set_etag(content.etag, weak=True)
    # A date has one-second precision: given while the second the feed was written in
    # still runs, a change later in that second would carry the same date, and a client
    # asking If-Modified-Since would get a 304 for it. So it is given once that second is
    # over; the entity tag always.
    if now.replace(microsecond=0) > content.stamp:
        response.last_modified = content.stamp
    # A private address: shared caches keep nothing, clients ask again each time.
    response.cache_control.private = True
    response.cache_control.no_cache = True
    return response.make_conditional(request)
