"""Adding people from the directory to a series, on its own page: the entries one may
propose, narrowed by member state, area and agency, a page at a time; those ticked, or
everyone listed, become participants, and the participants page says how many."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup

from webapp.core.access import ADMIN, FOCAL_POINT, ORGANIZER, allow
from webapp.core.errors import RuleError
from webapp.core.forms import saving
from webapp.core.paging import MAX_PAGE, requested_page
from webapp.directory.models import PointOfContact
from webapp.meetings import access, participants
from webapp.meetings.forms import ContactsForm
from webapp.meetings.offer import (
    EVERYONE_LIMIT,
    ContactFilter,
    everyone_offered,
    offer_states,
    page_of_offer,
)
from webapp.meetings.offer_cache import offer_body
from webapp.meetings.participants_cache import SeriesLoader, series_title
from webapp.meetings.views import _by_ids, bp, filter_id, series_loader


def _contact_filter(values: object) -> ContactFilter:
    return ContactFilter(
        state_id=filter_id(values.get("state")),
        area_id=filter_id(values.get("area")),
        agency_id=filter_id(values.get("agency")),
    )


@bp.route("/<int:series_id>/participants/add", methods=["GET", "POST"])
@allow(ADMIN, ORGANIZER, FOCAL_POINT)
def add_from_directory(series_id: int) -> object:
    load = series_loader(series_id)
    if access.sees_everything(current_user):
        scope: object = "every state of the series"
    else:
        found = load()
        if not access.can_propose(current_user, found):
            abort(403)
        scope = frozenset(offer_states(current_user, found) or ())
    if request.method == "POST":
        return _add(series_id, load)
    body = offer_body(
        series_id, load, scope=scope, where=_contact_filter(request.args), page=requested_page()
    )
    return _page(series_id, load, body)


def _page(series_id: int, load: SeriesLoader, body: Markup) -> str:
    return render_template(
        "meetings/add_participants.html", title=series_title(series_id, load), body=body
    )


def _add(series_id: int, load: SeriesLoader) -> object:
    found = load()
    where = _contact_filter(request.form)
    page = min(max(filter_id(request.form.get("page")), 1), MAX_PAGE)
    states = offer_states(current_user, found)
    form = ContactsForm(contacts=page_of_offer(states, where, page).items)
    if form.validate_on_submit():
        with saving(form) as saved:
            # The page lists only the columns shown: the entries themselves are read here.
            ids = _everyone(states, where) if form.everyone.data else form.contacts.data
            chosen = _by_ids(PointOfContact, ids)
            added = participants.add_contacts(found, chosen, role=form.role.data, by=current_user)
        if saved:
            flash(_how_many(len(added), len(chosen) - len(added)), "success")
            return redirect(url_for("meetings.participants_page", series_id=found.id))
    body = offer_body(series_id, load, scope=None, where=where, page=page, form=form)
    return _page(series_id, load, body), 400


def _everyone(states: set[int] | None, where: ContactFilter) -> list[int]:
    ids = everyone_offered(states, where)
    if len(ids) > EVERYONE_LIMIT:
        too_many = ngettext(
            "More than %(num)d person is listed: narrow the list to add everyone in it.",
            "More than %(num)d people are listed: narrow the list to add everyone in it.",
            EVERYONE_LIMIT,
        )
        raise RuleError(too_many, "everyone")
    return ids


def _how_many(added: int, already: int) -> str:
    message = ngettext("%(num)d participant added.", "%(num)d participants added.", added)
    if already:
        message += " " + ngettext(
            "%(num)d was already taking part.", "%(num)d were already taking part.", already
        )
    return message
