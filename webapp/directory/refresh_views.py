"""The refresh cycle's pages: the signed review link, a focal point's open requests, and
the coverage page.

Who sees the coverage page: the Secretariat (admin, organizer, finance) sees every member
state; a focal point sees only the rows of the states they speak for, and no buttons.
Admins and organizers set a state's verification period and send a request by hand; finance
staff only look.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.routing import BuildError
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import AnyOf, InputRequired, NumberRange, Optional

from webapp.core import navigation
from webapp.core.access import (
    ADMIN,
    FINANCE,
    FOCAL_POINT,
    ORGANIZER,
    PUBLIC,
    SECRETARIAT,
    allow,
    can,
)
from webapp.core.forms import ActionForm
from webapp.core.reference import MemberState
from webapp.core.timezones import utcnow
from webapp.directory import coverage_cache, refresh, standings_cache
from webapp.directory.models import CONFIRMED, CORRECTED, PointOfContact
from webapp.extensions import db

bp = Blueprint("refresh", __name__, template_folder="templates", url_prefix="/directory")

# The directory's page for editing one entry, where corrections are made (signed in).
ENTRY_EDIT_ENDPOINT = "directory.edit_contact"
ENTRY_EDIT_ARGUMENT = "contact_id"


class AnswerForm(FlaskForm):
    """The review page's two buttons both submit `answer`."""

    answer = StringField(
        validators=[
            InputRequired(message=_l("Choose an answer.")),
            AnyOf(refresh.ANSWERS, message=_l("Choose an answer.")),
        ]
    )


class DaysField(IntegerField):
    """A whole number of days; a word or a fraction gets a message people understand."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(_("Enter a whole number of days from 1 to 3650.")) from exc


class PeriodForm(FlaskForm):
    state = SelectField(
        _l("Member state"),
        coerce=int,
        validators=[InputRequired(message=_l("Choose a member state."))],
    )
    days = DaysField(
        _l("Verification period (days)"),
        validators=[
            Optional(),
            NumberRange(
                min=refresh.MIN_VERIFICATION_DAYS,
                max=refresh.MAX_VERIFICATION_DAYS,
                message=_l("Enter a whole number of days from 1 to 3650."),
            ),
        ],
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.days.description = _(
            "Leave empty to use the default of %(days)s days.",
            days=refresh.default_verification_days(),
        )


def entry_edit_url(entry: PointOfContact) -> str | None:
    try:
        return url_for(ENTRY_EDIT_ENDPOINT, **{ENTRY_EDIT_ARGUMENT: entry.id})
    except BuildError:
        return None


# --- the review page (signed link) ------------------------------------------------------


def _link_problem(reason: str) -> tuple[str, int]:
    status = {"expired": 410, "revoked": 403}.get(reason, 404)
    return render_template("directory/refresh_link_invalid.html", reason=reason), status


@bp.route("/refresh/<token>", methods=["GET", "POST"])
@allow(PUBLIC)
def review(token: str) -> object:
    """Anyone holding the link acts as the focal point it was sent to; GET only shows."""
    try:
        refresh_request, person = refresh.request_from_token(token)
    except refresh.RefreshLinkError as problem:
        return _link_problem(problem.reason)
    form = AnswerForm()
    status = 200
    if request.method == "POST":
        if refresh_request.answered_at is not None:
            flash(_("This request has already been answered. Nothing was changed."), "info")
            return redirect(url_for("refresh.review", token=token))
        if form.validate_on_submit():
            stamped = refresh.answer_request(refresh_request, form.answer.data, utcnow())
            db.session.commit()
            if form.answer.data == CONFIRMED:
                message = ngettext(
                    "Thank you. %(num)d entry is confirmed as correct today.",
                    "Thank you. %(num)d entries are confirmed as correct today.",
                    stamped,
                )
            else:
                message = ngettext(
                    "Thank you. Your corrections are recorded and %(num)d entry is marked "
                    "as verified today.",
                    "Thank you. Your corrections are recorded and %(num)d entries are marked "
                    "as verified today.",
                    stamped,
                )
            flash(message, "success")
            return redirect(url_for("refresh.review", token=token))
        status = 400
    entries = refresh.state_entries(refresh_request.member_state_id)
    signed_in_here = current_user.is_authenticated and current_user.id == person.id
    return render_template(
        "directory/refresh_review.html",
        refresh_request=refresh_request,
        person=person,
        entries=entries,
        form=form,
        changed=refresh.changed_since(refresh_request.member_state_id, refresh_request.sent_at),
        signed_in_here=signed_in_here,
        entry_edit_url=entry_edit_url,
        answer_labels=refresh.ANSWER_LABELS,
        CONFIRMED=CONFIRMED,
        CORRECTED=CORRECTED,
    ), status


# --- a focal point's requests -----------------------------------------------------------


@bp.get("/refresh-requests")
@allow(FOCAL_POINT)
def my_requests() -> str:
    open_requests, answered = refresh.requests_for(current_user)
    return render_template(
        "directory/refresh_requests.html",
        open_requests=open_requests,
        answered=answered,
        review_token=refresh.review_token,
        answer_labels=refresh.ANSWER_LABELS,
    )


# --- coverage ---------------------------------------------------------------------------


def _coverage_page(period_form: PeriodForm, status: int = 200) -> tuple[str, int]:
    today = utcnow().date()
    reach = None if current_user.has_role(*SECRETARIAT) else current_user.member_state_ids
    rows = standings_cache.standings(today, reach)
    period_form.state.choices = [(r.state.id, r.state.name) for r in rows]
    can_send = can("refresh.send_request")
    return render_template(
        "directory/coverage.html",
        body=coverage_cache.body(today, reach, can_send),
        rows=rows,
        period_form=period_form,
    ), status


@bp.get("/coverage")
@allow(ADMIN, ORGANIZER, FINANCE, FOCAL_POINT)
def coverage() -> tuple[str, int]:
    return _coverage_page(PeriodForm(formdata=None))


@bp.post("/coverage/period")
@allow(ADMIN, ORGANIZER)
def set_period() -> object:
    form = PeriodForm()
    form.state.choices = [
        (s.id, s.name) for s in db.session.scalars(db.select(MemberState).order_by(MemberState.id))
    ]
    if form.validate_on_submit():
        refresh.set_verification_days(form.state.data, form.days.data)
        db.session.commit()
        state = db.session.get(MemberState, form.state.data)
        if form.days.data is None:
            flash(
                _(
                    "%(state)s now uses the default verification period.",
                    state=state.name,
                ),
                "success",
            )
        else:
            flash(
                _(
                    "The verification period of %(state)s is now %(days)s days.",
                    state=state.name,
                    days=form.days.data,
                ),
                "success",
            )
        return redirect(url_for("refresh.coverage"))
    db.session.rollback()
    return _coverage_page(form, status=400)


@bp.post("/coverage/<int:state_id>/request")
@allow(ADMIN, ORGANIZER)
def send_request(state_id: int) -> object:
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    if db.session.get(MemberState, state_id) is None:
        abort(404)
    try:
        created = refresh.send_request_by_hand(
            state_id, current_user._get_current_object(), utcnow()
        )
    except refresh.RefreshRefused as refusal:
        db.session.rollback()
        flash(refusal.message, "warning")
        return redirect(url_for("refresh.coverage"))
    db.session.commit()
    flash(
        ngettext(
            "A refresh request was sent to %(num)d focal point of %(state)s.",
            "A refresh request was sent to %(num)d focal points of %(state)s.",
            len(created),
            state=created[0].member_state.name,
        ),
        "success",
    )
    return redirect(url_for("refresh.coverage"))


navigation.register("refresh.coverage", _l("Directory coverage"), 20)
navigation.register("refresh.my_requests", _l("Refresh requests"), 25)


def _home_panel() -> dict[str, object]:
    """For a focal point: their states' standing and the requests waiting for them."""
    open_requests, _answered = refresh.requests_for(current_user, limit=0)
    return {
        "standings": standings_cache.standings(utcnow().date(), current_user.member_state_ids),
        "open_requests": len(open_requests),
        "status_labels": refresh.STATUS_LABELS,
    }


navigation.register_home_panel(
    "refresh.my_requests", "directory/refresh_home_panel.html", _home_panel
)
