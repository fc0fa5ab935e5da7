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
from flask_babel import ngettext
from flask_login import current_user

from webapp.core import grammar
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
from webapp.core.i18n import show_page_as
from webapp.core.reference import MemberState, member_states
from webapp.core.timezones import utcnow
from webapp.directory import (
    coverage_cache,
    refresh,
    requests_cache,
    standing,
    standings_cache,
)
from webapp.directory.errors import RefreshLinkError, RefreshRefused
from webapp.directory.forms import AnswerForm, PeriodForm
from webapp.directory.models import CONFIRMED, CORRECTED, PointOfContact
from webapp.extensions import db

bp = Blueprint("refresh", __name__, template_folder="templates", url_prefix="/directory")


def entry_edit_url(entry: PointOfContact) -> str:
    """The directory's page for editing one entry, where corrections are made."""
    return url_for("directory.edit_contact", contact_id=entry.id)


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
    except RefreshLinkError as problem:
        return _link_problem(problem.reason)
    show_page_as(person.language, person.timezone)  # as the request email read
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
    entries = standing.state_entries(refresh_request.member_state_id)
    signed_in_here = current_user.is_authenticated and current_user.id == person.id
    return render_template(
        "directory/refresh_review.html",
        refresh_request=refresh_request,
        person=person,
        entries=entries,
        form=form,
        changed=standing.changed_since(refresh_request.member_state_id, refresh_request.sent_at),
        signed_in_here=signed_in_here,
        entry_edit_url=entry_edit_url,
        CONFIRMED=CONFIRMED,
        CORRECTED=CORRECTED,
    ), status


# --- a focal point's requests -----------------------------------------------------------


@bp.get("/refresh-requests")
@allow(FOCAL_POINT)
def my_requests() -> str:
    body = requests_cache.requests_page(current_user, utcnow().date())
    return render_template("directory/refresh_requests.html", body=body)


# --- coverage ---------------------------------------------------------------------------


def _coverage_page(period_form: PeriodForm | None, status: int = 200) -> tuple[str, int]:
    """The coverage page; `period_form` None for the blank one, kept with the page."""
    today = utcnow().date()
    reach = None if current_user.has_role(*SECRETARIAT) else current_user.member_state_ids
    can_send = can("refresh.send_request")
    kept_form = period_form is None and can("refresh.set_period")
    rows = None
    if period_form is not None:
        rows = standings_cache.standings(today, reach)
        period_form.state.choices = [(r.state.id, r.state.name) for r in rows]
    return render_template(
        "directory/coverage.html",
        body=coverage_cache.body(today, reach, can_send, period_form=kept_form),
        rows=rows,
        period_form=period_form,
    ), status


@bp.get("/coverage")
@allow(ADMIN, ORGANIZER, FINANCE, FOCAL_POINT)
def coverage() -> tuple[str, int]:
    return _coverage_page(None)


@bp.post("/coverage/period")
@allow(ADMIN, ORGANIZER)
def set_period() -> object:
    form = PeriodForm()
    form.state.choices = [(s.id, s.name) for s in member_states(include_withdrawn=True)]
    if form.validate_on_submit():
        standing.set_verification_days(form.state.data, form.days.data)
        db.session.commit()
        state = db.session.get(MemberState, form.state.data)
        if form.days.data is None:
            flash(
                ngettext(
                    "The verification period %(of_state)s is now the default one, %(num)d day.",
                    "The verification period %(of_state)s is now the default one, %(num)d days.",
                    standing.default_verification_days(),
                    of_state=grammar.state_name(state, "of"),
                ),
                "success",
            )
        else:
            flash(
                ngettext(
                    "The verification period %(of_state)s is now %(num)d day.",
                    "The verification period %(of_state)s is now %(num)d days.",
                    form.days.data,
                    of_state=grammar.state_name(state, "of"),
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
    except RefreshRefused as refusal:
        db.session.rollback()
        flash(refusal.message, "warning")
        return redirect(url_for("refresh.coverage"))
    db.session.commit()
    flash(
        ngettext(
            "A refresh request was sent to %(num)d focal point %(of_state)s.",
            "A refresh request was sent to %(num)d focal points %(of_state)s.",
            len(created),
            of_state=grammar.state_name(created[0].member_state, "of"),
        ),
        "success",
    )
    return redirect(url_for("refresh.coverage"))


def home_panel() -> dict[str, object]:
    """For a focal point: their states' standing and the requests waiting for them."""
    return {
        "standings": standings_cache.standings(utcnow().date(), current_user.member_state_ids),
        "open_requests": standings_cache.open_request_count(current_user),
    }
