"""The organizer's pages: series, occurrences and their participants."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
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
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup

from webapp.core.access import ADMIN, FOCAL_POINT, ORGANIZER, PARTICIPANT, PUBLIC, allow
from webapp.core.errors import RuleError
from webapp.core.forms import ActionForm, form_status, saving
from webapp.core.paging import requested_page
from webapp.core.reference import MemberState, member_states
from webapp.core.timezones import utcnow
from webapp.directory.models import Area
from webapp.extensions import db
from webapp.meetings import (
    access,
    activities,
    agenda,
    cancellation,
    invitations,
    rule_change,
    series,
)
from webapp.meetings.forms import (
    AgendaItemForm,
    OccurrenceForm,
    RuleForm,
    SeriesDetailsForm,
    SeriesForm,
)
from webapp.meetings.models import AgendaItem, MeetingSeries, Occurrence
from webapp.meetings.occurrence_cache import occurrence_page
from webapp.meetings.queries import occurrence_to_edit, series_alone
from webapp.meetings.series_cache import series_list, series_page
from webapp.meetings.wallclock import build_rule

log = logging.getLogger(__name__)
bp = Blueprint("meetings", __name__, template_folder="templates", url_prefix="/meetings")
MANAGERS = (ADMIN, ORGANIZER)
VIEWERS = (ADMIN, ORGANIZER, FOCAL_POINT, PARTICIPANT)


def _areas() -> list[Area]:
    return list(db.session.scalars(sa.select(Area).where(Area.is_active).order_by(Area.position)))


MAX_ID = 2**31 - 1


def row(model: type, row_id: object) -> object | None:
    """A row by an id from the URL or a form; ids beyond any column's range are simply not
    found (SQLite cannot even compare them)."""
    if isinstance(row_id, int) and 0 < row_id <= MAX_ID:
        return db.session.get(model, row_id)
    return None


def filter_id(value: object) -> int:
    """A filter's id from the query string or a hidden field; anything else is 0 (any)."""
    text = str(value or "")
    return int(text) if text.isdigit() and 0 < int(text) <= MAX_ID else 0


def _by_ids(model: type, ids: list[int]) -> list:
    usable = [i for i in ids or [] if isinstance(i, int) and 0 < i <= MAX_ID]
    return list(db.session.scalars(sa.select(model).where(model.id.in_(usable or [0]))))


def _series_or_404(series_id: int) -> MeetingSeries:
    found = row(MeetingSeries, series_id)
    if found is None or not access.can_see(current_user, found):
        abort(404)
    return found


def series_loader(series_id: int) -> Callable[[], MeetingSeries]:
    """Reads the series one may see (or answers 404) once, when first asked: a page served
    from what is kept does not read it."""
    found: list[MeetingSeries] = []

    def load() -> MeetingSeries:
        if not found:
            found.append(_series_or_404(series_id))
        return found[0]

    return load


STATIC_DIR = Path(__file__).parent / "static"


@bp.get("/assets/<path:filename>")
@allow(PUBLIC)
def asset(filename: str) -> Response:
    """The meetings pages' own JS (the app's access rules cover only `static`)."""
    return send_from_directory(STATIC_DIR, filename, max_age=3600)


@bp.route("/")
@allow(*VIEWERS)
def index() -> str:
    rows = series_list(
        current_user, utcnow(), requested_page(), manages=access.manages(current_user)
    )
    return render_template("meetings/index.html", series_list=rows)


@bp.route("/new", methods=["GET", "POST"])
@allow(*MANAGERS)
def new_series() -> object:
    states = member_states()
    form = SeriesForm(states=states, areas=_areas())
    if form.validate_on_submit():
        with saving(form) as saved:
            data = series.SeriesInput(
                title=form.title.data,
                description=form.description.data or "",
                scope=form.scope.data,
                is_public=form.is_public.data,
                first_start=form.starts.data,
                first_end=form.ends.data,
                zone=form.zone.data,
                fold=form.fold_value,
                rule=build_rule(
                    form.repeat.data,
                    form.count.data,
                    form.until.data.strftime("%Y%m%d") if form.until.data else None,
                    form.rule.data or "",
                ),
                member_states=_by_ids(MemberState, form.states.data),
                topics=_by_ids(Area, form.topics.data),
                venue=_venue(form),
                reminder_offsets=series.reminder_offsets_from(form.reminders.data),
            )
            created = series.create_series(data, organizer=current_user)
        if saved:
            flash(_("The series is saved with its meetings as drafts."), "success")
            return redirect(url_for("meetings.show_series", series_id=created.id))
    return render_template("meetings/series_form.html", form=form), form_status()


def _venue(form: SeriesForm | OccurrenceForm) -> series.Venue:
    chosen = form.host_state.data or ""
    host = row(MemberState, int(chosen)) if chosen.isdecimal() else None
    return series.Venue(
        address=form.venue_address.data or "",
        host_state=host,
        online_url=form.online_url.data or "",
        languages=list(form.languages.data or []),
    )


@bp.route("/<int:series_id>")
@allow(*VIEWERS)
def show_series(series_id: int) -> str:
    manages = access.manages(current_user)
    if manages:  # they see every series (access.visible_series): read only to render it

        def load() -> MeetingSeries:
            return series_alone(series_id) or abort(404)

        page = series_page(series_id, load, manages=True, sees_participants=True)
    else:
        found = series_alone(series_id)
        if found is None or not access.can_see(current_user, found):
            abort(404)
        sees = access.can_see_participants(current_user, found)
        page = series_page(series_id, lambda: found, manages=False, sees_participants=sees)
    title, content = page
    return render_template("meetings/series.html", title=title, content=content)


@bp.route("/<int:series_id>/edit", methods=["GET", "POST"])
@allow(*MANAGERS)
def edit_series(series_id: int) -> object:
    """What describes the series: title, scope, states, topics, default reminders."""
    found = _series_or_404(series_id)
    form = SeriesDetailsForm(states=member_states(), areas=_areas())
    if form.validate_on_submit():
        with saving(form) as saved:
            series.update_series(
                found,
                series.SeriesDetails(
                    title=form.title.data,
                    description=form.description.data or "",
                    scope=form.scope.data,
                    is_public=form.is_public.data,
                    member_states=_by_ids(MemberState, form.states.data),
                    topics=_by_ids(Area, form.topics.data),
                    reminder_offsets=series.reminder_offsets_from(form.reminders.data),
                ),
            )
        if saved:
            flash(_("Saved."), "success")
            return redirect(url_for("meetings.show_series", series_id=found.id))
    if not form.is_submitted():
        form.title.data, form.description.data = found.title, found.description
        form.scope.data, form.is_public.data = found.scope, found.is_public
        form.states.data = [s.id for s in found.member_states]
        form.topics.data = [a.id for a in found.topics]
        form.reminders.data = series.offsets_as_days(found.reminder_offsets)
    return render_template("meetings/series_edit.html", form=form, series=found), form_status()


@bp.route("/<int:series_id>/cancel", methods=["GET", "POST"])
@allow(*MANAGERS)
def cancel_series(series_id: int) -> object:
    """A confirmation page; submitting it cancels every meeting still to come."""
    found = _series_or_404(series_id)
    form = ActionForm()
    if form.validate_on_submit():
        with saving(form) as saved:
            cancelled = cancellation.cancel_series(found, now=utcnow())
            sent = cancellation.send_series_cancel(found, cancelled, now=utcnow())
        if saved:
            count = len(cancelled)
            flash(
                ngettext("%(num)d meeting cancelled.", "%(num)d meetings cancelled.", count),
                "success",
            )
            if sent:
                flash(ngettext("%(num)d cancellation sent.", "%(num)d cancellations sent.", sent))
            return redirect(url_for("meetings.show_series", series_id=found.id))
    upcoming = cancellation.to_cancel(found, now=utcnow())
    return render_template(
        "meetings/cancel_series.html", series=found, upcoming=upcoming, form=form
    )


@bp.route("/<int:series_id>/rule", methods=["GET", "POST"])
@allow(*MANAGERS)
def change_rule(series_id: int) -> object:
    found = _series_or_404(series_id)
    form = RuleForm()
    if form.validate_on_submit():
        generation = found.rule_generation
        with saving(form) as saved:
            cancelled = series.change_rule(
                found,
                rule=build_rule(
                    form.repeat.data,
                    form.count.data,
                    form.until.data.strftime("%Y%m%d") if form.until.data else None,
                    form.rule.data or "",
                ),
                first_start=form.starts.data,
                fold=form.fold_value,
                now=utcnow(),
            )
            for occurrence in cancelled:
                invitations.send_updates(
                    occurrence, series.Changes(what=[series.STATUS]), now=utcnow()
                )
            if found.rule_generation != generation:
                # The rule in force ends (its meetings stay); the new one is a new event.
                rule_change.send_part_endings(found, found.parts[-1], now=utcnow())
            invitations.send_series_update(found, now=utcnow())
        if saved:
            flash(_("The new rule applies from that date; earlier meetings are unchanged."))
            return redirect(url_for("meetings.show_series", series_id=found.id))
    if not form.is_submitted():
        form.zone.data = found.zone
    return render_template("meetings/rule_form.html", form=form, series=found), form_status()


@bp.route("/occurrences/<int:occurrence_id>", methods=["GET", "POST"])
@allow(*MANAGERS)
def edit_occurrence(occurrence_id: int) -> object:
    if request.method != "POST":  # the page as the meeting stands: read only to render it

        def render() -> tuple[str, str]:
            occurrence = occurrence_to_edit(occurrence_id) or abort(404)
            form = OccurrenceForm(states=member_states())
            _fill(form, occurrence)
            return occurrence.title, _occurrence_body(form, occurrence)

        title, body = occurrence_page(occurrence_id, render)
        return render_template("meetings/occurrence_form.html", title=title, body=body)
    occurrence = occurrence_to_edit(occurrence_id) or abort(404)
    form = OccurrenceForm(states=member_states())
    if form.validate_on_submit():
        with saving(form) as saved:
            changes = series.update_occurrence(
                occurrence,
                series.OccurrenceInput(
                    starts=form.starts.data,
                    ends=form.ends.data,
                    zone=form.zone.data,
                    fold=form.fold_value,
                    title=form.title.data or "",
                    venue=_venue(form),
                    status=form.status.data,
                    reminder_offsets=series.reminder_offsets_from(form.reminders.data),
                    overlap_reason=form.overlap_reason.data or "",
                ),
                now=utcnow(),
                by=current_user,
            )
            sent = invitations.send_updates(occurrence, changes, now=utcnow())
        if saved:
            flash(_("Saved."), "success")
            if sent:
                flash(ngettext("%(num)d update sent.", "%(num)d updates sent.", sent), "info")
            return redirect(url_for("meetings.show_series", series_id=occurrence.series_id))
    body = Markup(_occurrence_body(form, occurrence))
    return render_template(
        "meetings/occurrence_form.html", title=occurrence.title, body=body
    ), form_status()


def _occurrence_body(form: OccurrenceForm, occurrence: Occurrence) -> str:
    """The meeting's page; the overlaps shown are those of the times the form proposes."""
    return render_template(
        "meetings/_occurrence_page.html",
        form=form,
        occurrence=occurrence,
        overlaps=activities.overlapping(occurrence.series, *_proposed_span(form, occurrence)),
        agenda_form=AgendaItemForm(prefix="agenda"),
        remove_form=ActionForm(),
    )


@bp.route("/occurrences/<int:occurrence_id>/agenda", methods=["POST"])
@allow(*MANAGERS)
def add_agenda_item(occurrence_id: int) -> object:
    occurrence = row(Occurrence, occurrence_id) or abort(404)
    form = AgendaItemForm(prefix="agenda")
    if form.validate_on_submit():
        try:
            agenda.add_item(
                occurrence,
                title=form.title.data,
                presenter=form.presenter.data or "",
                starts=form.starts.data,
                duration_minutes=form.duration.data,
            )
            db.session.commit()
        except RuleError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_("Saved."), "success")
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
    return redirect(url_for("meetings.edit_occurrence", occurrence_id=occurrence_id))


@bp.route("/agenda/<int:item_id>/remove", methods=["POST"])
@allow(*MANAGERS)
def remove_agenda_item(item_id: int) -> object:
    item = row(AgendaItem, item_id) or abort(404)
    occurrence_id = item.occurrence_id
    if ActionForm().validate_on_submit():
        agenda.remove_item(item)
        db.session.commit()
    return redirect(url_for("meetings.edit_occurrence", occurrence_id=occurrence_id))


def _proposed_span(form: OccurrenceForm, occurrence: Occurrence) -> tuple:
    """The times the form proposes when they can be read, else the occurrence's own: the
    overlaps shown are those of the move being made."""
    try:
        return series.span(form.starts.data, form.ends.data, form.zone.data, form.fold_value)
    except (RuleError, TypeError, ValueError):
        return occurrence.starts_at, occurrence.ends_at


def _fill(form: OccurrenceForm, occurrence: Occurrence) -> None:
    form.starts.data, form.ends.data = series.wall_clock(occurrence)
    form.zone.data = occurrence.zone
    form.title.data = occurrence.title_override or ""
    form.venue_address.data = occurrence.venue_address
    form.host_state.data = str(occurrence.host_state_id or 0)
    form.online_url.data = occurrence.online_url
    form.languages.data = occurrence.language_list
    form.status.data = occurrence.status
    form.reminders.data = series.offsets_as_days(occurrence.reminder_offsets)
    form.overlap_reason.data = occurrence.overlap_reason
