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
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError

from webapp.accounts.models import User
from webapp.core import grammar, tokens
from webapp.core.audit import acting_as
from webapp.core.timezones import today_in
from webapp.directory import refresh_mail
from webapp.directory.errors import RefreshLinkError, RefreshRefused
from webapp.directory.models import CONFIRMED, CORRECTED, RefreshRequest
from webapp.directory.standing import (
    Standing,
    focal_points_by_state,
    is_focal_point_of,
    standing_of,
    standings,
    state_entries,
)
from webapp.extensions import db

ANSWERS = (CONFIRMED, CORRECTED)


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
        refresh_mail.mail_request(request, person, standing, now, reminder=False)
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
        elif refresh_mail.flag_no_focal_point(standing, cycle) is not None:
            report.flagged.append(standing.state.id)
        db.session.commit()
    return report


def _unanswered(not_yet: sa.orm.InstrumentedAttribute, threshold: datetime) -> sa.Select:
    """Requests sent by `threshold` and still unanswered whose `not_yet` time (reminded,
    escalated) is still empty, each with its focal point."""
    return (
        sa.select(RefreshRequest, User)
        .join(User, User.id == RefreshRequest.focal_point_id)
        .where(
            RefreshRequest.answered_at.is_(None),
            not_yet.is_(None),
            RefreshRequest.sent_at <= threshold,
        )
    )


def send_reminders(now: datetime) -> CycleReport:
    """Remind each focal point once when a request is unanswered after the reminder days."""
    report = CycleReport()
    threshold = now - timedelta(days=int(current_app.config["REFRESH_REMINDER_DAYS"]))
    rows = db.session.execute(
        _unanswered(RefreshRequest.reminded_at, threshold).order_by(RefreshRequest.id)
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
        refresh_mail.mail_request(request, person, standing, now, reminder=True)
        db.session.commit()
        report.reminded.append(request.id)
    return report


def send_escalations(now: datetime) -> CycleReport:
    """Tell the Secretariat once about requests unanswered after the escalation days: one
    message per state and cycle, naming the focal points who were asked."""
    report = CycleReport()
    threshold = now - timedelta(days=int(current_app.config["REFRESH_ESCALATION_DAYS"]))
    rows = db.session.execute(
        _unanswered(RefreshRequest.escalated_at, threshold).order_by(
            RefreshRequest.member_state_id, RefreshRequest.cycle, RefreshRequest.id
        )
    ).all()
    groups: dict[tuple[int, date], list[tuple[RefreshRequest, User]]] = defaultdict(list)
    for request, person in rows:
        groups[(request.member_state_id, request.cycle)].append((request, person))
    for (_state_id, cycle), members in groups.items():
        refresh_mail.mail_escalation(members[0][0].member_state, cycle, members)
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
    if standing.open_cycle is not None:
        raise RefreshRefused(
            _(
                "A refresh request %(to_state)s is already open for this cycle; it has not "
                "been answered yet. Nothing was sent.",
                to_state=grammar.state_name(standing.state, "to"),
            )
        )
    people = focal_points_by_state([state_id]).get(state_id, [])
    if not people:
        raise RefreshRefused(
            ngettext(
                "%(state)s has no focal point, so there is nobody to ask. Add a focal point "
                "first. Nothing was sent.",
                "%(state)s have no focal point, so there is nobody to ask. Add a focal point "
                "first. Nothing was sent.",
                grammar.state_number(standing.state),
                state=grammar.state_name(standing.state, "subject", start=True),
            )
        )
    cycle = standing.cycle_on(today) or today
    created = _create_requests(standing, cycle, people, now, manual=True, requested_by=by)
    if not created:
        raise RefreshRefused(
            ngettext(
                "%(state)s has already answered a refresh request for this cycle. Nothing "
                "was sent.",
                "%(state)s have already answered a refresh request for this cycle. Nothing "
                "was sent.",
                grammar.state_number(standing.state),
                state=grammar.state_name(standing.state, "subject", start=True),
            )
        )
    return created


# --- answers ----------------------------------------------------------------------------


def request_from_token(token: str) -> tuple[RefreshRequest, User]:
    """The request a review link names and its focal point, or RefreshLinkError."""
    try:
        payload = tokens.verify(
            refresh_mail.TOKEN_PURPOSE, token, max_age=refresh_mail.link_max_age()
        )
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
    verified_on = today_in(person.timezone or current_app.config["DEFAULT_TIMEZONE"], now)
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


def open_request_count(person: User) -> int:
    """How many requests wait for the focal point's answer, for their states (one count)."""
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(RefreshRequest)
            .where(
                RefreshRequest.focal_point_id == person.id,
                RefreshRequest.member_state_id.in_(list(person.member_state_ids)),
                RefreshRequest.answered_at.is_(None),
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
    # One statement: every open request, and the ids of the latest answered ones.
    latest_answered = (
        sa.select(RefreshRequest.id)
        .where(mine, RefreshRequest.answered_at.is_not(None))
        .order_by(RefreshRequest.answered_at.desc(), RefreshRequest.id.desc())
        .limit(limit)
    )
    rows = list(
        db.session.scalars(
            sa.select(RefreshRequest).where(
                mine,
                sa.or_(
                    RefreshRequest.answered_at.is_(None),
                    RefreshRequest.id.in_(latest_answered.scalar_subquery()),
                ),
            )
        )
    )
    open_requests = sorted(
        (r for r in rows if r.answered_at is None), key=lambda r: (r.sent_at, r.id)
    )
    answered = sorted(
        (r for r in rows if r.answered_at is not None),
        key=lambda r: (r.answered_at, r.id),
        reverse=True,
    )
    return open_requests, answered
