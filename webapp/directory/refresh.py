"""The refresh cycle that keeps the Directory current, and the coverage figures.

Each member state's entries have a verification period (`DirectorySettings.verification_days`,
else `DIRECTORY_VERIFICATION_DAYS`). A state's *reference date* is the later of

- the oldest verification among its active entries (an entry never verified counts from the
  day it was created), and
- the day the state last answered a refresh request (an answer vouches for the whole list).

The state comes due on reference date + period; that date names the *cycle*. When a state is
due, each of its focal points gets one `RefreshRequest` for the cycle and an email with a
signed link to a review page. While a request of the state is open, its cycle stays the
state's current cycle (a focal point added later gets a request for that same cycle).

On the review page the focal point answers for the whole state, with one of two answers:
"confirmed" (all entries are still correct) or "corrected" (they corrected entries through the
directory's edit pages, and the list as it now stands is correct). Either answer stamps
`last_verified_on` on every active entry of the state and closes every open request of the
state. Editing entries alone does not close a request: the focal point says when they are done.

Unanswered requests are reminded after `REFRESH_REMINDER_DAYS` and escalated to the Secretariat
after `REFRESH_ESCALATION_DAYS`, each at most once. A due state without a focal point is flagged
to the Secretariat once per cycle instead. A state that has never had an entry nor answered a
request does not come due on its own (it has no date to count from); the coverage page shows
it as "no contacts" and the Secretariat can send it a request by hand.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from webapp.accounts.models import User, user_states
from webapp.core import mailer, tokens
from webapp.core.access import FOCAL_POINT
from webapp.core.audit import acting_as
from webapp.core.links import external_url
from webapp.core.reference import WITHDRAWN as STATE_WITHDRAWN
from webapp.core.reference import MemberState
from webapp.core.timezones import in_zone
from webapp.directory.models import (
    ACTIVE,
    CONFIRMED,
    CORRECTED,
    DirectorySettings,
    PointOfContact,
    RefreshRequest,
    contact_areas,
)
from webapp.extensions import db

TOKEN_PURPOSE = "directory-refresh"
MIN_VERIFICATION_DAYS, MAX_VERIFICATION_DAYS = 1, 3650
ANSWERS = (CONFIRMED, CORRECTED)

# Coverage statuses, most urgent first.
NO_CONTACTS, NO_FOCAL_POINT, STALE, DUE, CURRENT = (
    "no_contacts",
    "no_focal_point",
    "stale",
    "due",
    "current",
)
STATUSES = (NO_CONTACTS, NO_FOCAL_POINT, STALE, DUE, CURRENT)
STATUS_LABELS = {
    NO_CONTACTS: _l("no contacts"),
    NO_FOCAL_POINT: _l("no focal point"),
    STALE: _l("stale"),
    DUE: _l("due"),
    CURRENT: _l("current"),
}
ANSWER_LABELS = {CONFIRMED: _l("confirmed"), CORRECTED: _l("corrected")}


class RefreshRefused(Exception):
    """A request the Secretariat asked for that cannot be sent; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RefreshLinkError(Exception):
    """A review link that cannot be used: "invalid", "expired" or "revoked" (the holder is
    no longer a focal point of the state)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- settings ---------------------------------------------------------------------------


def default_verification_days() -> int:
    return int(current_app.config["DIRECTORY_VERIFICATION_DAYS"])


def verification_days(state_id: int) -> int:
    settings = db.session.get(DirectorySettings, state_id)
    if settings is not None and settings.verification_days:
        return settings.verification_days
    return default_verification_days()


def set_verification_days(state_id: int, days: int | None) -> None:
    """Set a state's verification period; `None` returns it to the default."""
    if days is not None and not MIN_VERIFICATION_DAYS <= days <= MAX_VERIFICATION_DAYS:
        raise ValueError(f"verification days must be {MIN_VERIFICATION_DAYS}..3650, not {days}")
    settings = db.session.get(DirectorySettings, state_id)
    if days is None:
        if settings is not None:
            db.session.delete(settings)
        return
    if settings is None:
        db.session.add(DirectorySettings(member_state_id=state_id, verification_days=days))
    else:
        settings.verification_days = days


# --- where each state stands ------------------------------------------------------------


@dataclass
class Standing:
    """One member state's place in the refresh cycle, as the coverage page shows it."""

    state: MemberState
    period_days: int
    custom_period: bool = False
    active_contacts: int = 0
    never_verified: int = 0
    # The oldest verification among active entries (creation day for the never verified).
    oldest_verified_on: date | None = None
    contacts_by_area: dict[int, int] = field(default_factory=dict)
    focal_points: int = 0
    last_request_at: datetime | None = None
    last_answer: str | None = None
    last_answered_at: datetime | None = None
    open_cycle: date | None = None
    open_since: datetime | None = None
    due_on: date | None = None
    status: str = CURRENT

    @property
    def reference_on(self) -> date | None:
        answered = self.last_answered_at.date() if self.last_answered_at else None
        known = [d for d in (self.oldest_verified_on, answered) if d is not None]
        return max(known) if known else None

    def cycle_on(self, today: date) -> date | None:
        """The cycle a request sent today belongs to: the open one, else the due date if
        the state is due, else none."""
        if self.open_cycle is not None:
            return self.open_cycle
        if self.due_on is not None and self.due_on <= today:
            return self.due_on
        return None


def _status(standing: Standing, today: date, escalation_days: int) -> str:
    if standing.active_contacts == 0:
        return NO_CONTACTS
    if standing.focal_points == 0:
        return NO_FOCAL_POINT
    if standing.due_on is None or today < standing.due_on:
        return CURRENT
    if today > standing.due_on + timedelta(days=escalation_days):
        return STALE
    return DUE


def _is_focal_point() -> sa.ColumnElement[bool]:
    """An active focal point who has signed up (an invitation not yet accepted is not)."""
    return sa.and_(
        User.roles.contains(FOCAL_POINT),
        User.is_active_account.is_(True),
        User.password_hash.is_not(None),
    )


def standings(today: date, state_ids: Iterable[int] | None = None) -> list[Standing]:
    """Where every member state (or those in `state_ids`) stands, in a fixed number of
    queries whatever the number of states, contacts and requests."""
    query = (
        sa.select(MemberState)
        .where(MemberState.status != STATE_WITHDRAWN)
        .order_by(MemberState.name_en)
    )
    if state_ids is not None:
        query = query.where(MemberState.id.in_(list(state_ids)))
    states = list(db.session.scalars(query))
    if not states:
        return []
    ids = [s.id for s in states]
    default_days = default_verification_days()
    custom = dict(
        db.session.execute(
            sa.select(DirectorySettings.member_state_id, DirectorySettings.verification_days)
            .where(DirectorySettings.member_state_id.in_(ids))
            .where(DirectorySettings.verification_days.is_not(None))
        ).all()
    )
    by_id = {
        s.id: Standing(
            state=s,
            period_days=custom.get(s.id) or default_days,
            custom_period=s.id in custom,
        )
        for s in states
    }

    active = sa.and_(PointOfContact.status == ACTIVE, PointOfContact.member_state_id.in_(ids))
    never = PointOfContact.last_verified_on.is_(None)
    for state_id, count, oldest, oldest_created, unverified in db.session.execute(
        sa.select(
            PointOfContact.member_state_id,
            sa.func.count(PointOfContact.id),
            sa.func.min(PointOfContact.last_verified_on),
            sa.func.min(sa.case((never, PointOfContact.created_at))),
            sa.func.sum(sa.case((never, 1), else_=0)),
        )
        .where(active)
        .group_by(PointOfContact.member_state_id)
    ):
        standing = by_id[state_id]
        standing.active_contacts = count
        standing.never_verified = int(unverified or 0)
        candidates = [d for d in (oldest, oldest_created and oldest_created.date()) if d]
        standing.oldest_verified_on = min(candidates) if candidates else None

    for state_id, area_id, count in db.session.execute(
        sa.select(PointOfContact.member_state_id, contact_areas.c.area_id, sa.func.count())
        .join(contact_areas, contact_areas.c.contact_id == PointOfContact.id)
        .where(active)
        .group_by(PointOfContact.member_state_id, contact_areas.c.area_id)
    ):
        by_id[state_id].contacts_by_area[area_id] = count

    for state_id, count in db.session.execute(
        sa.select(user_states.c.member_state_id, sa.func.count())
        .join(User, User.id == user_states.c.user_id)
        .where(_is_focal_point(), user_states.c.member_state_id.in_(ids))
        .group_by(user_states.c.member_state_id)
    ):
        by_id[state_id].focal_points = count

    is_open = RefreshRequest.answered_at.is_(None)
    for state_id, last_sent, open_cycle, open_since in db.session.execute(
        sa.select(
            RefreshRequest.member_state_id,
            sa.func.max(RefreshRequest.sent_at),
            sa.func.max(sa.case((is_open, RefreshRequest.cycle))),
            sa.func.min(sa.case((is_open, RefreshRequest.sent_at))),
        )
        .where(RefreshRequest.member_state_id.in_(ids))
        .group_by(RefreshRequest.member_state_id)
    ):
        standing = by_id[state_id]
        standing.last_request_at = last_sent
        standing.open_cycle = open_cycle
        standing.open_since = open_since

    ranked = (
        sa.select(
            RefreshRequest.member_state_id,
            RefreshRequest.answer,
            RefreshRequest.answered_at,
            sa.func.row_number()
            .over(
                partition_by=RefreshRequest.member_state_id,
                order_by=(RefreshRequest.answered_at.desc(), RefreshRequest.id.desc()),
            )
            .label("position"),
        )
        .where(RefreshRequest.answered_at.is_not(None))
        .where(RefreshRequest.member_state_id.in_(ids))
        .subquery()
    )
    for state_id, answer, answered_at in db.session.execute(
        sa.select(ranked.c.member_state_id, ranked.c.answer, ranked.c.answered_at).where(
            ranked.c.position == 1
        )
    ):
        by_id[state_id].last_answer = answer
        by_id[state_id].last_answered_at = answered_at

    escalation_days = int(current_app.config["REFRESH_ESCALATION_DAYS"])
    for standing in by_id.values():
        reference = standing.reference_on
        if reference is not None:
            standing.due_on = reference + timedelta(days=standing.period_days)
        standing.status = _status(standing, today, escalation_days)
    return list(by_id.values())


def standing_of(state_id: int, today: date) -> Standing | None:
    found = standings(today, [state_id])
    return found[0] if found else None


def focal_points_by_state(state_ids: Iterable[int]) -> dict[int, list[User]]:
    """Active accounts with the focal point role, per state they speak for."""
    ids = list(state_ids)
    if not ids:
        return {}
    found: dict[int, list[User]] = defaultdict(list)
    for state_id, person in db.session.execute(
        sa.select(user_states.c.member_state_id, User)
        .join(User, User.id == user_states.c.user_id)
        .where(_is_focal_point(), user_states.c.member_state_id.in_(ids))
        .order_by(User.id)
    ):
        found[state_id].append(person)
    return dict(found)


def is_focal_point_of(person: User | None, state_id: int) -> bool:
    return (
        person is not None
        and person.is_active
        and person.has_role(FOCAL_POINT)
        and state_id in person.member_state_ids
    )


def state_entries(state_id: int) -> list[PointOfContact]:
    """The active entries of a state, for the review page."""
    return list(
        db.session.scalars(
            sa.select(PointOfContact)
            .where(PointOfContact.member_state_id == state_id, PointOfContact.status == ACTIVE)
            .order_by(PointOfContact.name, PointOfContact.id)
        )
    )


# --- links and mail ---------------------------------------------------------------------


def review_token(request: RefreshRequest) -> str:
    return tokens.sign(TOKEN_PURPOSE, {"request": request.id})


def review_link(request: RefreshRequest) -> str:
    return external_url("refresh.review", token=review_token(request))


def link_max_age() -> int:
    return int(current_app.config["REFRESH_LINK_MAX_AGE_SECONDS"])


def _language(person: User | None) -> str:
    languages = current_app.config["LANGUAGES"]
    if person is not None and person.language in languages:
        return person.language
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _enqueue(
    *,
    kind: str,
    recipient: mailer.Recipient,
    key: str,
    subject: Callable[[], str],
    template: str,
    **context: object,
) -> int | None:
    return mailer.compose(
        kind,
        recipient,
        subject=subject,
        template=f"directory/{template}",
        key=key,
        context=context,
    )


def _mail_request(
    request: RefreshRequest, person: User, standing: Standing, now: datetime, reminder: bool
) -> int | None:
    language = _language(person)
    state_name = request.member_state.name_in(language)
    if reminder:
        kind, key = "directory-refresh-reminder", f"directory-refresh-reminder:{request.id}"

        def subject() -> str:
            return _(
                "Reminder: please review the directory entries of %(state)s", state=state_name
            )
    else:
        kind, key = "directory-refresh-request", f"directory-refresh-request:{request.id}"

        def subject() -> str:
            return _("Please review the directory entries of %(state)s", state=state_name)

    return _enqueue(
        kind=kind,
        recipient=mailer.Recipient(person.email, person.name, language, person.timezone),
        key=key,
        subject=subject,
        template="refresh_mail_request",
        person=person,
        state_name=state_name,
        refresh_request=request,
        standing=standing,
        reminder=reminder,
        link=review_link(request),
        valid_until=(now + timedelta(seconds=link_max_age())).date(),
    )


def _secretariat_language() -> str:
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _secretariat() -> mailer.Recipient:
    return mailer.Recipient(
        current_app.config["SECRETARIAT_EMAIL"], language=_secretariat_language()
    )


def _flag_no_focal_point(standing: Standing, cycle: date) -> int | None:
    language = _secretariat_language()
    state_name = standing.state.name_in(language)
    return _enqueue(
        kind="directory-refresh-no-focal-point",
        recipient=_secretariat(),
        key=f"directory-refresh-no-focal-point:{standing.state.id}:{cycle.isoformat()}",
        subject=lambda: _(
            "%(state)s: directory entries are due for review but the state has no focal point",
            state=state_name,
        ),
        template="refresh_mail_no_focal_point",
        state_name=state_name,
        standing=standing,
        cycle=cycle,
        coverage_link=external_url("refresh.coverage"),
    )


# --- the periodic cycle -----------------------------------------------------------------


@dataclass
class CycleReport:
    """What one run of the cycle did, for logs and tests."""

    requested: list[int] = field(default_factory=list)  # RefreshRequest ids created
    flagged: list[int] = field(default_factory=list)  # state ids flagged (mail written)
    reminded: list[int] = field(default_factory=list)
    escalated: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "requested": len(self.requested),
            "flagged": len(self.flagged),
            "reminded": len(self.reminded),
            "escalated": len(self.escalated),
        }


def _create_requests(
    standing: Standing,
    cycle: date,
    people: list[User],
    now: datetime,
    manual: bool = False,
    requested_by: User | None = None,
) -> list[RefreshRequest]:
    """One request per focal point for the cycle, skipping those that have one; the unique
    constraint settles a race with another run. Mail is written in the same transaction."""
    state_id = standing.state.id
    existing = set(
        db.session.scalars(
            sa.select(RefreshRequest.focal_point_id).where(
                RefreshRequest.member_state_id == state_id, RefreshRequest.cycle == cycle
            )
        )
    )
    created = []
    for person in people:
        if person.id in existing:
            continue
        request = RefreshRequest(
            member_state_id=state_id,
            member_state=standing.state,
            cycle=cycle,
            focal_point_id=person.id,
            manual=manual,
            requested_by_id=requested_by.id if requested_by else None,
            sent_at=now,
        )
        try:
            with db.session.begin_nested():
                db.session.add(request)
        except IntegrityError:
            continue  # another run created it a moment ago
        _mail_request(request, person, standing, now, reminder=False)
        created.append(request)
    return created


def send_due_requests(now: datetime) -> CycleReport:
    """For each due state: a request to each focal point that has none for the cycle, or
    one flag to the Secretariat when the state has no focal point. Safe to run twice."""
    report = CycleReport()
    today = now.date()
    due = [(s, s.cycle_on(today)) for s in standings(today)]
    due = [(s, cycle) for s, cycle in due if cycle is not None]
    people_by_state = focal_points_by_state(s.state.id for s, _cycle in due)
    for standing, cycle in due:
        people = people_by_state.get(standing.state.id, [])
        if people:
            created = _create_requests(standing, cycle, people, now)
            report.requested.extend(r.id for r in created)
        elif _flag_no_focal_point(standing, cycle) is not None:
            report.flagged.append(standing.state.id)
        db.session.commit()
    return report


def send_reminders(now: datetime) -> CycleReport:
    """Remind each focal point once when a request is unanswered after the reminder days."""
    report = CycleReport()
    threshold = now - timedelta(days=int(current_app.config["REFRESH_REMINDER_DAYS"]))
    rows = db.session.execute(
        sa.select(RefreshRequest, User)
        .join(User, User.id == RefreshRequest.focal_point_id)
        .where(
            RefreshRequest.answered_at.is_(None),
            RefreshRequest.reminded_at.is_(None),
            RefreshRequest.sent_at <= threshold,
        )
        .order_by(RefreshRequest.id)
    ).all()
    if not rows:
        return report
    standing_by_state = {
        s.state.id: s for s in standings(now.date(), {r.member_state_id for r, _p in rows})
    }
    for request, person in rows:
        standing = standing_by_state.get(request.member_state_id)
        # A person who no longer speaks for the state gets no link to its entries.
        if standing is None or not is_focal_point_of(person, request.member_state_id):
            continue
        request.reminded_at = now
        _mail_request(request, person, standing, now, reminder=True)
        db.session.commit()
        report.reminded.append(request.id)
    return report


def send_escalations(now: datetime) -> CycleReport:
    """Tell the Secretariat once about requests unanswered after the escalation days: one
    message per state and cycle, naming the focal points who were asked."""
    report = CycleReport()
    threshold = now - timedelta(days=int(current_app.config["REFRESH_ESCALATION_DAYS"]))
    rows = db.session.execute(
        sa.select(RefreshRequest, User)
        .join(User, User.id == RefreshRequest.focal_point_id)
        .where(
            RefreshRequest.answered_at.is_(None),
            RefreshRequest.escalated_at.is_(None),
            RefreshRequest.sent_at <= threshold,
        )
        .order_by(RefreshRequest.member_state_id, RefreshRequest.cycle, RefreshRequest.id)
    ).all()
    groups: dict[tuple[int, date], list[tuple[RefreshRequest, User]]] = defaultdict(list)
    for request, person in rows:
        groups[(request.member_state_id, request.cycle)].append((request, person))
    language = _secretariat_language()
    for (state_id, cycle), members in groups.items():
        state = members[0][0].member_state
        state_name = state.name_in(language)
        _enqueue(
            kind="directory-refresh-escalation",
            recipient=_secretariat(),
            key=f"directory-refresh-escalation:{state_id}:{cycle.isoformat()}",
            subject=lambda state_name=state_name: _(
                "%(state)s has not answered the directory refresh request", state=state_name
            ),
            template="refresh_mail_escalation",
            state_name=state_name,
            cycle=cycle,
            members=members,
            sent_at=min(r.sent_at for r, _p in members),
            coverage_link=external_url("refresh.coverage"),
        )
        for request, _person in members:
            request.escalated_at = now
            report.escalated.append(request.id)
        db.session.commit()
    return report


def run_cycle(now: datetime) -> CycleReport:
    """Everything the periodic task does, in order: new requests, reminders, escalations."""
    report = send_due_requests(now)
    report.reminded = send_reminders(now).reminded
    report.escalated = send_escalations(now).escalated
    return report


# --- by hand ----------------------------------------------------------------------------


def send_request_by_hand(state_id: int, by: User, now: datetime) -> list[RefreshRequest]:
    """The Secretariat asks a state now. Refuses (RefreshRefused) when a request is open,
    when the state has no focal point, or when the cycle was already answered. The caller
    commits."""
    today = now.date()
    standing = standing_of(state_id, today)
    if standing is None:
        raise RefreshRefused(_("This member state is not in the directory."))
    state_name = standing.state.name
    if standing.open_cycle is not None:
        raise RefreshRefused(
            _(
                "A refresh request to %(state)s is already open for this cycle; it has not "
                "been answered yet. Nothing was sent.",
                state=state_name,
            )
        )
    people = focal_points_by_state([state_id]).get(state_id, [])
    if not people:
        raise RefreshRefused(
            _(
                "%(state)s has no focal point, so there is nobody to ask. Add a focal point "
                "first. Nothing was sent.",
                state=state_name,
            )
        )
    cycle = standing.cycle_on(today) or today
    created = _create_requests(standing, cycle, people, now, manual=True, requested_by=by)
    if not created:
        raise RefreshRefused(
            _(
                "%(state)s has already answered a refresh request for this cycle. Nothing "
                "was sent.",
                state=state_name,
            )
        )
    return created


# --- answers ----------------------------------------------------------------------------


def request_from_token(token: str) -> tuple[RefreshRequest, User]:
    """The request a review link names and its focal point, or RefreshLinkError."""
    try:
        payload = tokens.verify(TOKEN_PURPOSE, token, max_age=link_max_age())
    except tokens.InvalidToken as exc:
        raise RefreshLinkError("expired" if exc.expired else "invalid") from exc
    request_id = payload.get("request") if isinstance(payload, dict) else None
    if not isinstance(request_id, int):
        raise RefreshLinkError("invalid")
    request = db.session.get(RefreshRequest, request_id)
    if request is None:
        raise RefreshLinkError("invalid")
    person = db.session.get(User, request.focal_point_id)
    if not is_focal_point_of(person, request.member_state_id):
        raise RefreshLinkError("revoked")
    return request, person


def answer_request(request: RefreshRequest, answer: str, now: datetime) -> int:
    """Record the focal point's answer for the state: stamp every active entry as verified
    today and close every open request of the state. Returns how many entries were
    stamped. Audited with the focal point as actor. The caller commits."""
    if answer not in ANSWERS:
        raise ValueError(f"unknown answer {answer!r}")
    if request.answered_at is not None:
        raise RefreshRefused(_("This request has already been answered."))
    person = db.session.get(User, request.focal_point_id)
    # The day as the focal point lives it, as when they edit an entry themselves.
    verified_on = in_zone(now, person.timezone or current_app.config["DEFAULT_TIMEZONE"]).date()
    with acting_as(person.id, person.email):
        entries = state_entries(request.member_state_id)
        for entry in entries:
            entry.last_verified_on = verified_on
        open_requests = db.session.scalars(
            sa.select(RefreshRequest).where(
                RefreshRequest.member_state_id == request.member_state_id,
                RefreshRequest.answered_at.is_(None),
            )
        )
        for each in open_requests:
            each.answered_at = now
            each.answer = answer
            each.answered_by_id = person.id
        db.session.flush()  # audit entries are written now, under the focal point's name
    return len(entries)


def changed_since(state_id: int, since: datetime) -> int:
    """How many active entries of a state were changed after `since` (for the review page)."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(PointOfContact.id)).where(
                PointOfContact.member_state_id == state_id,
                PointOfContact.status == ACTIVE,
                PointOfContact.updated_at > since,
            )
        )
        or 0
    )


def requests_for(
    person: User, limit: int = 20
) -> tuple[list[RefreshRequest], list[RefreshRequest]]:
    """A focal point's open requests and their latest answered ones, for their states."""
    mine = sa.and_(
        RefreshRequest.focal_point_id == person.id,
        RefreshRequest.member_state_id.in_(list(person.member_state_ids)),
    )
    open_requests = list(
        db.session.scalars(
            sa.select(RefreshRequest)
            .where(mine, RefreshRequest.answered_at.is_(None))
            .order_by(RefreshRequest.sent_at, RefreshRequest.id)
        )
    )
    answered = list(
        db.session.scalars(
            sa.select(RefreshRequest)
            .where(mine, RefreshRequest.answered_at.is_not(None))
            .order_by(RefreshRequest.answered_at.desc(), RefreshRequest.id.desc())
            .limit(limit)
        )
    )
    return open_requests, answered


# --- the chart --------------------------------------------------------------------------

STATUS_COLOURS = {
    CURRENT: "#1e6b35",
    DUE: "#8a5a00",
    STALE: "#a1261c",
    NO_FOCAL_POINT: "#5b6775",
    NO_CONTACTS: "#a1261c",
}


@dataclass(frozen=True)
class Bar:
    label: str
    name: str
    value: int
    status: str
    y: int
    width: int
    colour: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    label_width: int
    plot_width: int
    bar_height: int
    bars: list[Bar]
    maximum: int
    legend: list[tuple[str, str]]


def contacts_chart(rows: list[Standing], bar_height: int = 16, gap: int = 6) -> Chart:
    """A horizontal bar per state: active contacts, coloured by status. Geometry only; the
    template draws it as inline SVG from the same rows as the table."""
    label_width, plot_width, top = 48, 520, 8
    maximum = max((r.active_contacts for r in rows), default=0) or 1
    bars = [
        Bar(
            label=r.state.code,
            name=r.state.name,
            value=r.active_contacts,
            status=r.status,
            y=top + i * (bar_height + gap),
            width=round(plot_width * r.active_contacts / maximum),
            colour=STATUS_COLOURS[r.status],
        )
        for i, r in enumerate(rows)
    ]
    height = top * 2 + len(rows) * (bar_height + gap)
    present = {r.status for r in rows}
    legend = [(str(STATUS_LABELS[s]), STATUS_COLOURS[s]) for s in STATUSES if s in present]
    return Chart(
        width=label_width + plot_width + 60,
        height=height,
        label_width=label_width,
        plot_width=plot_width,
        bar_height=bar_height,
        bars=bars,
        maximum=maximum,
        legend=legend,
    )
